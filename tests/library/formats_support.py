"""Small real files in every format mutagen reads, made by ffmpeg or built from the format spec.

ffmpeg encodes WavPack, TTA, WMA, AC-3, E-AC-3, Speex, M4B, raw AAC and MP2. It cannot write
Monkey's Audio, TAK, OptimFROG, Musepack, DSF or DSDIFF, so those are built by hand here: the
headers mutagen's own parsers read (as mutagen's tests do) followed by silence. `make` returns
a file that `mutagen.File` reads with a one-second length; nothing here depends on a corpus.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

from fakes.audio import ffmpeg_path

SECONDS = 1
RATE = 44100

# extension -> ffmpeg output arguments
FFMPEG: dict[str, list[str]] = {
    "wv": ["-c:a", "wavpack"],
    "tta": ["-c:a", "tta"],
    "wma": ["-c:a", "wmav2"],
    "ac3": ["-c:a", "ac3"],
    "eac3": ["-c:a", "eac3"],
    "spx": ["-c:a", "libspeex", "-ar", "32000"],
    "m4b": ["-c:a", "aac", "-f", "ipod"],
    "aac": ["-c:a", "aac", "-f", "adts"],
    "mp3": ["-c:a", "libmp3lame"],
    "flac": ["-c:a", "flac"],
    "oggflac": ["-c:a", "flac", "-f", "ogg"],  # FLAC in Ogg pages, as mutagen's tests name it
}


def make(path: Path) -> Path:
    """A one-second file at `path`, its format chosen by the suffix (".ofs" is OptimFROG)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ext = path.suffix.lstrip(".").lower()
    if ext in FFMPEG:
        _ffmpeg(path, FFMPEG[ext])
    else:
        path.write_bytes(_BUILDERS[ext]())
    return path


def _ffmpeg(path: Path, args: list[str]) -> None:
    tone = f"sine=frequency=440:sample_rate={RATE}:duration={SECONDS}"
    command = [ffmpeg_path(), "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", tone]
    subprocess.run([*command, "-ac", "1", *args, str(path)], check=True, timeout=60)


def copy_without_extension(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _ape() -> bytes:
    """Monkey's Audio 3.99: a 52-byte descriptor stating every size, the 24-byte header
    (mutagen reads its fields at byte 56), a one-frame seek table, then the frame data."""
    frame_data = 4096
    seek_table = struct.pack("<I", 52 + 24 + 4)  # the one frame starts right after the table
    descriptor = b"MAC " + struct.pack("<HH", 3990, 0)
    # descriptor, header, seek table, WAV header, frame data (low, high), terminating bytes
    descriptor += struct.pack("<7I", 52, 24, len(seek_table), 0, frame_data, 0, 0) + bytes(16)
    # compression level, flags, then blocks per frame, blocks in the final frame, frames,
    # bits, channels, sample rate
    header = struct.pack("<HH", 2000, 0)
    header += struct.pack("<IIIHHI", 73728, RATE * SECONDS, 1, 16, 2, RATE)
    return descriptor + header + seek_table + bytes(frame_data)


def _ofr() -> bytes:
    """OptimFROG: "OFR " header (15-byte data), total samples over all channels, 16-bit stereo."""
    samples = RATE * SECONDS * 2
    header = b"OFR " + struct.pack("<IIHBBIH", 15, samples, 0, 2, 1, RATE, 0)
    return header + bytes(76 - len(header)) + bytes(4096)


def _tak() -> bytes:
    """TAK: a STREAM_INFO metadata block (LSB-first bit fields), an END block, then frames."""
    fields = [  # (value, bits) in stream order
        (0, 6),  # codec
        (0, 4),  # profile
        (0, 4),  # frame duration
        (RATE * SECONDS, 35),  # samples
        (0, 3),  # data type
        (RATE - 6000, 18),  # sample rate - 6000
        (16 - 8, 5),  # bits per sample - 8
        (2 - 1, 4),  # channels - 1
        (0, 1),  # no extension
    ]
    value, width = 0, 0
    for field_value, bits in fields:
        value |= field_value << width
        width += bits
    info = value.to_bytes((width + 7) // 8, "little") + bytes(3)  # + CRC
    block = bytes([1]) + len(info).to_bytes(3, "little") + info  # type 1: STREAM_INFO
    return b"tBaK" + block + bytes(4) + bytes(4096)  # type 0: END


def _mpc() -> bytes:
    """Musepack SV7: "MP+" and version 7, frame count, flags (sample rate index 0: 44.1 kHz)."""
    frames = (RATE * SECONDS + 576) // 1152
    header = b"MP+\x07" + struct.pack("<II", frames, 0) + bytes(20)
    return header + bytes(4096)


def _dsf() -> bytes:
    """DSF: DSD, fmt and data chunks for one second of DSD64 mono silence."""
    rate, block = 2_822_400, 4096
    data = bytes(rate // 8)
    fmt = b"fmt " + struct.pack("<QIIIIIIQI", 52, 1, 0, 1, 1, rate, 1, rate, block) + bytes(4)
    data_chunk = b"data" + struct.pack("<Q", 12 + len(data)) + data
    total = 28 + len(fmt) + len(data_chunk)
    return b"DSD " + struct.pack("<QQQ", 28, total, 0) + fmt + data_chunk


def _dff() -> bytes:
    """DSDIFF: FVER, PROP/SND (FS, CHNL, CMPR "DSD ") and a DSD chunk of DSD64 mono silence."""
    rate = 2_822_400

    def chunk(kind: bytes, body: bytes) -> bytes:
        return kind + struct.pack(">Q", len(body)) + body + (b"\0" if len(body) % 2 else b"")

    prop = b"SND " + chunk(b"FS  ", struct.pack(">I", rate))
    prop += chunk(b"CHNL", struct.pack(">H", 1) + b"SLFT")
    prop += chunk(b"CMPR", b"DSD " + bytes([14]) + b"not compressed")
    body = b"DSD " + chunk(b"FVER", struct.pack(">I", 0x01050000)) + chunk(b"PROP", prop)
    body += chunk(b"DSD ", bytes(rate // 8))
    return chunk(b"FRM8", body)


_BUILDERS = {
    "ape": _ape,
    "ofr": _ofr,
    "ofs": _ofr,
    "tak": _tak,
    "mpc": _mpc,
    "dsf": _dsf,
    "dff": _dff,
}
