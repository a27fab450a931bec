"""FLAC truncation check: does the last frame in the file end where STREAMINFO says it should?

A FLAC cut short still parses (STREAMINFO sits at the start and keeps the full sample count),
so we look at the tail: find the last valid frame header (CRC-8 checked, consistent with
STREAMINFO), work out which sample it covers, and verify the final frame's CRC-16.
Only the last max_framesize-or-so bytes are read.
"""

from __future__ import annotations

import sys
from array import array
from typing import BinaryIO

from library.audio.layout import StreamInfo, flac_layout, tail_tags_size

_MIN_WINDOW = 64 * 1024
_MAX_WINDOW = 4 * 1024 * 1024
_SAMPLE_SIZES = {1: 8, 2: 12, 4: 16, 5: 20, 6: 24, 7: 32}


def _crc_table(poly: int, width: int) -> list[int]:
    top, mask = 1 << (width - 1), (1 << width) - 1
    table = []
    for byte in range(256):
        crc = byte << (width - 8)
        for _ in range(8):
            crc = ((crc << 1) ^ poly) if crc & top else crc << 1
        table.append(crc & mask)
    return table


_CRC8 = _crc_table(0x07, 8)
_CRC16 = _crc_table(0x8005, 16)
# Shifting a 16-bit value through the register is linear in the value: the result for its
# high byte (this table: the CRC of bytes b, 0) XOR the result for its low byte (_CRC16[b]).
_CRC16_HIGH = [((_CRC16[b] << 8) & 0xFFFF) ^ _CRC16[_CRC16[b] >> 8] for b in range(256)]


def crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = _CRC8[crc ^ byte]
    return crc


def crc16(data: bytes) -> int:
    """FLAC's frame CRC-16 (polynomial 0x8005), two bytes per step.

    The register is 16 bits wide, so a whole big-endian word is XORed into it and shifted
    through at once; its two bytes index two 256-entry tables. Half the Python-level steps of
    the byte-wise loop, and unlike one 64 Ki-entry table these stay in the CPU cache while the
    scanner hashes files between checks (a big table made the check slower than before).
    """
    crc = 0
    if len(data) & 1:  # an odd first byte goes through the byte table (the register starts at 0)
        crc, data = _CRC16[data[0]], data[1:]
    words = array("H", data)
    if sys.byteorder == "little":
        words.byteswap()
    high, low = _CRC16_HIGH, _CRC16
    for word in words:
        crc ^= word
        crc = high[crc >> 8] ^ low[crc & 0xFF]
    return crc


def check_flac_tail(f: BinaryIO, size: int) -> str | None:
    """None when the stream is complete, else a human reason."""
    try:
        info, audio_start = flac_layout(f, size)
    except ValueError as exc:
        return str(exc)
    audio_end = size - tail_tags_size(f, size)
    if info.total_samples == 0 or info.sample_rate == 0:
        return None  # streamed encode without a sample count: nothing to compare against
    if audio_end <= audio_start:
        return "FLAC file has no audio frames"
    window = info.max_framesize * 2 + 64 if info.max_framesize else _MAX_WINDOW // 4
    start = max(audio_start, audio_end - min(max(window, _MIN_WINDOW), _MAX_WINDOW))
    f.seek(start)
    return _judge_tail(f.read(audio_end - start), info)


def _judge_tail(tail: bytes, info: StreamInfo) -> str | None:
    reached, final_header_seen = 0, False
    i = len(tail)
    while (i := tail.rfind(b"\xff", 0, i)) >= 0:
        frame = _parse_header(tail, i, info)
        if frame is None:
            continue
        first_sample, block_size = frame
        if first_sample + block_size >= info.total_samples:
            if crc16(tail[i:-2]) == int.from_bytes(tail[-2:], "big"):
                return None
            final_header_seen = True
        else:
            reached = max(reached, first_sample + block_size)
    if final_header_seen:
        return "FLAC file is truncated: the last frame is incomplete"
    if reached == 0:
        return "FLAC file is corrupt: no valid audio frame near the end"
    rate = info.sample_rate
    return (
        f"FLAC file is truncated: audio stops at {_clock(reached / rate)}"
        f" of {_clock(info.total_samples / rate)}"
    )


def _parse_header(buf: bytes, i: int, info: StreamInfo) -> tuple[int, int] | None:
    """(first sample, block size) of a valid frame header at buf[i], else None."""
    if len(buf) - i < 16 or buf[i + 1] & 0xFE != 0xF8:
        return None
    bs_code, sr_code = buf[i + 2] >> 4, buf[i + 2] & 0x0F
    ch_code, ss_code = buf[i + 3] >> 4, (buf[i + 3] >> 1) & 0x07
    if bs_code == 0 or sr_code == 15 or ch_code > 10 or buf[i + 3] & 1 or ss_code == 3:
        return None
    if (ch_code + 1 if ch_code < 8 else 2) != info.channels:
        return None
    if ss_code and _SAMPLE_SIZES[ss_code] != info.bits_per_sample:
        return None
    decoded = _utf8_number(buf, i + 4)
    if decoded is None:
        return None
    number, j = decoded
    block_size, j = _block_size(buf, j, bs_code)
    j += {12: 1, 13: 2, 14: 2}.get(sr_code, 0)
    if block_size > max(info.max_blocksize, 16) or crc8(buf[i:j]) != buf[j]:
        return None
    variable = buf[i + 1] & 1  # variable block size streams number samples, not frames
    return (number if variable else number * info.max_blocksize), block_size


def _block_size(buf: bytes, j: int, code: int) -> tuple[int, int]:
    if code == 1:
        return 192, j
    if code <= 5:
        return 576 << (code - 2), j
    if code == 6:
        return buf[j] + 1, j + 1
    if code == 7:
        return int.from_bytes(buf[j : j + 2], "big") + 1, j + 2
    return 256 << (code - 8), j


def _utf8_number(buf: bytes, j: int) -> tuple[int, int] | None:
    """FLAC's UTF-8-like coded frame/sample number (1 to 7 bytes)."""
    first = buf[j]
    if first < 0x80:
        return first, j + 1
    extra = next((n for n in range(1, 7) if first & (0x80 >> (n + 1)) == 0), None)
    if extra is None or first & 0x40 == 0:
        return None
    value = first & (0x3F >> extra)
    for byte in buf[j + 1 : j + 1 + extra]:
        if byte & 0xC0 != 0x80:
            return None
        value = (value << 6) | (byte & 0x3F)
    return value, j + 1 + extra


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"
