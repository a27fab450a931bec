"""Files follow the catalogue through the re-tag queue: written through a checked copy, audio
untouched, a failure recorded and retried later with the original left as it was."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from library.audio import audio_fingerprint
from library.models import RetagRequest, Source
from library.provenance import edits, engine, retag
from library.provenance.read import provenance_of
from library.safe_files import TEMP_PREFIX
from library.tagging import TagSet, read_tags
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, TrackFileFactory
from tests.library.support import audio_file

pytestmark = pytest.mark.django_db


def owned(dirs, title: str = "Song", ext: str = "flac"):
    artist = ArtistFactory(name="The Band")
    album = AlbumFactory(title="Record", artist=artist, year=2001)
    track = TrackFactory(title=title, artist=artist, album=album, track_number=1)
    path = audio_file(
        dirs.music / "The Band" / "Record (2001)" / f"01 - {title}.{ext}",
        tags=TagSet(title=title, artist="The Band", album="Record", track_number=1),
    )
    return track, TrackFileFactory(track=track, path=str(path))


@pytest.mark.parametrize("ext", ["flac", "mp3", "m4a", "ogg"])
def test_an_edit_reaches_the_file_with_its_audio_untouched(dirs, ext: str) -> None:
    track, file = owned(dirs, ext=ext)
    before = audio_fingerprint(Path(file.path))
    edits.set_manual(track, {"genres": ["Shoegaze", "Dream Pop"]})
    engine.record(track.album, Source.MUSICBRAINZ, {"label": "4AD", "country": "GB"})

    outcome = retag.retag_due()

    assert outcome.files_written == 1 and not outcome.failed
    tags = read_tags(Path(file.path))
    assert (tags.genre, tags.label, tags.country) == ("Shoegaze; Dream Pop", "4AD", "GB")
    assert tags.artist_sort == "Band, The"  # derived from the name: no MusicBrainz sort name
    assert audio_fingerprint(Path(file.path)) == before
    assert not [n for n in os.listdir(Path(file.path).parent) if n.startswith(TEMP_PREFIX)]
    assert not RetagRequest.objects.exists()


def test_a_failed_write_is_recorded_retried_later_and_leaves_the_file_alone(dirs) -> None:
    track, file = owned(dirs)
    path = Path(file.path)
    path.write_bytes(b"fLaC" + b"\0" * 100)  # unreadable now (a failing disk, a bad copy)
    damaged = path.read_bytes()
    edits.set_manual(track, {"title": "New Title"})

    outcome = retag.retag_due()

    assert list(outcome.failed) == [track.pk]
    request = RetagRequest.objects.get()
    assert request.attempts == 1 and "cannot read" in request.last_error
    assert request.next_attempt_at > timezone.now() + timedelta(minutes=4)
    assert path.read_bytes() == damaged
    assert retag.retag_due().tracks_done == 0  # not due yet: nothing loops
    audio_file(path, tags=TagSet(title="Song"))  # the file is readable again
    RetagRequest.objects.update(next_attempt_at=timezone.now())
    assert retag.retag_due().files_written == 1
    file.refresh_from_db()
    assert Path(file.path).name == "01 - New Title.flac"  # the template uses the title
    assert read_tags(Path(file.path)).title == "New Title"
    assert not RetagRequest.objects.exists()


def test_provenance_names_the_normalisation_rules_it_applied(db) -> None:
    track = TrackFactory(title="song one")
    engine.record(track, Source.MUSICBRAINZ, {"title": "Song  \u2018One\u2019"})
    track.refresh_from_db()
    assert track.title == "Song 'One'"
    assert provenance_of(track)["title"].normalized == ["whitespace", "quotes"]
