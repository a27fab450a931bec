"""Byte layout helpers: where tags end and audio begins, for integrity checks and fingerprints.

All functions read a few small blocks with seek(); none reads the audio itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class StreamInfo:
    """The FLAC STREAMINFO block (the fields integrity checks need)."""

    min_blocksize: int
    max_blocksize: int
    max_framesize: int
    sample_rate: int
    channels: int
    bits_per_sample: int
    total_samples: int  # 0 = unknown (streamed encodes)
    md5: bytes


# Every ASF file (WMA, WMV) starts with the Header Object's GUID.
ASF_HEADER_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")


def sniff_container(f: BinaryIO) -> str | None:
    """'flac', 'ape', 'wavpack', 'asf', 'ogg', 'mp4', 'riff', 'aiff' from the magic bytes, or
    None (e.g. MP3)."""
    f.seek(id3v2_end(f))
    head = f.read(16)
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"MAC "):
        return "ape"
    if head.startswith(b"wvpk"):
        return "wavpack"
    if head == ASF_HEADER_GUID:
        return "asf"
    f.seek(0)
    head = f.read(12)
    if head.startswith(b"OggS"):
        return "ogg"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith((b"RIFF", b"RF64")):
        return "riff"
    if head.startswith(b"FORM") and head[8:12] in {b"AIFF", b"AIFC"}:
        return "aiff"
    return None


def id3v2_end(f: BinaryIO) -> int:
    """Offset just past any ID3v2 tags at the start (some writers stack several)."""
    offset = 0
    while True:
        f.seek(offset)
        header = f.read(10)
        if len(header) < 10 or header[:3] != b"ID3":
            return offset
        size = 0
        for byte in header[6:10]:  # "syncsafe" integer: 7 bits per byte
            size = (size << 7) | (byte & 0x7F)
        offset += 10 + size + (10 if header[5] & 0x10 else 0)


def tail_tags_size(f: BinaryIO, size: int) -> int:
    """Bytes taken at the end of the file by ID3v1, Lyrics3v2 and APEv2 tags."""
    end = size
    if end >= 128 and _read_at(f, end - 128, 3) == b"TAG":
        end -= 128
    lyrics = _read_at(f, end - 15, 15) if end >= 15 else b""
    if lyrics[6:] == b"LYRICS200" and lyrics[:6].isdigit():
        end -= int(lyrics[:6]) + 15
    footer = _read_at(f, end - 32, 32) if end >= 32 else b""
    if footer[:8] == b"APETAGEX":
        tag_size = int.from_bytes(footer[12:16], "little")
        has_header = int.from_bytes(footer[20:24], "little") & 0x80000000
        end -= tag_size + (32 if has_header else 0)
    return size - max(end, 0)


def flac_layout(f: BinaryIO, size: int) -> tuple[StreamInfo, int]:
    """STREAMINFO and the offset of the first audio frame; ValueError if the header is cut."""
    start = id3v2_end(f)
    if _read_at(f, start, 4) != b"fLaC":
        raise ValueError("no fLaC marker")
    pos, info = start + 4, None
    while True:
        header = _read_at(f, pos, 4)
        if len(header) < 4:
            raise ValueError("file ends inside the FLAC metadata")
        length = int.from_bytes(header[1:4], "big")
        if header[0] & 0x7F == 0:
            info = _parse_streaminfo(_read_at(f, pos + 4, length))
        pos += 4 + length
        if pos > size:
            raise ValueError("file ends inside the FLAC metadata")
        if header[0] & 0x80:  # last-metadata-block flag
            if info is None:
                raise ValueError("FLAC file has no STREAMINFO block")
            return info, pos


def _parse_streaminfo(block: bytes) -> StreamInfo:
    if len(block) < 34:
        raise ValueError("STREAMINFO block is too short")
    bits = int.from_bytes(block[10:18], "big")  # 20 rate, 3 channels-1, 5 bps-1, 36 samples
    return StreamInfo(
        min_blocksize=int.from_bytes(block[0:2], "big"),
        max_blocksize=int.from_bytes(block[2:4], "big"),
        max_framesize=int.from_bytes(block[7:10], "big"),
        sample_rate=bits >> 44,
        channels=((bits >> 41) & 0x7) + 1,
        bits_per_sample=((bits >> 36) & 0x1F) + 1,
        total_samples=bits & 0xFFFFFFFFF,
        md5=block[18:34],
    )


def _read_at(f: BinaryIO, offset: int, count: int) -> bytes:
    f.seek(max(offset, 0))
    return f.read(count)
