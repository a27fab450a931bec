"""library.naming: Lidarr-style templates and paths that are safe on every OS."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from library.naming import (
    DEFAULT_TEMPLATES,
    InvalidTemplate,
    NamingContext,
    UnsafePath,
    choose_template,
    render_path,
    safe_join,
    sanitize_segment,
    truncate_utf8,
    validate_template,
)

BASE = NamingContext(
    artist_name="Radiohead",
    album_title="OK Computer",
    album_type="Album",
    release_year=1997,
    track_title="Airbag",
    track_number=1,
    disc_number=1,
    disc_count=1,
    quality_title="FLAC",
    extension=".flac",
)
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{k}{n}" for k in ("COM", "LPT") for n in "123456789"
}


def render(template: str, **changes: object) -> str:
    return render_path(template, NamingContext(**{**BASE.__dict__, **changes})).as_posix()


# --- templates ------------------------------------------------------------------------------


def test_the_standard_template_gives_artist_album_and_numbered_track() -> None:
    assert render(DEFAULT_TEMPLATES["standard"]) == "Radiohead/OK Computer (1997)/01 - Airbag.flac"


@pytest.mark.parametrize(
    ("template", "year", "expected"),
    [
        ("{Album Title}{ (Release Year)}/{track}", 1997, "OK Computer (1997)/1.flac"),
        ("{Album Title}{ (Release Year)}/{track}", None, "OK Computer/1.flac"),
        ("{Release Year - }{Album Title}/{track}", 1997, "1997 - OK Computer/1.flac"),
        ("{Release Year - }{Album Title}/{track}", None, "OK Computer/1.flac"),
        ("{Album Title}{ [Release Year]}/{track}", None, "OK Computer/1.flac"),
    ],
)
def test_text_inside_the_braces_disappears_with_an_empty_token(
    template: str, year: int | None, expected: str
) -> None:
    assert render(template, release_year=year) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{track:00}", "07.flac"),
        ("{track:000}", "007.flac"),
        ("{track:0}", "7.flac"),
        ("{medium:00}-{track:00}", "02-07.flac"),
        ("{medium:0}{ (Medium Count)}-{track}", "2 (3)-7.flac"),
    ],
)
def test_number_tokens_are_zero_padded(template: str, expected: str) -> None:
    assert render(template, track_number=7, disc_number=2, disc_count=3) == expected


def test_token_names_follow_lidarr_case_and_separator_rules() -> None:
    assert render("{artist name}/{ALBUM TITLE}/{Artist.Name}.{Track.Title}") == (
        "radiohead/OK COMPUTER/Radiohead.Airbag.flac"
    )


def test_other_tokens_render() -> None:
    template = (
        "{Artist SortName}/{Album CleanTitle} [{Album Type}]/"
        "{Track ArtistName} - {Track CleanTitle} [{Quality Title}] {Original Filename}"
    )
    result = render(
        template,
        artist_name="The Beatles",
        album_title="Sgt. Pepper's (Remaster)",
        track_artist_name="Ringo & Paul",
        track_title="With a Little Help?",
        original_filename="01 with a little help.mp3",
    )

    assert result == (
        "Beatles, The/Sgt. Peppers Remaster [Album]/"
        "Ringo & Paul - With a Little Help [FLAC] 01 with a little help.flac"
    )


def test_text_tokens_can_be_truncated_and_braces_escaped() -> None:
    assert render("{{x}} {Album Title:6}/{track}") == "{x} OK Com…/1.flac"


def test_missing_names_get_readable_placeholders() -> None:
    result = render(DEFAULT_TEMPLATES["standard"], artist_name="", album_title=" ", track_title="")

    assert result == "Unknown Artist/Unknown Album (1997)/01 - Track 1.flac"


@pytest.mark.parametrize(
    ("various", "discs", "key"),
    [
        (False, 1, "standard"),
        (False, 2, "multi_disc"),
        (True, 1, "various_artists"),
        (True, 3, "various_artists_multi_disc"),
    ],
)
def test_choose_template_picks_by_album_shape(various: bool, discs: int, key: str) -> None:
    ctx = NamingContext(is_various_artists=various, disc_count=discs)
    custom = {"standard": "{Artist Name}/{track} {Track Title}"}

    assert choose_template(DEFAULT_TEMPLATES, ctx) == DEFAULT_TEMPLATES[key]
    assert choose_template(custom, ctx) == custom.get(key, DEFAULT_TEMPLATES[key])


def test_multi_disc_and_various_artists_defaults_keep_tracks_apart() -> None:
    ctx = dict(is_various_artists=True, disc_count=2, disc_number=2, track_artist_name="Björk")
    template = choose_template(DEFAULT_TEMPLATES, NamingContext(**ctx))

    assert render(template, **ctx) == "Radiohead/OK Computer (1997)/02-01 - Björk - Airbag.flac"


@pytest.mark.parametrize("template", DEFAULT_TEMPLATES.values())
def test_default_templates_are_valid(template: str) -> None:
    assert validate_template(template) == []


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("/music/{Artist Name}/{track}", "must be relative"),
        ("C:/{Artist Name}/{track}", "must be relative"),
        ("{Artist Name}/../{track}", "'..'"),
        ("{Artist Name}//{track}", "empty folder name"),
        ("{Artist Name}/{Bogus Token} {track}", "Unknown token {Bogus Token}"),
        ("{Artist Name/{track}", "Unbalanced"),
        ("{Artist Name}}/{track}", "Unbalanced"),
        ("{Artist Name}/{Album Title}", "tell tracks apart"),
        ("{Artist Name}/{track:xx}", "number formats"),
        ("{Artist Name:abc}/{track}", "length"),
    ],
)
def test_validate_template_explains_problems(template: str, problem: str) -> None:
    problems = validate_template(template)

    assert any(problem in text for text in problems), problems


def test_render_refuses_an_invalid_template() -> None:
    with pytest.raises(InvalidTemplate, match="Unknown token"):
        render_path("{Nope}/{track}", BASE)


# --- hostile tags -----------------------------------------------------------------------------

HOSTILE = [
    {"artist_name": "../../etc", "album_title": "..", "track_title": "passwd"},
    {"artist_name": "/etc", "album_title": "\\windows\\system32", "track_title": "a/b\\c"},
    {"artist_name": "CON", "album_title": "AUX.flac", "track_title": "nul"},
    {"artist_name": "com1 ", "album_title": "LPT9.txt", "track_title": "PRN.flac"},
    {"artist_name": "x" * 300, "album_title": "é" * 300, "track_title": "🎵" * 300},
    {"artist_name": "nul\x00byte", "album_title": "tab\there\nnewline", "track_title": "\x1b[31m"},
    {
        "artist_name": "evil\u202egalf.exe",
        "album_title": "zero\u200bwidth\ufeff",
        "track_title": "\u200f",
    },
    {
        "artist_name": 'a<b>c:d"e|f?g*h',
        "album_title": "trailing dots...",
        "track_title": " spaces ",
    },
    {"artist_name": "...", "album_title": ". .", "track_title": "."},
]


@pytest.mark.parametrize("tags", HOSTILE)
@pytest.mark.parametrize("key", list(DEFAULT_TEMPLATES))
def test_hostile_tags_always_give_a_safe_path_inside_the_library(
    tmp_path: Path, tags: dict[str, str], key: str
) -> None:
    ctx = NamingContext(**{**BASE.__dict__, **tags, "track_artist_name": tags["track_title"]})

    relative = render_path(DEFAULT_TEMPLATES[key], ctx)
    target = safe_join(tmp_path, relative)

    assert target.is_relative_to(tmp_path.resolve())
    assert len(relative.parts) == 3  # slashes in values never add folders
    assert relative.suffix == ".flac"
    for part in relative.parts:
        _assert_portable_segment(part)


def _assert_portable_segment(part: str) -> None:
    assert part and part not in {".", ".."}
    assert 0 < len(part.encode("utf-8")) <= 255
    assert not part.startswith((" ", ".")) and not part.endswith((" ", "."))
    assert not set(part) & set('<>:"/\\|?*')
    assert all(unicodedata.category(c) not in {"Cc", "Cf"} or c == "\u200d" for c in part)
    assert part.split(".")[0].strip().upper() not in WINDOWS_RESERVED
    assert unicodedata.is_normalized("NFC", part)


def test_reserved_windows_names_are_defused() -> None:
    assert render("{Artist Name}/{Album Title}/{Track Title}", artist_name="CON") == (
        "CON_/OK Computer/Airbag.flac"
    )
    assert sanitize_segment("AUX", extension=".flac") == "AUX_.flac"
    assert sanitize_segment("aux.flac", extension=".flac") == "aux_.flac.flac"
    assert sanitize_segment("Console") == "Console"


def test_long_titles_are_cut_to_255_bytes_keeping_the_extension() -> None:
    name = render("{Track Title}", track_title="é" * 300)

    assert name.endswith(".flac")
    assert len(name.encode("utf-8")) <= 255
    assert set(name.removesuffix(".flac")) == {"é"}


def test_cutting_never_splits_a_character_or_an_accent() -> None:
    assert truncate_utf8("aé", 2) == "a"
    assert truncate_utf8("🎵🎵", 5) == "🎵"
    assert truncate_utf8("ae\u0301", 2) == "a"  # no orphaned combining accent


def test_emoji_and_other_scripts_survive() -> None:
    result = render(
        "{Artist Name}/{Track Title}", artist_name="👨‍👩‍👧 Family", track_title="東京 🎶"
    )

    assert result == "👨‍👩‍👧 Family/東京 🎶.flac"


def test_text_is_normalised_to_nfc() -> None:
    decomposed = "Beyonce\u0301"

    assert render("{Artist Name}/{track}", artist_name=decomposed) == "Beyoncé/1.flac"


def test_colons_and_slashes_in_titles_become_dashes() -> None:
    result = render("{Artist Name}/{Track Title}", artist_name="AC/DC", track_title="Live: 1991")

    assert result == "AC-DC/Live - 1991.flac"


def test_the_total_path_length_is_limited() -> None:
    ctx = NamingContext(
        artist_name="a" * 250, album_title="b" * 250, track_title="c" * 250, extension=".flac"
    )

    path = render_path("{Artist Name}/{Album Title}/{Track Title}", ctx, max_path_bytes=300)

    assert len(path.as_posix().encode("utf-8")) <= 300
    assert path.suffix == ".flac" and len(path.parts) == 3


# --- safe_join --------------------------------------------------------------------------------


@pytest.mark.parametrize("relative", ["../x", "a/../../x", "/etc/passwd", "", ".", "a\x00b"])
def test_safe_join_refuses_paths_that_leave_the_root(tmp_path: Path, relative: str) -> None:
    with pytest.raises(UnsafePath):
        safe_join(tmp_path, relative)


def test_safe_join_refuses_a_symlink_that_points_outside(tmp_path: Path) -> None:
    root, outside = tmp_path / "music", tmp_path / "elsewhere"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)

    with pytest.raises(UnsafePath):
        safe_join(root, "link/file.flac")


def test_safe_join_returns_the_resolved_path_inside_the_root(tmp_path: Path) -> None:
    assert safe_join(tmp_path, "A/B/c.flac") == tmp_path.resolve() / "A" / "B" / "c.flac"
