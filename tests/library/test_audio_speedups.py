"""The scanner's fast paths in library.audio give the same answers as the plain ways."""

from __future__ import annotations

import inspect
import random
import re

import mutagen._file

from library.audio.flac import crc16
from library.mutagen_formats import mutagen_kinds


def _bitwise_crc16(data: bytes) -> int:
    """FLAC's CRC-16 straight from its definition (polynomial 0x8005, one bit at a time)."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def test_crc16_matches_the_definition_on_random_data_of_any_length() -> None:
    rng = random.Random(16)
    lengths = [*range(0, 40), *(rng.randrange(40, 20_000) for _ in range(40))]
    for length in lengths:
        data = rng.randbytes(length)
        assert crc16(data) == _bitwise_crc16(data), length


def test_crc16_of_a_known_check_value() -> None:
    assert crc16(b"123456789") == 0xFEE8  # CRC-16/UMTS, the variant FLAC uses


def test_the_cached_mutagen_kinds_are_the_ones_mutagen_file_tries() -> None:
    source = inspect.getsource(mutagen._file.File)
    listed = re.search(r"options = \[(.*?)\]", source, re.S)
    assert listed, "mutagen.File no longer lists its formats this way: update mutagen_kinds"
    names = {name.strip() for name in listed.group(1).split(",") if name.strip()}
    assert {kind.__name__ for kind in mutagen_kinds()} == names
