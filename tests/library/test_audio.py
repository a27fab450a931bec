"""library.audio: stream info, integrity checks, download verification, audio fingerprints."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from fakes.audio import ffmpeg_path, make_audio, make_random_bytes_file
from library.audio import (
    UnreadableAudio,
    audio_fingerprint,
    check_integrity,
    deep_check,
    read_audio,
    verify_download,
)
from library.tagging import TagSet, write_tags

FORMATS = {"flac": "flac", "mp3": "mp3", "ogg": "ogg", "opus": "opus", "m4a": "aac", "wav": "wav"}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One 6-second file per format, generated once for the module."""
    folder = tmp_path_factory.mktemp("samples")
    return {ext: make_audio(folder / f"tone.{ext}", seconds=6, seed=1) for ext in FORMATS}


def _copy(src: Path, tmp_path: Path, name: str | None = None) -> Path:
    return Path(shutil.copy(src, tmp_path / (name or src.name)))


def _cut(path: Path, fraction: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def _ffmpeg(tmp_path: Path, name: str, *args: str, source: str = "sine=frequency=440") -> Path:
    """Encode 20 s of a tone (plus noise, so VBR really varies) with custom encoder args."""
    out = tmp_path / name
    lavfi = f"{source}:duration=20,volume=0.5[a];anoisesrc=duration=20:amplitude=0.1[n];[a][n]amix"
    cmd = [ffmpeg_path(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", lavfi, *args]
    subprocess.run([*cmd, str(out)], check=True, capture_output=True, timeout=60)
    return out


def _big_png() -> bytes:
    """A ~3 MB PNG (random pixels do not compress), bigger than many tracks' audio."""
    image = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# --- read_audio ------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_it_reads_format_duration_and_rates(samples: dict[str, Path], ext: str) -> None:
    info = read_audio(samples[ext])

    assert info.format == FORMATS[ext]
    assert abs(info.duration_ms - 6000) < 100
    assert info.bitrate and info.bitrate > 0
    assert info.sample_rate == (48000 if ext == "opus" else 44100)
    assert info.size == samples[ext].stat().st_size
    assert info.bit_depth == (16 if ext in {"flac", "wav"} else None)
    assert info.is_vbr is (ext in {"ogg", "opus"})


def test_it_reports_24_bit_flac(tmp_path: Path) -> None:
    info = read_audio(make_audio(tmp_path / "hires.flac", bit_depth=24, sample_rate=96000))

    assert (info.bit_depth, info.sample_rate) == (24, 96000)


def test_it_tells_alac_from_aac_in_m4a(tmp_path: Path) -> None:
    assert read_audio(_ffmpeg(tmp_path, "a.m4a", "-c:a", "alac")).format == "alac"


def test_it_flags_lame_vbr_mp3_as_vbr(tmp_path: Path) -> None:
    info = read_audio(_ffmpeg(tmp_path, "v0.mp3", "-c:a", "libmp3lame", "-q:a", "0"))

    assert info.is_vbr is True
    assert info.format == "mp3"


def test_it_reads_tags_with_the_stream_info(samples: dict[str, Path], tmp_path: Path) -> None:
    path = _copy(samples["flac"], tmp_path)
    write_tags(path, TagSet(title="Song", artist="Band", track_number=4, date="2001-02-03"))

    tags = read_audio(path).tags

    assert (tags.title, tags.artist, tags.track_number, tags.year) == ("Song", "Band", 4, 2001)


def test_it_does_not_decode_audio_to_read_or_check(
    samples: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_subprocess(*args: object, **kwargs: object) -> None:
        raise AssertionError("read_audio/check_integrity must not start a decoder")

    monkeypatch.setattr(subprocess, "run", no_subprocess)
    for path in samples.values():
        assert check_integrity(path, read_audio(path)) is None


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("song.flac", b"", "empty file (0 bytes)"),
        ("song.dat", b"just text\n" * 20, "unknown or unsupported audio format"),
        ("song.flac", b"just text\n" * 20, "cannot parse audio headers: file is not a valid FLAC"),
    ],
)
def test_it_raises_a_clear_error_for_non_audio(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(UnreadableAudio) as caught:
        read_audio(path)

    assert caught.value.reason.startswith(reason)
    assert caught.value.path == path


@pytest.mark.parametrize("ext", ["mp3", "flac", "ogg", "m4a"])
def test_it_refuses_random_bytes_with_an_audio_extension(tmp_path: Path, ext: str) -> None:
    path = make_random_bytes_file(tmp_path / f"noise.{ext}", size=64 * 1024)

    with pytest.raises(UnreadableAudio):
        read_audio(path)


def test_a_missing_file_is_not_reported_as_unreadable(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_audio(tmp_path / "gone.flac")


# --- check_integrity -------------------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_complete_files_pass_the_integrity_check(samples: dict[str, Path], ext: str) -> None:
    assert check_integrity(samples[ext]) is None


@pytest.mark.parametrize("ext", FORMATS)
def test_a_file_cut_in_half_is_reported(samples: dict[str, Path], tmp_path: Path, ext: str) -> None:
    path = _cut(_copy(samples[ext], tmp_path), 0.5)

    reason = check_integrity(path)

    assert reason
    assert any(word in reason for word in ("truncated", "cannot parse"))


@pytest.mark.parametrize("ext", ["flac", "ogg", "opus", "wav"])
def test_a_file_missing_only_its_last_byte_is_reported(
    samples: dict[str, Path], tmp_path: Path, ext: str
) -> None:
    path = _copy(samples[ext], tmp_path)
    path.write_bytes(path.read_bytes()[:-1])

    assert "truncated" in (check_integrity(path) or "")


def test_a_truncated_flac_says_where_the_audio_stops(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    path = _cut(_copy(samples["flac"], tmp_path), 0.5)

    assert check_integrity(path) == "FLAC file is truncated: audio stops at 0:03 of 0:06"


def test_a_truncated_faststart_m4a_is_reported(tmp_path: Path) -> None:
    path = _cut(_ffmpeg(tmp_path, "fast.m4a", "-c:a", "aac", "-movflags", "+faststart"), 0.8)

    assert "'mdat' atom runs past the end" in (check_integrity(path) or "")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("v0.mp3", ["-c:a", "libmp3lame", "-q:a", "0"]),
        ("v9.mp3", ["-c:a", "libmp3lame", "-q:a", "9"]),
        ("cbr.mp3", ["-c:a", "libmp3lame", "-b:a", "320k"]),
        ("noise.flac", ["-c:a", "flac"]),
        ("fast.m4a", ["-c:a", "aac", "-movflags", "+faststart"]),
    ],
)
def test_vbr_and_big_cover_files_are_not_flagged_but_cuts_still_are(
    tmp_path: Path, name: str, args: list[str]
) -> None:
    path = _ffmpeg(tmp_path, name, *args)
    write_tags(path, TagSet(title="With a huge cover"), cover=_big_png())
    assert path.stat().st_size > 3_000_000
    assert check_integrity(path) is None

    assert check_integrity(_cut(path, 0.95)) is not None


def test_a_truncated_mp3_reports_how_much_is_missing(tmp_path: Path) -> None:
    path = _cut(_ffmpeg(tmp_path, "v2.mp3", "-c:a", "libmp3lame", "-q:a", "2"), 0.6)

    reason = check_integrity(path) or ""

    assert reason.startswith("MP3 file is truncated: only ")
    assert "% of the audio data is present" in reason


def test_integrity_reports_empty_missing_and_noise_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    noise = make_random_bytes_file(tmp_path / "noise.mp3")

    assert check_integrity(empty) == "empty file (0 bytes)"
    assert check_integrity(tmp_path / "missing.mp3") == "file not found"
    assert "cannot parse" in (check_integrity(noise) or "")


# --- deep_check -------------------------------------------------------------------------------


def test_deep_check_passes_good_files(samples: dict[str, Path]) -> None:
    assert deep_check(samples["flac"]) is None
    assert deep_check(samples["ogg"]) is None


def test_deep_check_finds_corruption_the_cheap_check_cannot_see(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    path = _copy(samples["flac"], tmp_path)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 2000] = bytes(2000)  # zeroed block inside the audio frames
    path.write_bytes(bytes(data))

    assert check_integrity(path) is None
    assert (deep_check(path) or "").startswith("decode failed:")


def test_deep_check_uses_ffmpeg_for_other_formats(samples: dict[str, Path], tmp_path: Path) -> None:
    path = _cut(_copy(samples["m4a"], tmp_path), 0.5)

    assert (deep_check(path) or "").startswith("decode failed:")


def test_a_wav_whose_data_chunk_claims_more_than_the_file_is_reported(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    path = _copy(samples["wav"], tmp_path)
    data = bytearray(path.read_bytes())
    size_at = data.index(b"data") + 4
    data[size_at : size_at + 4] = (10**9).to_bytes(4, "little")
    path.write_bytes(bytes(data))

    assert "truncated" in (check_integrity(path) or "")


# --- verify_download -------------------------------------------------------------------------


def test_verify_download_accepts_a_complete_file_of_the_right_length(
    samples: dict[str, Path],
) -> None:
    result = verify_download(samples["mp3"], expected_duration_ms=7000)

    assert result.ok
    assert result.info is not None and result.info.format == "mp3"


def test_verify_download_rejects_a_different_duration(samples: dict[str, Path]) -> None:
    result = verify_download(samples["mp3"], expected_duration_ms=200_000, tolerance_s=3)

    assert not result.ok
    assert result.reason == "duration 0:06 differs from the expected 3:20 by 194 s"


def test_verify_download_rejects_truncated_and_unreadable_files(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    truncated = verify_download(_cut(_copy(samples["flac"], tmp_path), 0.5), 6000)
    noise = verify_download(make_random_bytes_file(tmp_path / "x.flac"), 6000)

    assert not truncated.ok and "truncated" in truncated.reason
    assert not noise.ok and noise.reason and noise.info is None


def test_verify_download_without_expected_duration_only_checks_the_file(
    samples: dict[str, Path],
) -> None:
    assert verify_download(samples["opus"], None).ok


# --- audio_fingerprint -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ext", "method"),
    [("flac", "flac-md5"), ("mp3", "mp3-sha256"), ("ogg", "pcm-md5"), ("m4a", "pcm-md5")],
)
def test_fingerprint_method_depends_on_the_container(
    samples: dict[str, Path], ext: str, method: str
) -> None:
    assert audio_fingerprint(samples[ext]).startswith(method + ":")


@pytest.mark.parametrize("ext", ["flac", "mp3", "opus"])
def test_fingerprint_differs_for_different_audio(tmp_path: Path, ext: str) -> None:
    one = make_audio(tmp_path / f"one.{ext}", seed=1)
    two = make_audio(tmp_path / f"two.{ext}", seed=2)

    assert audio_fingerprint(one) != audio_fingerprint(two)


def test_flac_without_md5_signature_hashes_its_frames(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    path = _copy(samples["flac"], tmp_path)
    data = bytearray(path.read_bytes())
    data[8 + 18 : 8 + 34] = bytes(16)  # STREAMINFO MD5 lives after fLaC + block header + 18
    path.write_bytes(bytes(data))

    fingerprint = audio_fingerprint(path)
    write_tags(path, TagSet(title="retagged"))

    assert fingerprint.startswith("flac-frames:")
    assert audio_fingerprint(path) == fingerprint
