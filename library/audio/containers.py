"""Truncation checks for Monkey's Audio (APE), WavPack and ASF (WMA) containers.

Each reads the container's own header and compares what it declares (sizes, frames, samples)
with the bytes the file holds, reading a few small blocks and, for WavPack, the tail: never
the audio itself. `audio_start`/`audio_end` exclude ID3v2 at the front and APEv2/ID3v1 tags
at the end.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from library.audio.layout import ASF_HEADER_GUID

_APE_DESCRIPTOR_VERSION = 3980  # from Monkey's Audio 3.98 on, the header states every size
_APE_HAS_PEAK_LEVEL = 0x04
_APE_HAS_SEEK_ELEMENTS = 0x10
_APE_CREATE_WAV_HEADER = 0x20  # the WAV header is not stored (the decoder makes one)
_WAVPACK_WINDOWS = (64 * 1024, 1024 * 1024, 4 * 1024 * 1024)  # blocks are at most ~1 MiB
_WAVPACK_UNKNOWN = 0xFFFFFFFF
_ASF_DATA_GUID = bytes.fromhex("3626b2758e66cf11a6d900aa0062ce6c")


def check_ape(f: BinaryIO, audio_start: int, audio_end: int) -> str | None:
    """The sizes in the APE header (3.98+) or its seek table (older) must fit in the file."""
    f.seek(audio_start)
    head = f.read(52)
    if len(head) < 32:
        return "APE file is truncated: the header is incomplete"
    version = int.from_bytes(head[4:6], "little")
    if version >= _APE_DESCRIPTOR_VERSION:
        if len(head) < 52:
            return "APE file is truncated: the header is incomplete"
        descriptor, header, seek, wav, data_low, data_high, trailer = struct.unpack(
            "<7I", head[8:36]
        )
        declared = descriptor + header + seek + wav + (data_high << 32 | data_low) + trailer
        if audio_start + declared > audio_end:
            have = audio_end - audio_start
            return (
                f"APE file is truncated: its header declares {declared:,} bytes, "
                f"{have:,} are present"
            )
        table_at, entries = audio_start + descriptor + header, seek // 4
    else:
        flags, header_bytes, frames = (
            int.from_bytes(head[8:10], "little"),
            int.from_bytes(head[16:20], "little"),
            int.from_bytes(head[24:28], "little"),
        )
        table_at, entries = audio_start + 32, frames
        if flags & _APE_HAS_PEAK_LEVEL:
            table_at += 4
        if flags & _APE_HAS_SEEK_ELEMENTS:
            entries = int.from_bytes(
                head[table_at - audio_start : table_at - audio_start + 4], "little"
            )
            table_at += 4
        if not flags & _APE_CREATE_WAV_HEADER:
            table_at += header_bytes
    return _check_ape_seek_table(f, table_at, entries, audio_start, audio_end)


def _check_ape_seek_table(
    f: BinaryIO, table_at: int, entries: int, audio_start: int, audio_end: int
) -> str | None:
    """Every frame the seek table lists must start inside the file."""
    if entries == 0:
        return "APE file has no audio frames"
    table_end = table_at + 4 * entries
    if table_end > audio_end:
        return (
            f"APE file is truncated or its header is corrupt: its seek table of "
            f"{entries:,} frames runs past the end of the file"
        )
    f.seek(table_end - 4)
    last = int.from_bytes(f.read(4), "little") + audio_start
    if last >= audio_end:
        f.seek(table_at)
        offsets = struct.unpack(f"<{entries}I", f.read(4 * entries))
        present = sum(1 for offset in offsets if offset + audio_start < audio_end)
        return f"APE file is truncated: {present} of {entries} frames are present"
    return None


def check_wavpack(f: BinaryIO, audio_start: int, audio_end: int) -> str | None:
    """The last WavPack block must end exactly at the end of the file and reach the last sample.

    Each block header states its size, first sample and sample count; the stream's total is
    in the first block (ffmpeg fills it in only there) or, for streamed encodes, in later ones.
    """
    f.seek(audio_start)
    first_block = f.read(24)
    stream_total = struct.unpack("<I", first_block[12:16])[0] if len(first_block) == 24 else 0
    for window in _WAVPACK_WINDOWS:
        start = max(audio_start, audio_end - window)
        f.seek(start)
        tail = f.read(audio_end - start)
        i = len(tail)
        while (i := tail.rfind(b"wvpk", 0, i)) >= 0:
            if len(tail) - i < 32:
                continue
            size, _, _, _, total, first, count = struct.unpack("<IHBBIII", tail[i + 4 : i + 24])
            if i + 8 + size != len(tail):
                continue
            if stream_total not in {0, _WAVPACK_UNKNOWN}:
                total = stream_total
            if total not in {0, _WAVPACK_UNKNOWN} and count and first + count < total:
                return f"WavPack file is truncated: {first + count:,} of {total:,} samples present"
            return None
        if start == audio_start:
            break
    return "WavPack file is truncated: the last block is incomplete"


def check_asf(f: BinaryIO, audio_start: int, audio_end: int) -> str | None:
    """ASF (WMA): the Header Object and the Data Object after it must fit in the file."""
    f.seek(audio_start)
    head = f.read(24)
    if len(head) < 24 or head[:16] != ASF_HEADER_GUID:
        return "ASF file is corrupt: no header object"
    header_size = int.from_bytes(head[16:24], "little")
    if audio_start + header_size + 24 > audio_end:
        return "ASF file is truncated: the file ends inside its header"
    f.seek(audio_start + header_size)
    data = f.read(24)
    if data[:16] != _ASF_DATA_GUID:
        return "ASF file is corrupt: no data object follows the header"
    data_size = int.from_bytes(data[16:24], "little")
    have = audio_end - audio_start - header_size
    if data_size > have:
        return f"ASF file is truncated: {have:,} of {data_size:,} bytes of audio data present"
    return None
