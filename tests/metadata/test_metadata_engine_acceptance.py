"""The metadata engine end to end: a real import against the fake MusicBrainz, a conflict,
its resolution through the API, and the file re-tagged and renamed by the queued task, with
its audio untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django_q.models import OrmQ

from fakes.lastfm import LastFmWorld
from library.audio import audio_fingerprint
from library.models import (
    FieldConflict,
    FieldValue,
    MetadataSettings,
    RetagRequest,
    Source,
    Track,
    TrackFile,
)
from library.provenance import engine
from library.tagging import TagSet, read_tags, write_tags
from library.tasks import retag_due
from metadata import services
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.metadata.support import Dirs

pytestmark = pytest.mark.django_db


def own_file(dirs: Dirs, audio_sources: dict[str, Path], title: str, **tags: object) -> Path:
    """A file of the user's, tagged by hand: MusicBrainz knows it by its ISRC."""
    path = dirs.downloads / "mine" / f"{title}.flac"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(audio_sources["flac"], path)
    base = {"artist": "Neon Harbor", "album": "Night Drive", "track_number": 2}
    write_tags(path, TagSet(title=title, **(base | {"isrc": "GBNEO2400001"} | tags)))
    return path


def imported(dirs: Dirs) -> TrackFile:
    batch = services.import_folder_now(str(dirs.downloads))
    assert batch.failed == 0, list(batch.items.values_list("reason", flat=True))
    return TrackFile.objects.select_related("track").get()


def test_tags_disagreeing_with_musicbrainz_make_a_conflict_resolved_by_retagging(
    dirs, audio_sources, providers, api_client, django_capture_on_commit_callbacks
) -> None:
    own_file(dirs, audio_sources, "Afterglow (Club Mix)")
    file = imported(dirs)
    assert file.track.title == "Afterglow (Club Mix)"  # the user's tags are kept for now
    audio_before = audio_fingerprint(Path(file.path))

    listed = api_client.get("/api/metadata/conflicts?field=title").json()
    assert listed["count"] == 1
    conflict = listed["items"][0]
    assert conflict["offers"][0] == {"source": "musicbrainz", "value": "Afterglow"}
    assert {"source": "file_tags", "value": "Afterglow (Club Mix)"} in conflict["offers"]

    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client.post(
            f"/api/metadata/conflicts/{conflict['id']}/resolve",
            {"source": "musicbrainz"},
            content_type="application/json",
        )
    assert answer.status_code == 200, answer.content
    assert answer.json()["conflict"]["status"] == "resolved"
    assert RetagRequest.objects.filter(track=file.track).exists()
    assert OrmQ.objects.get().task["args"][0] == "library.tasks.retag_due"

    assert "1 tracks re-tagged, 1 files written, 1 renamed" in retag_due()
    file.refresh_from_db()
    path = Path(file.path)
    assert path.name == "02 - Afterglow.flac" and path.is_file()
    assert read_tags(path).title == "Afterglow"
    assert audio_fingerprint(path) == audio_before
    assert not RetagRequest.objects.exists()
    body = api_client.get(f"/api/library/tracks/{file.track_id}").json()
    assert body["provenance"]["title"]["source"] == "musicbrainz"
    assert {"source": "file_tags", "value": "Afterglow (Club Mix)"} in [
        {"source": o["source"], "value": o["value"]}
        for o in body["provenance"]["title"]["alternatives"]
    ]


def test_a_manual_edit_through_the_api_retags_and_survives_musicbrainz(
    dirs, audio_sources, providers, api_client
) -> None:
    own_file(dirs, audio_sources, "Afterglow")
    file = imported(dirs)

    answer = api_client.patch(
        f"/api/library/tracks/{file.track_id}",
        {"title": "Afterglow (My Edit)", "genres": ["Synth-Pop"]},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["provenance"]["title"]["source"] == "manual"
    retag_due()
    file.refresh_from_db()
    tags = read_tags(Path(file.path))
    assert (tags.title, tags.genre) == ("Afterglow (My Edit)", "Synth-Pop")
    assert Path(file.path).name == "02 - Afterglow (My Edit).flac"

    # A later import of the same song (MusicBrainz asked again) keeps the edit.
    from metadata.importer import merge
    from metadata.providers import musicbrainz

    track = Track.objects.with_relations().get(pk=file.track_id)
    merge.apply_recording(track, musicbrainz.lookup_track(artist="Neon Harbor", title="Afterglow"))
    track.refresh_from_db()
    assert track.title == "Afterglow (My Edit)"

    cleared = api_client.delete(f"/api/library/tracks/{file.track_id}/manual/title")
    assert cleared.json()["title"] == "Afterglow"
    assert cleared.json()["provenance"]["title"]["source"] == "musicbrainz"
    assert api_client.delete(f"/api/library/tracks/{file.track_id}/manual/nope").status_code == 400


def test_resolving_one_conflict_for_the_whole_album(api_client, db) -> None:
    album = AlbumFactory(title="Night Drive")
    tracks = [TrackFactory(album=album, artist=album.artist, title=f"Song {n}") for n in range(3)]
    for track in tracks[:2]:  # two tracks where MusicBrainz spells the artist differently
        engine.record(track, Source.MUSICBRAINZ, {"artist": "Other Band"})
    engine.record(tracks[2], Source.MUSICBRAINZ, {"title": "Song Two"})
    first = FieldConflict.objects.get(object_id=tracks[0].pk)

    answer = api_client.post(
        f"/api/metadata/conflicts/{first.pk}/resolve",
        {"value": "Neon Harbor", "apply_to_album": True},
        content_type="application/json",
    )

    assert answer.status_code == 200
    assert list(FieldConflict.objects.open().values_list("field", flat=True)) == ["title"]
    credits = Track.objects.filter(pk__in=[t.pk for t in tracks[:2]])
    assert set(credits.values_list("artist_credit", flat=True)) == {"Neon Harbor"}
    assert set(credits.values_list("artist__name", flat=True)) == {"Neon Harbor"}


def test_resolve_refuses_bad_requests(api_client, db) -> None:
    track = TrackFactory(title="A")
    conflict = FieldConflict.objects.create(
        kind="track",
        object_id=track.pk,
        field="title",
        label="A",
        offers=[{"source": "musicbrainz", "value": "B"}],
    )
    url = f"/api/metadata/conflicts/{conflict.pk}/resolve"
    post = lambda body: api_client.post(url, body, content_type="application/json")  # noqa: E731
    assert post({}).status_code == 422
    assert post({"source": "musicbrainz", "value": "x"}).status_code == 422
    assert post({"source": "spotify"}).status_code == 400  # no such offer
    assert post({"source": "musicbrainz"}).status_code == 200
    assert post({"source": "musicbrainz"}).status_code == 409  # already resolved
    assert (
        api_client.post(
            "/api/metadata/conflicts/999/resolve",
            {"source": "manual"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_imported_files_get_canonical_lastfm_genres_limited_by_the_settings(
    dirs, audio_sources, providers, fake_lastfm, world: LastFmWorld
) -> None:
    world.set_track_tags(
        "Neon Harbor",
        "Afterglow",
        [
            ("seen live", 100),
            ("synthpop", 90),
            ("hip hop", 80),
            ("Hip-Hop", 70),
            ("2024", 60),
            ("favorites", 50),
            ("electronic", 40),
            ("dance", 30),
        ],
    )
    settings = MetadataSettings.load()
    settings.genre_count = 2
    settings.save()
    own_file(dirs, audio_sources, "Afterglow")

    file = imported(dirs)

    assert file.track.genres == ["Synth-Pop", "Hip-Hop"]
    assert read_tags(Path(file.path)).genre == "Synth-Pop; Hip-Hop"
    assert FieldValue.objects.get(object_id=file.track_id, field="genres", source="lastfm")


def test_featured_artist_spellings_end_in_the_configured_style(db) -> None:
    for style, expected in [
        ("artist", ("Song", "Neon Harbor feat. Guest One & Guest Two")),
        ("title", ("Song (feat. Guest One & Guest Two)", "Neon Harbor")),
    ]:
        MetadataSettings.objects.update_or_create(pk=1, defaults={"feat_style": style})
        for credit, title in [
            ("Neon Harbor ft. Guest One & Guest Two", "Song"),
            ("Neon Harbor", "Song (Feat. Guest One & Guest Two)"),
            ("Neon Harbor featuring Guest One & Guest Two", "Song [ft Guest One & Guest Two]"),
        ]:
            track = TrackFactory(title="Song", artist=ArtistFactory(name="Neon Harbor"))
            engine.record(track, Source.MUSICBRAINZ, {"title": title, "artist": credit})
            track.refresh_from_db()
            assert (track.title, track.credit) == expected, (credit, title)


def test_an_albums_provenance_says_where_its_cover_came_from(api_client, logged_in_client) -> None:
    from metadata.models import AlbumCover

    album = AlbumFactory()
    assert api_client.get(f"/api/library/albums/{album.pk}").json()["provenance"]["cover"] == {
        **api_client.get(f"/api/library/albums/{album.pk}").json()["provenance"]["cover"],
        "value": "",
        "source": None,
    }
    AlbumCover.objects.create(album=album, source=AlbumCover.Source.COVERART)

    cover = api_client.get(f"/api/library/albums/{album.pk}").json()["provenance"]["cover"]

    assert (cover["value"], cover["source"]) == ("Cover Art Archive", "musicbrainz")
    assert (
        "Cover Art Archive" in logged_in_client.get(f"/library/albums/{album.pk}/").content.decode()
    )
