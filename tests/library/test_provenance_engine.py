"""The metadata engine's choice per field: authority order, manual edits, conflicts, pins."""

from __future__ import annotations

import pytest

from library.models import FieldConflict, FieldValue, MetadataSettings, RetagRequest, Source
from library.provenance import edits, engine
from tests.factories import AlbumFactory, TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db


def offers(row, field: str) -> dict[str, object]:
    rows = FieldValue.objects.filter(object_id=row.pk, field=field)
    return {o.source: o.value for o in rows}


def chosen(row, field: str) -> str:
    return FieldValue.objects.get(object_id=row.pk, field=field, chosen=True).source


def test_the_catalogue_value_is_kept_as_an_offer_before_the_first_source() -> None:
    track = TrackFactory(title="Wanted Song")
    engine.record(track, Source.FILE_TAGS, {"title": "wanted song"})
    assert offers(track, "title") == {"catalogue": "Wanted Song", "file_tags": "wanted song"}
    track.refresh_from_db()
    assert track.title == "Wanted Song"  # the want ranks above a peer's tags
    assert chosen(track, "title") == "catalogue"


def test_a_higher_source_differing_only_in_case_wins_silently() -> None:
    track = TrackFactory(title="one more time")
    changes = engine.record(track, Source.MUSICBRAINZ, {"title": "One More Time"})
    track.refresh_from_db()
    assert track.title == "One More Time"
    assert [(c.field, c.old, c.new, c.source) for c in changes] == [
        ("title", "one more time", "One More Time", "musicbrainz")
    ]
    assert not FieldConflict.objects.exists()


def test_different_words_make_a_conflict_and_keep_the_current_value() -> None:
    track = TrackFactory(title="Song Remix")
    engine.record(track, Source.FILE_TAGS, {"title": "Song Remix"})
    changes = engine.record(track, Source.MUSICBRAINZ, {"title": "Song"})
    track.refresh_from_db()
    assert track.title == "Song Remix" and changes == []
    conflict = FieldConflict.objects.get()
    assert conflict.field == "title" and conflict.status == "open"
    assert conflict.offers[0] == {"source": "musicbrainz", "value": "Song"}
    # Asking again does not make a second conflict.
    engine.record(track, Source.MUSICBRAINZ, {"title": "Song"})
    assert FieldConflict.objects.count() == 1


def test_resolving_to_a_source_follows_it_and_later_refreshes() -> None:
    track = TrackFactory(title="Song Remix")
    engine.record(track, Source.MUSICBRAINZ, {"title": "Song"})
    conflict = FieldConflict.objects.get()
    edits.resolve_conflict(conflict, source="musicbrainz")
    track.refresh_from_db()
    assert track.title == "Song"
    engine.record(track, Source.MUSICBRAINZ, {"title": "Song (Live)"})
    track.refresh_from_db()
    assert track.title == "Song (Live)"  # pinned: no new conflict
    assert FieldConflict.objects.open().count() == 0


def test_a_manual_edit_survives_a_refresh_until_cleared() -> None:
    track = TrackFactory(title="Song")
    edits.set_manual(track, {"title": "My Title"})
    engine.record(track, Source.MUSICBRAINZ, {"title": "Other Title"})
    track.refresh_from_db()
    assert track.title == "My Title"
    edits.clear_manual(track, "title")
    track.refresh_from_db()
    assert track.title == "Other Title"


def test_authority_order_per_field_from_settings() -> None:
    settings = MetadataSettings.load()
    settings.authority = {"genres": ["lastfm", "musicbrainz"]}
    settings.save()
    track = TrackFactory()
    engine.record(track, Source.MUSICBRAINZ, {"genres": ["Rock"]})
    engine.record(track, Source.LASTFM, {"genres": ["Indie Rock"]})
    track.refresh_from_db()
    assert track.genres == ["Indie Rock"]


def test_a_changed_value_asks_for_the_files_to_be_retagged() -> None:
    album = AlbumFactory(title="Album")
    track = TrackFactory(album=album, artist=album.artist)
    TrackFileFactory(track=track)
    TrackFactory(album=album, artist=album.artist)  # no file: nothing to re-tag
    engine.record(album, Source.MUSICBRAINZ, {"label": "Warp"})
    assert list(RetagRequest.objects.values_list("track_id", flat=True)) == [track.pk]


def test_a_preview_changes_nothing() -> None:
    track = TrackFactory(title="one more time")
    changes = engine.dry_run(
        lambda: engine.record(track, Source.MUSICBRAINZ, {"title": "One More Time"})
    )
    assert [c.new for c in changes] == ["One More Time"]
    track.refresh_from_db()
    assert track.title == "one more time"
    assert not FieldValue.objects.exists()


def test_a_date_in_the_same_year_is_not_a_conflict_and_sets_the_year() -> None:
    album = AlbumFactory(year=None)
    engine.record(album, Source.FILE_TAGS, {"date": "1995"})
    engine.record(album, Source.MUSICBRAINZ, {"date": "1995-10-03"})
    album.refresh_from_db()
    assert (album.release_date, album.year) == ("1995-10-03", 1995)
    engine.record(album, Source.MUSICBRAINZ, {"date": "1997-01-01"})
    assert FieldConflict.objects.get().field == "date"


def test_a_number_can_be_emptied_by_hand() -> None:
    track = TrackFactory(track_number=4)
    edits.set_manual(track, {"track_number": ""})
    track.refresh_from_db()
    assert track.track_number is None
    engine.record(track, Source.FILE_TAGS, {"track_number": 5})
    track.refresh_from_db()
    assert track.track_number is None  # the manual choice stands


def test_a_conflict_cannot_follow_a_pseudo_source_or_a_deleted_row() -> None:
    track = TrackFactory(title="Song Remix")
    engine.record(track, Source.MUSICBRAINZ, {"title": "Song"})
    conflict = FieldConflict.objects.get()
    conflict.offers.append({"source": "current", "value": "Song Remix"})
    with pytest.raises(edits.UnknownSource):
        edits.resolve_conflict(conflict, source="current")
    track.delete()
    with pytest.raises(edits.ConflictClosed):
        edits.resolve_conflict(conflict, source="musicbrainz")
    assert FieldConflict.objects.get().status == "superseded"


def test_changing_the_feat_style_reshapes_existing_tracks_in_the_background(
    django_capture_on_commit_callbacks,
) -> None:
    from library.provenance import configure
    from library.tasks import resettle

    track = TrackFactory(title="Song")
    engine.record(track, Source.MUSICBRAINZ, {"artist": f"{track.artist.name} feat. Guest"})
    track.refresh_from_db()
    assert (track.title, track.credit) == ("Song", f"{track.artist.name} feat. Guest")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        configure.update_settings({"feat_style": "title"})
    assert len(queued) == 1  # one task for the tracks' title and artist fields
    resettle("track", ["artist", "title"])

    track.refresh_from_db()
    assert (track.title, track.credit) == ("Song (feat. Guest)", track.artist.name)
