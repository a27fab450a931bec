"""The admin's re-tag writes the catalogue without placeholders or truncated dates (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from library import services
from library.models import TrackFile
from library.tagging import TagSet, read_tags
from tests.library.support import audio_file, music_root

pytestmark = pytest.mark.django_db


def scan_now() -> None:
    assert services.run_scan(services.start_scan(background=False).pk) == "completed"


def test_retag_writes_no_placeholder_into_an_untagged_file() -> None:
    path = audio_file(music_root() / "loose.flac")  # no tags, no folders: "Unknown Artist"
    scan_now()
    file = TrackFile.objects.select_related("track__artist").get()
    assert file.track.artist.name == "Unknown Artist"

    result = services.retag_files([file.pk])

    assert result.written == [file.pk]
    written = read_tags(path)
    assert (written.artist, written.album_artist, written.album) == (None, None, None)
    assert written.title == "loose"


def test_retag_keeps_a_full_date_in_the_album_year() -> None:
    path = audio_file(
        music_root() / "Kaizers" / "Maestro" / "01 - Song.flac",
        tags=TagSet(title="Song", artist="Kaizers", album="Maestro", date="2005-08-08"),
    )
    scan_now()
    file = TrackFile.objects.get()

    services.retag_files([file.pk])

    assert read_tags(path).date == "2005-08-08"
    assert Path(file.path) == path
