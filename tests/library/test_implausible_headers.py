"""A header that lies (a 40-million-second APE, a 24 Hz stream) is a broken file, never a number
stored raw: on PostgreSQL such a duration overflowed the column and aborted the whole scan."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from library import services
from library.audio import UnreadableAudio, read_audio
from library.audio.info import AudioInfo, implausible_stream
from library.models import TrackFile
from tests.library.support import music_root, song


def wav_with_header(
    path: Path, *, sample_rate: int, claimed_data_bytes: int, real_data_bytes: int = 8000
) -> Path:
    """A mono 8-bit PCM WAV whose data chunk claims `claimed_data_bytes` (a damaged header)."""
    fmt = struct.pack("<HHIIHH", 1, 1, sample_rate, sample_rate, 1, 8)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    chunks += b"data" + struct.pack("<I", claimed_data_bytes) + b"\x80" * real_data_bytes
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks)
    return path


def test_a_plain_wav_written_this_way_is_read(tmp_path) -> None:
    """The fixture itself is sound: with a true header the file reads as one second of audio."""
    info = read_audio(
        wav_with_header(tmp_path / "ok.wav", sample_rate=8000, claimed_data_bytes=8000)
    )
    assert (info.duration_ms, info.sample_rate) == (1000, 8000)


def test_a_duration_over_a_day_is_a_damaged_header(tmp_path) -> None:
    path = wav_with_header(tmp_path / "long.wav", sample_rate=8000, claimed_data_bytes=0xFFFF0000)
    with pytest.raises(UnreadableAudio, match=r"damaged header: .*lasts 149 hours"):
        read_audio(path)


def test_a_sample_rate_no_real_file_has_is_a_damaged_header(tmp_path) -> None:
    path = wav_with_header(tmp_path / "slow.wav", sample_rate=24, claimed_data_bytes=8000)
    with pytest.raises(UnreadableAudio, match="sample rate is 24 Hz"):
        read_audio(path)


@pytest.mark.django_db
def test_one_lying_header_never_stops_a_scan() -> None:
    # oldape.ape's case: 24 Hz and a length (~2 million days) no integer column holds.
    root = music_root()
    song(root, "Artist", "Album", 1, "Fine")
    wav_with_header(
        root / "Artist" / "Album" / "02 - Liar.wav", sample_rate=24, claimed_data_bytes=0xFFFF0000
    )

    assert services.run_scan(services.start_scan(background=False).pk) == "completed"

    fine = TrackFile.objects.get(path__endswith="Fine.flac")
    liar = TrackFile.objects.get(path__endswith="Liar.wav")
    assert not fine.is_broken and fine.duration_ms == pytest.approx(3000, abs=100)
    assert liar.is_broken and "damaged header" in liar.broken_reason
    assert liar.duration_ms is None or liar.duration_ms <= 24 * 3600 * 1000


def _stream(name: str, hours: float) -> AudioInfo:
    return AudioInfo(
        path=Path(name),
        format="aac",
        size=10**9,
        duration_ms=int(hours * 3_600_000),
        bitrate=64,
        sample_rate=44100,
        bit_depth=None,
        channels=2,
        is_vbr=False,
    )


def test_an_audiobook_may_run_for_days_but_not_for_weeks() -> None:
    assert implausible_stream(_stream("book.m4b", 47)) == ""
    assert "more than 168" in implausible_stream(_stream("book.m4b", 200))
    assert "more than 24" in implausible_stream(_stream("song.m4a", 47))
