"""Naming templates: validation, which template applies, and renaming the existing library."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from library.models import Album, NamingScheme, TrackFile
from library.naming import DEFAULT_TEMPLATES, NamingContext, render_path, scheme, services
from soulspot.lib.errors import SoulSpotError
from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, TrackFileFactory
from tests.library.support import audio_file

pytestmark = pytest.mark.django_db


def test_the_scheme_starts_with_the_default_templates() -> None:
    assert NamingScheme.load().templates() == DEFAULT_TEMPLATES


def test_every_invalid_template_is_reported() -> None:
    naming = NamingScheme.load()
    naming.standard = "{Artist Name}/{Album Title}"
    naming.various_artists = "/abs/{Track Title}"

    with pytest.raises(ValidationError) as caught:
        naming.clean()

    assert set(caught.value.message_dict) == {"standard", "various_artists"}


def test_saving_unknown_or_invalid_templates_changes_nothing() -> None:
    with pytest.raises(services.InvalidTemplate, match="Unknown template 'extra'"):
        services.save_naming_scheme({"extra": "{Track Title}", "standard": "{Track Title}"})
    with pytest.raises(services.InvalidTemplate, match="standard: Unknown token"):
        services.save_naming_scheme({"standard": "{Nope} {Track Title}"})
    assert NamingScheme.load().templates() == DEFAULT_TEMPLATES


def test_an_invalid_template_is_a_domain_error_with_status_400() -> None:
    assert issubclass(services.InvalidTemplate, SoulSpotError)
    assert services.InvalidTemplate.http_status == 400


def test_an_empty_token_leaves_no_dangling_separator() -> None:
    ctx = NamingContext(artist_name="Band", track_title="Song", extension=".flac")
    assert render_path(DEFAULT_TEMPLATES["standard"], ctx) == Path("Band/Unknown Album/Song.flac")
    ctx = NamingContext(artist_name="Band", track_title="-Song-", extension=".flac")
    assert render_path("{Artist Name}/{Track Title}", ctx).name == "-Song.flac"


def test_multi_disc_and_various_artists_albums_use_their_templates(dirs) -> None:
    album = AlbumFactory(title="Hits", artist=ArtistFactory(name="Various Artists"), year=2010)
    track = TrackFactory(
        title="Song", artist=ArtistFactory(name="Band"), album=album, track_number=4, disc_number=2
    )
    Album.objects.filter(pk=album.pk).update(disc_count=2)
    track.album.refresh_from_db()

    dest = scheme.destination(track, extension=".mp3")

    assert dest == dirs.music / "Various Artists" / "Hits (2010)" / "02-04 - Band - Song.mp3"


def test_a_changed_scheme_is_previewed_then_applied_with_sidecars(dirs) -> None:
    album = AlbumFactory(title="Night Drive", artist__name="Neon Harbor", year=2024)
    old_dir = dirs.music / "Neon Harbor" / "Night Drive (2024)"
    rows = []
    for number in (1, 2):
        track = TrackFactory(
            title=f"Song {number}", artist=album.artist, album=album, track_number=number
        )
        path = audio_file(old_dir / f"{number:02d} - Song {number}.flac")
        rows.append(TrackFileFactory(track=track, path=str(path)))
    (old_dir / "cover.jpg").write_bytes(b"\xff\xd8\xffcover")
    (old_dir / "01 - Song 1.lrc").write_text("[00:01.00] la")
    new_template = {
        "standard": "{Artist Name}/{Release Year} - {Album Title}/{track:00}. {Track Title}"
    }

    plans = services.preview_renames(None, new_template)
    assert [Path(p.new).name for p in plans] == ["01. Song 1.flac", "02. Song 2.flac"]
    assert all(Path(p.old).exists() for p in plans)

    results = services.apply_renames([r.pk for r in rows], new_template)

    new_dir = dirs.music / "Neon Harbor" / "2024 - Night Drive"
    assert all(r.changed and not r.problem for r in results)
    assert sorted(p.name for p in new_dir.iterdir()) == [
        "01. Song 1.flac",
        "01. Song 1.lrc",
        "02. Song 2.flac",
        "cover.jpg",
    ]
    assert not old_dir.exists()  # emptied, its cover went to the recycle bin
    assert list(dirs.recycle.rglob("cover.jpg"))
    assert sorted(TrackFile.objects.values_list("path", flat=True)) == [
        str(new_dir / "01. Song 1.flac"),
        str(new_dir / "02. Song 2.flac"),
    ]
    assert NamingScheme.load().standard == new_template["standard"]


def test_a_rename_never_overwrites_a_file(dirs) -> None:
    track = TrackFactory(title="Song", artist__name="Band")
    old = audio_file(dirs.music / "old.flac")
    row = TrackFileFactory(track=track, path=str(old))
    taken = dirs.music / "Band" / "Unknown Album" / "Song.flac"
    taken.parent.mkdir(parents=True)
    taken.write_bytes(b"someone else's file")

    [plan] = services.preview_renames([row.pk])
    [result] = services.apply_renames([row.pk])

    assert plan.problem == "a file with the new name already exists"
    assert result.problem and old.exists() and taken.read_bytes() == b"someone else's file"


def test_two_files_that_would_get_the_same_name_are_flagged(dirs) -> None:
    for n in range(2):
        path = audio_file(dirs.music / f"{n}.flac")
        TrackFileFactory(track=TrackFactory(title="Same", artist__name="Band"), path=str(path))

    plans = services.preview_renames()

    assert [p.problem for p in plans] == ["", "another file would get the same name"]


def test_a_path_outside_the_music_dir_is_shown_as_it_is(dirs) -> None:
    assert scheme.relative(dirs.music / "Band" / "Song.flac") == "Band/Song.flac"
    assert scheme.relative("/elsewhere/Song.flac") == "/elsewhere/Song.flac"
