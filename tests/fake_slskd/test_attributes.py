"""Attributes come from the real file and follow per-format presence rules (spec §10.6)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fakes.slskd import FakeSlskd, Network

from .helpers import client_for, search

LOSSLESS = {"bitDepth", "sampleRate", "length"}
LOSSY = {"bitRate", "length", "isVariableBitRate"}
ATTRIBUTES = LOSSLESS | LOSSY


def _reported(
    make_fake: Callable[..., FakeSlskd], tmp_path: Path, local: Path, name: str, **overrides: object
) -> dict:
    network = Network.build(tmp_path / "net")
    network.add_user("peer").share(f"Music\\Album\\{name}", local, **overrides)
    fake = make_fake(network)
    with client_for(fake) as api:
        final = search(api, "music album")
    return final["responses"][0]["files"][0]


@pytest.mark.parametrize(
    ("key", "present"),
    [
        ("flac", LOSSLESS),
        ("wav", LOSSLESS),
        ("mp3", LOSSY),
        ("ogg", LOSSY),
        ("opus", LOSSY),
        ("m4a", LOSSY),
        ("jpg", set()),
        ("txt", set()),
    ],
)
def test_attribute_presence_depends_on_the_format(
    make_fake: Callable[..., FakeSlskd],
    tmp_path: Path,
    audio: dict[str, Path],
    key: str,
    present: set[str],
) -> None:
    local = audio[key]
    file = _reported(make_fake, tmp_path, local, local.name)
    assert ATTRIBUTES & set(file) == present
    assert file["size"] == local.stat().st_size


def test_values_are_read_from_the_real_audio(
    make_fake: Callable[..., FakeSlskd], tmp_path: Path, audio: dict[str, Path]
) -> None:
    flac = _reported(make_fake, tmp_path / "a", audio["flac24"], "hires.flac")
    assert (flac["bitDepth"], flac["sampleRate"], flac["length"]) == (24, 44100, 1)
    mp3 = _reported(make_fake, tmp_path / "b", audio["mp3"], "one.mp3")
    assert (mp3["bitRate"], mp3["isVariableBitRate"], mp3["length"]) == (320, False, 2)


def test_overrides_change_what_the_peer_reports(
    make_fake: Callable[..., FakeSlskd], tmp_path: Path, audio: dict[str, Path]
) -> None:
    file = _reported(
        make_fake,
        tmp_path,
        audio["flac"],
        "01.flac",
        size=123,
        attributes={"bitRate": 900},
        omit=("bitDepth",),
        extension="",
    )
    assert file["size"] == 123
    assert file["bitRate"] == 900
    assert "bitDepth" not in file
    assert file["extension"] == ""
