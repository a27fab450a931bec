"""factory_boy factories for the domain models of every app, library first, then downloads."""

from __future__ import annotations

from typing import Any

import factory
from django.conf import settings
from django.utils import timezone

from downloads.models import Candidate, DownloadJob
from library.models import (
    Album,
    AlbumCompleteness,
    Artist,
    DuplicateGroup,
    LibraryScan,
    ScanProblem,
    Track,
    TrackFile,
)


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    name = factory.Sequence(lambda n: f"Artist {n}")


class AlbumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Album

    title = factory.Sequence(lambda n: f"Album {n}")
    artist = factory.SubFactory(ArtistFactory)
    year = 2001


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    title = factory.Sequence(lambda n: f"Song {n}")
    artist = factory.SubFactory(ArtistFactory)
    duration_ms = 200_000


class TrackFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackFile

    track = factory.SubFactory(TrackFactory)
    path = factory.Sequence(lambda n: f"/music/file-{n}.flac")
    size = 1000
    format = TrackFile.Format.FLAC


class LibraryScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LibraryScan

    path = factory.LazyFunction(lambda: str(settings.MUSIC_DIR))
    status = LibraryScan.Status.COMPLETED
    phase = LibraryScan.Phase.DONE
    is_active = False
    files_total = 10
    files_seen = 10
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)


class ScanProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScanProblem

    scan = factory.SubFactory(LibraryScanFactory)
    kind = ScanProblem.Kind.BROKEN_AUDIO
    path = factory.Sequence(lambda n: f"/music/problem-{n}.mp3")
    detail = "empty file (0 bytes)"


class DuplicateGroupFactory(factory.django.DjangoModelFactory):
    """An open group of `files` (default 2) new FLAC files; the first is the keeper."""

    class Meta:
        model = DuplicateGroup
        skip_postgeneration_save = True

    key = factory.Sequence(str)
    signature = factory.Sequence(lambda n: f"sig{n}")
    kind = DuplicateGroup.Kind.EXACT
    reasons = "same content"

    @factory.post_generation
    def files(self, create: bool, extracted: int | None, **kwargs: Any) -> None:
        if not create:
            return
        members = TrackFileFactory.create_batch(
            2 if extracted is None else extracted, duplicate_group=self
        )
        if members:
            self.keeper = members[0]
            self.save(update_fields=["keeper"])


class AlbumCompletenessFactory(factory.django.DjangoModelFactory):
    """An incomplete album: 3 expected tracks, the last two missing."""

    class Meta:
        model = AlbumCompleteness

    album = factory.SubFactory(AlbumFactory)
    source = AlbumCompleteness.Source.MUSICBRAINZ
    expected = factory.LazyFunction(
        lambda: [
            {
                "disc": 1,
                "number": n,
                "title": f"Track {n}",
                "length_ms": 200_000,
                "recording_id": "",
                "isrc": "",
                "artist": "",
            }
            for n in (1, 2, 3)
        ]
    )
    missing = factory.LazyAttribute(lambda row: row.expected[1:])
    expected_count = 3
    owned_count = 1
    is_complete = False
    checked_at = factory.LazyFunction(timezone.now)


class DownloadJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DownloadJob

    track = factory.SubFactory(TrackFactory, status=Track.Status.WANTED)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    job = factory.SubFactory(DownloadJobFactory)
    username = factory.Sequence(lambda n: f"peer{n}")
    filename = factory.Sequence(lambda n: f"@@share\\Music\\Artist\\Album\\{n:02d} - Song.flac")
    size = 1000
    extension = "flac"
