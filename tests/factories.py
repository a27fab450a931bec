"""factory_boy factories for the domain models."""

from __future__ import annotations

import factory

from downloads.models import Candidate, DownloadJob
from library.models import Album, Artist, Track, TrackFile


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
