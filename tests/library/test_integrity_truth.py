"""Integrity checks that are true: each case reproduces a real file that was misjudged."""

from __future__ import annotations

import os
import shutil
import stat
import struct
import subprocess
from pathlib import Path

import pytest
from mutagen.flac import FLAC, Picture

from library.audio import check_integrity, deep_check, read_audio
from library.scanner.reader import read_file
from tests.library.support import source


def _encode(path: Path, *args: str, seconds: float = 6) -> Path:
    """A tone encoded by ffmpeg with the given output options."""
    tone = f"sine=frequency=330:sample_rate=44100:duration={seconds}"
    ffmpeg = [shutil.which("ffmpeg") or "ffmpeg", "-nostdin", "-v", "error", "-y"]
    subprocess.run(
        [*ffmpeg, "-f", "lavfi", "-i", tone, *args, str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return path


def _cut(path: Path, fraction: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def _fake_ffmpeg(folder: Path, monkeypatch: pytest.MonkeyPatch, *, out_time_us: int) -> None:
    """An ffmpeg that prints an error-level line, exits 0 and reports `out_time_us` decoded."""
    folder.mkdir()
    script = folder / "ffmpeg"
    script.write_text(
        "#!/bin/sh\n"
        "echo '[vorbis @ 0x1] Overread 1 bits' >&2\n"
        f"printf 'out_time_us=0\\nprogress=continue\\nout_time_us={out_time_us}\\n"
        "progress=end\\n'\n"
        "exit 0\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


# --- deep checks: exit status and decoded length, not error-level lines ----------------------


def test_an_error_line_from_a_decoder_that_decoded_everything_is_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(shutil.copy(source("ogg", seconds=4), tmp_path / "multipage.ogg"))
    _fake_ffmpeg(tmp_path / "bin", monkeypatch, out_time_us=4_000_000)

    assert deep_check(path) is None


def test_a_decoder_that_exits_0_but_stops_early_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(shutil.copy(source("ogg", seconds=4), tmp_path / "short.ogg"))
    _fake_ffmpeg(tmp_path / "bin", monkeypatch, out_time_us=1_000_000)

    reason = deep_check(path) or ""

    assert reason.startswith("decode failed: only 0:01 of 0:04 decodes")
    assert "Overread" in reason


def test_real_ffmpeg_judges_a_good_ogg_good_and_a_cut_wma_bad(tmp_path: Path) -> None:
    good = Path(shutil.copy(source("ogg", seconds=4), tmp_path / "good.ogg"))
    wma = _encode(tmp_path / "cut.wma", "-c:a", "wmav2", "-b:a", "128k")
    expected = read_audio(wma).duration_ms
    _cut(wma, 0.4)

    assert deep_check(good) is None
    assert (deep_check(wma, expected) or "").startswith("decode failed:")


# --- container checks: APE, WavPack, ASF --------------------------------------------------


def _ape_descriptor_file(path: Path, *, frame_bytes: int, present: int) -> Path:
    """A Monkey's Audio 3.99 file whose header declares `frame_bytes` of frames."""
    md5 = bytes(16)
    descriptor = b"MAC " + struct.pack("<HH7I", 3990, 0, 52, 24, 4, 0, frame_bytes, 0, 0) + md5
    # compression, flags, blocks per frame, final frame blocks, total frames, bits, ch, rate
    header = struct.pack("<HHIIIHHI", 2000, 0, 73728, 1000, 3, 16, 2, 44100)
    seek_table = struct.pack("<I", 80)
    path.write_bytes(descriptor + header + seek_table + bytes(present))
    return path


def _ape_old_file(path: Path, *, frames_present: int) -> Path:
    """A Monkey's Audio 3.90 file (no sizes in its header) with 10 frames in its seek table."""
    wav_header = b"RIFF" + bytes(40)
    offsets = [124 + 1000 * n for n in range(10)]
    head = b"MAC " + struct.pack("<HHHHIIIII", 3900, 4000, 0x16, 2, 44100, 44, 0, 10, 25710)
    head += struct.pack("<II", 10201, 10)  # peak level, seek elements
    data = head + wav_header + struct.pack("<10I", *offsets)
    path.write_bytes(data + bytes(1000 * frames_present))
    return path


def test_an_ape_shorter_than_its_header_declares_is_truncated(tmp_path: Path) -> None:
    whole = _ape_descriptor_file(tmp_path / "whole.ape", frame_bytes=4000, present=4000)
    cut = _ape_descriptor_file(tmp_path / "cut.ape", frame_bytes=4000, present=1500)

    assert check_integrity(whole) is None
    assert (
        check_integrity(cut)
        == "APE file is truncated: its header declares 4,080 bytes, 1,580 are present"
    )


def test_an_old_ape_whose_seek_table_points_past_the_end_is_truncated(tmp_path: Path) -> None:
    whole = _ape_old_file(tmp_path / "whole.ape", frames_present=10)
    cut = _ape_old_file(tmp_path / "cut.ape", frames_present=1)

    assert check_integrity(whole) is None
    assert check_integrity(cut) == "APE file is truncated: 1 of 10 frames are present"


def test_an_ape_header_with_a_bogus_frame_count_is_reported(tmp_path: Path) -> None:
    path = _ape_old_file(tmp_path / "bogus.ape", frames_present=10)
    data = bytearray(path.read_bytes())
    data[36:40] = struct.pack("<I", 170_340_569)  # seek elements, as in beets' oldape.ape
    path.write_bytes(bytes(data))

    assert "seek table of 170,340,569 frames runs past the end" in (check_integrity(path) or "")


def test_a_cut_wavpack_is_truncated(tmp_path: Path) -> None:
    whole = _encode(tmp_path / "whole.wv", "-c:a", "wavpack")
    cut = _cut(_encode(tmp_path / "cut.wv", "-c:a", "wavpack"), 0.5)
    cut_at_a_block = _encode(tmp_path / "blocks.wv", "-c:a", "wavpack", "-frame_size", "4410")
    data = cut_at_a_block.read_bytes()
    cut_at_a_block.write_bytes(data[: data.rfind(b"wvpk")])  # drop the last whole block

    assert check_integrity(whole) is None
    assert check_integrity(cut) == "WavPack file is truncated: the last block is incomplete"
    assert check_integrity(cut_at_a_block) == (
        "WavPack file is truncated: 260,190 of 264,600 samples present"
    )


def test_a_cut_wma_is_truncated(tmp_path: Path) -> None:
    whole = _encode(tmp_path / "whole.wma", "-c:a", "wmav2", "-b:a", "128k")
    cut = _cut(_encode(tmp_path / "cut.wma", "-c:a", "wmav2", "-b:a", "128k"), 0.6)

    assert check_integrity(whole) is None
    assert (check_integrity(cut) or "").startswith("ASF file is truncated: ")


# --- FLAC: the reason names the broken metadata block --------------------------------------


def _flac_with_picture(path: Path) -> Path:
    shutil.copy(source("flac", seconds=3), path)
    flac = FLAC(path)
    picture = Picture()
    picture.mime, picture.desc, picture.width, picture.height = "image/png", "Untitled.png", 10, 10
    picture.data = b"\x89PNG" + bytes(300)
    flac.add_picture(picture)
    flac.save()
    return path


def _set_block_length(path: Path, kind: int, length: int) -> None:
    data = bytearray(path.read_bytes())
    pos = 4
    while data[pos] & 0x7F != kind:
        pos += 4 + int.from_bytes(data[pos + 1 : pos + 4], "big")
    data[pos + 1 : pos + 4] = length.to_bytes(3, "big")
    path.write_bytes(bytes(data))


def test_a_flac_with_a_short_picture_block_blames_the_picture_block(tmp_path: Path) -> None:
    path = _flac_with_picture(tmp_path / "picture.flac")
    assert check_integrity(path) is None
    _set_block_length(path, 6, 0)  # as in mutagen's 106-short-picture-block-size.flac

    reason = check_integrity(path) or ""

    assert reason.startswith("FLAC metadata is corrupt: the PICTURE block (#")
    assert "says it is 0 bytes long" in reason
    assert "STREAMINFO" not in reason


def test_a_flac_block_with_a_wrong_length_is_named_not_the_garbage_after_it(
    tmp_path: Path,
) -> None:
    path = _flac_with_picture(tmp_path / "padding.flac")
    data = path.read_bytes()
    padding = bytes([1]) + (16).to_bytes(3, "big") + bytes(16)  # not the last block
    path.write_bytes(data[:42] + padding + data[42:])  # right after the 34-byte STREAMINFO
    assert check_integrity(path) is None
    _set_block_length(path, 1, 8)  # PADDING is all zeros: only the walk can tell it is wrong

    reason = check_integrity(path) or ""

    assert reason.startswith("FLAC metadata is corrupt: the PADDING block (#"), reason
    assert "has a wrong length" in reason
    assert read_file(str(path)).broken_reason == reason  # what the scanner stores


# --- durations mutagen gets wrong ----------------------------------------------------------


def test_an_mp3_whose_xing_header_is_wrong_but_whose_frames_decode_keeps_its_duration(
    tmp_path: Path,
) -> None:
    path = _encode(tmp_path / "bad-xing.mp3", "-c:a", "libmp3lame", "-b:a", "128k")
    data = bytearray(path.read_bytes())
    xing = max(data.find(b"Xing"), data.find(b"Info"))
    assert xing > 0 and data[xing + 7] & 0x01  # the frame count is present...
    data[xing + 8 : xing + 12] = bytes(4)  # ...and now says 0, as in mutagen's bad-xing.mp3
    path.write_bytes(bytes(data))

    info = read_audio(path)
    reading = read_file(str(path))

    assert 5900 <= info.duration_ms <= 6100
    assert reading.broken_reason == ""
    assert 5900 <= (reading.duration_ms or 0) <= 6100


def test_an_mp3_inside_a_wav_gets_its_real_duration(tmp_path: Path) -> None:
    path = _encode(tmp_path / "mp3.wav", "-c:a", "libmp3lame", "-b:a", "128k", "-f", "wav")

    info = read_audio(path)

    assert 5900 <= info.duration_ms <= 6100  # mutagen's PCM formula says 1 ms
    assert check_integrity(path, info) is None
    # It sounds like an MP3, so it ranks like one: never as lossless PCM.
    assert (info.format, info.bit_depth) == ("mp3", None)
    assert 120 <= info.bitrate <= 140
    reading = read_file(str(path))
    assert (reading.quality, reading.broken_reason) == ("mp3_128", "")
