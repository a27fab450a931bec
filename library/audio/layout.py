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


FLAC_BLOCK_NAMES = {
    0: "STREAMINFO",
    1: "PADDING",
    2: "APPLICATION",
    3: "SEEKTABLE",
    4: "VORBIS_COMMENT",
    5: "CUESHEET",
    6: "PICTURE",
}
_FLAC_INVALID_BLOCK = 127


def flac_layout(f: BinaryIO, size: int) -> tuple[StreamInfo, int]:
    """STREAMINFO and the offset of the first audio frame.

    ValueError, naming the broken block, if the metadata is cut or a block is inconsistent:
    one block with a wrong length throws the walk off, so the next "block" is garbage, and
    blaming that garbage (say, as a too-short STREAMINFO) would send the user to the wrong
    place.
    """
    start = id3v2_end(f)
    if _read_at(f, start, 4) != b"fLaC":
        raise ValueError("no fLaC marker")
    pos, info, number, previous = start + 4, None, 0, ""
    while True:
        header = _read_at(f, pos, 4)
        if len(header) < 4:
            raise ValueError("FLAC file is truncated: the file ends inside the metadata")
        kind, length = header[0] & 0x7F, int.from_bytes(header[1:4], "big")
        name = FLAC_BLOCK_NAMES.get(kind, f"type {kind}")
        if pos + 4 + length > size:
            raise ValueError(
                f"FLAC file is truncated: the file ends inside the {name} metadata block"
                + (f" (or the {previous} block before it has a wrong length)" if previous else "")
            )
        if (kind == 0) != (number == 0) or kind == _FLAC_INVALID_BLOCK:
            if number == 0:
                raise ValueError(
                    f"FLAC metadata is corrupt: the first block is {name}, not STREAMINFO"
                )
            raise ValueError(
                f"FLAC metadata is corrupt: the {previous} block (#{number}) has a wrong "
                "length (what follows it is not a valid metadata block)"
            )
        block = _read_at(f, pos + 4, length) if kind in _FLAC_CHECKED_BLOCKS else b""
        problem = _flac_block_problem(kind, block)
        if problem:
            raise ValueError(
                f"FLAC metadata is corrupt: the {name} block (#{number + 1}) {problem}"
            )
        if kind == 0:
            info = _parse_streaminfo(block)
        pos += 4 + length
        number, previous = number + 1, name
        if header[0] & 0x80:  # last-metadata-block flag
            if info is None:
                raise ValueError("FLAC file has no STREAMINFO block")
            return info, pos


_FLAC_CHECKED_BLOCKS = {0, 3, 4, 6}  # small blocks whose length we can check from inside


def _flac_block_problem(kind: int, block: bytes) -> str:
    """Why a block's contents disagree with its stated length; empty when they agree."""
    if kind == 0 and len(block) != 34:
        return f"is {len(block)} bytes long (it must be 34)"
    if kind == 3 and len(block) % 18:
        return f"is {len(block)} bytes long (not a whole number of 18-byte seek points)"
    if kind == 4:
        needed = _vorbis_comment_size(block)
    elif kind == 6:
        needed = _picture_size(block)
    else:
        return ""
    if needed != len(block):
        return f"says it is {len(block):,} bytes long but its contents take {needed:,}"
    return ""


def _picture_size(block: bytes) -> int:
    """Bytes a PICTURE block's fields take: type, MIME, description, 4 numbers, data."""
    pos = 4
    for skip_after in (0, 16, 0):  # MIME, then description + width/height/depth/colours, data
        length = int.from_bytes(block[pos : pos + 4], "big") if pos + 4 <= len(block) else 0
        pos += 4 + length + skip_after
    return pos


def _vorbis_comment_size(block: bytes) -> int:
    """Bytes a VORBIS_COMMENT block's fields take: vendor string, count, comments."""

    def length_at(pos: int) -> int:
        return int.from_bytes(block[pos : pos + 4], "little") if pos + 4 <= len(block) else 0

    pos = 4 + length_at(0)
    count, pos = length_at(pos), pos + 4
    for _ in range(count):
        if pos >= len(block):  # a bogus count: stop at the first comment past the end
            return max(pos, len(block) + 1)
        pos += 4 + length_at(pos)
    return pos


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


# MPEG audio frame headers, for counting frames when no Xing/Info header says how many there are.
_MPEG_BITRATES_KBPS = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MPEG_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}
MAX_COUNTED_FRAMES = 400_000  # about 2.9 hours of 44.1 kHz MP3


def mpeg_audio_seconds(f: BinaryIO, start: int, end: int) -> float:
    """Seconds of MPEG audio in f[start:end], by walking the frame headers (0.0 if none).

    Reads 4 bytes per frame. Stops at the first byte that is not a frame header, so junk or
    a tag inside the range ends the count there.
    """
    pos, samples, rate, frames = start, 0, 0, 0
    while pos + 4 <= end and frames < MAX_COUNTED_FRAMES:
        frame = _mpeg_frame(_read_at(f, pos, 4))
        if frame is None or (rate and frame[2] != rate):
            break
        length, frame_samples, rate = frame
        if pos + length > end + 4:  # a cut last frame is not audio
            break
        pos, samples, frames = pos + length, samples + frame_samples, frames + 1
    return samples / rate if rate else 0.0


def _mpeg_frame(header: bytes) -> tuple[int, int, int] | None:
    """(frame length in bytes, samples, sample rate) of an MPEG audio frame header."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = {3: 1, 2: 2, 0: 25}.get((header[1] >> 3) & 3)
    layer = 4 - ((header[1] >> 1) & 3)
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version is None or layer == 4 or bitrate_index in {0, 15} or rate_index == 3:
        return None
    table = (1, layer) if version == 1 else (2, 1 if layer == 1 else 2)
    bitrate = _MPEG_BITRATES_KBPS[table][bitrate_index] * 1000
    rate = _MPEG_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4, 384, rate
    samples = 576 if layer == 3 and version != 1 else 1152
    return samples // 8 * bitrate // rate + padding, samples, rate


def riff_chunk(f: BinaryIO, size: int, wanted: bytes) -> tuple[int, int] | None:
    """(offset of the data, size) of the first RIFF chunk named `wanted`, or None."""
    pos = 12
    while pos + 8 <= size:
        header = _read_at(f, pos, 8)
        chunk_size = int.from_bytes(header[4:8], "little")
        if header[:4] == wanted:
            return pos + 8, min(chunk_size, size - pos - 8)
        pos += 8 + chunk_size + (chunk_size & 1)
    return None
