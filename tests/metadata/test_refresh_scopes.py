"""What a refresh covers: one track, a loose track, an artist, the whole library in queued
batches, and the daily refresh of what MusicBrainz said longest ago."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from library.models import Album, FieldValue, MetadataSettings, Source, Track
from library.provenance import engine
from metadata import tasks
from metadata.models import RefreshMiss
from metadata.refresh import Scope, due_scope, refresh
from metadata.refresh import plan as refresh_plan
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.metadata_support import fake_fixture
from tests.spotify_support import run_queued

pytestmark = pytest.mark.django_db

fake = fake_fixture(FakeMusicBrainz, MUSICBRAINZ_MAX_ATTEMPTS=1)


def _album(catalog: MetadataCatalog, title: str, titles: list[str]) -> Album:
    added = catalog.add_release(
        title, "Harbor Lights", tracks=titles, label=f"{title} Records", date="2021-05-07"
    )
    artist = ArtistFactory(name="Harbor Lights")
    album = AlbumFactory(
        title=title, artist=artist, musicbrainz_release_id=added.release_id, year=2021
    )
    for number, name in enumerate(titles, start=1):
        TrackFactory(title=name.lower(), artist=artist, album=album, track_number=number)
    return album


def test_a_track_scope_records_that_track_only(fake, catalog: MetadataCatalog) -> None:
    album = _album(catalog, "Night Ferry", ["Cold Water", "Low Tide"])
    first, second = album.tracks.order_by("track_number")

    report = refresh(Scope(track_ids=(first.pk,)), preview=False)

    assert [(i.kind, i.object_id) for i in report.refreshed] == [("track", first.pk)]
    first.refresh_from_db(), second.refresh_from_db(), album.refresh_from_db()
    assert (first.title, second.title) == ("Cold Water", "low tide")
    assert album.label == ""  # the album itself was not asked for


def test_tracks_are_matched_by_recording_then_position_then_title(
    fake, catalog: MetadataCatalog
) -> None:
    added = catalog.add_release("Tides", "Harbor Lights", tracks=["Ebb", "Flow", "Slack Water"])
    album = AlbumFactory(musicbrainz_release_id=added.release_id)
    by_recording = TrackFactory(
        album=album, title="x", track_number=9, musicbrainz_recording_id=added.recording_ids[1]
    )
    by_position = TrackFactory(album=album, title="ebb", track_number=1)
    by_title = TrackFactory(album=album, title="slack water", track_number=None)
    stranger = TrackFactory(album=album, title="Bonus", track_number=None)

    report = refresh(Scope(album_ids=(album.pk,)), preview=False)

    recordings = dict(Track.objects.values_list("pk", "musicbrainz_recording_id"))
    assert recordings[by_recording.pk] == added.recording_ids[1]
    assert recordings[by_position.pk] == added.recording_ids[0]
    assert recordings[by_title.pk] == added.recording_ids[2]
    assert [(i.object_id, i.reason) for i in report.skipped] == [
        (stranger.pk, "not on the MusicBrainz release")
    ]


def test_a_loose_track_is_looked_up_by_its_recording(fake, catalog: MetadataCatalog) -> None:
    added = catalog.add_release(
        "Single", "Harbor Lights", tracks=[("Beacon", 1000, "GBAAA2100009")]
    )
    track = TrackFactory(title="beacon", musicbrainz_recording_id=added.recording_ids[0])
    nothing = TrackFactory()

    report = refresh(Scope(track_ids=(track.pk, nothing.pk)), preview=False)

    track.refresh_from_db()
    assert (track.title, track.isrc) == ("Beacon", "GBAAA2100009")
    assert [r.path for r in fake.requests] == [f"/ws/2/recording/{added.recording_ids[0]}"]
    assert [i.object_id for i in report.skipped] == [nothing.pk]


def test_an_artist_scope_refreshes_the_artist_and_its_albums(
    fake, catalog: MetadataCatalog
) -> None:
    catalog.add_artist("The Harbor Lights", "Harbor Lights, The")
    added = catalog.add_release("Night Ferry", "The Harbor Lights", tracks=["Cold Water"])
    artist = ArtistFactory(name="the harbor lights", musicbrainz_id=added.artist_ids[0])
    album = AlbumFactory(artist=artist, musicbrainz_release_id=added.release_id)
    TrackFactory(album=album, artist=artist, title="cold water", track_number=1)

    report = refresh(Scope(artist_ids=(artist.pk,)), preview=False)

    artist.refresh_from_db()
    assert (artist.name, artist.sort_name) == ("The Harbor Lights", "Harbor Lights, The")
    assert album.tracks.get().title == "Cold Water"
    assert {i.kind for i in report.refreshed} == {"artist", "album", "track"}


def test_missing_ids_are_reported_as_skipped(fake) -> None:
    report = refresh(Scope(album_ids=(999_999,), track_ids=(888_888,)), preview=False)

    assert {(i.kind, i.object_id, i.reason) for i in report.skipped} == {
        ("album", 999_999, "no such album"),
        ("track", 888_888, "no such track"),
    }


# 2: the loose track shares the second batch; 3: the albums fill the first exactly.
@pytest.mark.parametrize("batch", [2, 3])
def test_the_whole_library_is_refreshed_in_queued_batches(
    fake, catalog: MetadataCatalog, monkeypatch, batch: int
) -> None:
    monkeypatch.setattr(refresh_plan, "BATCH", batch)
    albums = [_album(catalog, f"Album {n}", [f"Song {n}"]) for n in range(3)]
    added = catalog.add_release("Single", "Harbor Lights", tracks=["Beacon"])
    loose = TrackFactory(title="beacon", musicbrainz_recording_id=added.recording_ids[0])

    first = tasks.refresh_metadata(Scope(all=True).as_dict())
    answers = run_queued("metadata.tasks.refresh")

    assert first.endswith("the rest queued") and len(answers) == 1
    assert list(Album.objects.order_by("pk").values_list("label", flat=True)) == [
        f"Album {n} Records" for n in range(3)
    ]
    assert [a.tracks.get().title for a in albums] == ["Song 0", "Song 1", "Song 2"]
    loose.refresh_from_db()
    assert loose.title == "Beacon"
    assert len(fake.requests) == 4  # each album and the loose track asked once


def test_a_batch_musicbrainz_answered_none_of_queues_nothing_more(
    fake, catalog: MetadataCatalog, monkeypatch
) -> None:
    monkeypatch.setattr(refresh_plan, "BATCH", 1)
    for n in range(2):
        _album(catalog, f"Album {n}", [f"Song {n}"])
    fake.set_mode("503")

    answer = tasks.refresh_metadata(Scope(all=True).as_dict())

    assert answer.endswith("MusicBrainz unavailable, stopped")
    assert run_queued("metadata.tasks.refresh") == []


def _mb_offer_age(row, days: int) -> None:
    FieldValue.objects.filter(kind=engine.kind_of(row), object_id=row.pk).update(
        fetched_at=timezone.now() - timedelta(days=days)
    )


def test_the_daily_refresh_takes_stale_albums_oldest_first(fake, catalog: MetadataCatalog) -> None:
    fresh, stale, older = (_album(catalog, f"Album {n}", [f"Song {n}"]) for n in range(3))
    never = AlbumFactory(musicbrainz_release_id="00000000-0000-4000-8000-000000000000")
    AlbumFactory()  # no release id: never refreshed
    for album in (fresh, stale, older):
        engine.record(album, Source.MUSICBRAINZ, {"title": album.title})
    _mb_offer_age(stale, 100)
    _mb_offer_age(older, 200)

    assert due_scope() == Scope(album_ids=(never.pk, older.pk, stale.pk))
    settings = MetadataSettings.load()
    settings.refresh_after_days = 0
    settings.save()
    assert due_scope() is None


def test_the_daily_task_refreshes_what_is_due(fake, catalog: MetadataCatalog) -> None:
    album = _album(catalog, "Night Ferry", ["Cold Water"])

    answer = tasks.refresh_due_metadata()

    assert answer.startswith("MusicBrainz refresh: 2 refreshed")
    assert album.tracks.get().title == "Cold Water"
    assert tasks.refresh_due_metadata() == "nothing to refresh from MusicBrainz"


def test_an_album_musicbrainz_does_not_know_waits_before_the_daily_refresh_asks_again(
    fake, catalog: MetadataCatalog
) -> None:
    unknown = AlbumFactory(musicbrainz_release_id="00000000-0000-4000-8000-000000000000")
    assert due_scope() == Scope(album_ids=(unknown.pk,))

    tasks.refresh_due_metadata()

    miss = RefreshMiss.objects.get()
    assert (miss.kind, miss.object_id) == ("album", unknown.pk)
    assert due_scope() is None
    assert due_scope(now=timezone.now() + timedelta(days=91)) == Scope(album_ids=(unknown.pk,))


def test_a_preview_remembers_no_miss_and_a_found_id_clears_one(
    fake, catalog: MetadataCatalog
) -> None:
    unknown = AlbumFactory(musicbrainz_release_id="00000000-0000-4000-8000-000000000000")
    refresh(Scope(album_ids=(unknown.pk,)), preview=True)
    assert not RefreshMiss.objects.exists()
    refresh(Scope(album_ids=(unknown.pk,)), preview=False)
    assert RefreshMiss.objects.exists()

    added = catalog.add_release("Found", "Harbor Lights", tracks=["A"])
    Album.objects.filter(pk=unknown.pk).update(musicbrainz_release_id=added.release_id)
    refresh(Scope(album_ids=(unknown.pk,)), preview=False)

    assert not RefreshMiss.objects.exists()
