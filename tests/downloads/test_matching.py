"""The matcher: which search result is the file we want, and why the others are not."""

from __future__ import annotations

import gc
import json
from dataclasses import replace
from typing import Any

import pytest

from downloads.matching import (
    MatchContext,
    Scored,
    SearchFile,
    Want,
    best,
    files_from_responses,
    group_album_folders,
    match_track_in_folder,
    rank,
    rank_album_folders,
)
from library.quality import DEFAULT_LADDER

CREEP = Want(artist="Radiohead", title="Creep", album="Pablo Honey", duration_ms=238_000)
ALBUM = "@@abcde\\Music\\Radiohead\\Pablo Honey (1993)"


def audio(path: str, user: str = "flacfan", **fields: Any) -> SearchFile:
    """A search hit; FLAC 16/44.1 of the right length from a fast, free peer unless told."""
    defaults: dict[str, Any] = {
        "bit_depth": 16,
        "sample_rate": 44100,
        "length_s": 238,
        "has_free_slot": True,
        "queue_length": 0,
        "upload_speed": 2_000_000,
    }
    if not path.lower().endswith(".flac"):
        defaults.update(bit_depth=None, sample_rate=None, bitrate=320)
    defaults.update(fields)
    return SearchFile(username=user, filename=path, size=30_000_000, **defaults)


def verdict(want: Want, file: SearchFile, ctx: MatchContext | None = None) -> Scored:
    (scored,) = rank(want, [file], ctx)
    return scored


def accepted(want: Want, path: str, **fields: Any) -> bool:
    return verdict(want, audio(path, **fields)).accepted


# --- parsing slskd responses ---------------------------------------------------------------

SLSKD_EXAMPLE = [
    {
        "fileCount": 2,
        "files": [
            {
                "bitDepth": 16,
                "code": 1,
                "extension": "flac",
                "length": 245,
                "sampleRate": 44100,
                "filename": "@@xkqtz\\Music\\Some Artist\\Some Album (2001)\\01 - First Song.flac",
                "size": 27345678,
                "isLocked": False,
            },
            {
                "bitDepth": 16,
                "code": 1,
                "extension": "flac",
                "length": 198,
                "sampleRate": 44100,
                "filename": "@@xkqtz\\Music\\Some Artist\\Some Album (2001)\\02 - Second Song.flac",
                "size": 22100456,
                "isLocked": False,
            },
        ],
        "hasFreeUploadSlot": True,
        "lockedFileCount": 1,
        "queueLength": 0,
        "token": 1199,
        "lockedFiles": [{"filename": "@@xkqtz\\Private\\secret.flac", "size": 1, "code": 1}],
        "uploadSpeed": 1843200,
        "username": "flacfan",
    },
    {
        "fileCount": 1,
        "files": [
            {
                "bitRate": 320,
                "code": 1,
                "extension": "",
                "isVariableBitRate": False,
                "filename": "Music\\Some Artist - Some Album\\01 First Song.mp3",
                "length": 245,
                "size": 9823456,
                "isLocked": False,
            },
        ],
        "hasFreeUploadSlot": False,
        "lockedFileCount": 0,
        "lockedFiles": [],
        "queueLength": 37,
        "token": 1199,
        "uploadSpeed": 240000,
        "username": "mp3user",
    },
]


def test_it_turns_slskd_responses_into_search_files() -> None:
    files = files_from_responses(SLSKD_EXAMPLE)
    assert [f.username for f in files] == ["flacfan", "flacfan", "mp3user"]
    first, _, mp3 = files
    assert first.filename.endswith("01 - First Song.flac")
    assert (first.size, first.bit_depth, first.sample_rate, first.length_s) == (
        27345678,
        16,
        44100,
        245,
    )
    assert (first.has_free_slot, first.queue_length, first.upload_speed) == (True, 0, 1843200)
    assert (mp3.extension, mp3.bitrate, mp3.is_vbr, mp3.queue_length) == ("mp3", 320, False, 37)


def test_it_leaves_out_locked_files() -> None:
    files = files_from_responses(SLSKD_EXAMPLE)
    assert not any("secret" in f.filename for f in files)


@pytest.mark.parametrize(
    "responses",
    [
        None,
        {},
        "nope",
        [None, 1, "x", []],
        [{"username": "u"}],
        [{"username": "", "files": []}],
        [{"username": 5, "files": [{"filename": "a.flac", "size": 1}]}],
        [{"username": "u", "files": "a.flac"}],
    ],
)
def test_it_survives_malformed_responses(responses: Any) -> None:
    assert files_from_responses(responses) == []


def test_it_skips_malformed_files_and_keeps_the_good_ones() -> None:
    good = {"filename": "A\\B\\01 - Song.mp3", "size": 5, "bitRate": "320", "length": 200.0}
    broken = [
        None,
        "x",
        {"size": 5},
        {"filename": "", "size": 5},
        {"filename": 7, "size": 5},
        {"filename": "a.mp3"},
        {"filename": "a.mp3", "size": -1},
        {"filename": "a.mp3", "size": True},
        {"filename": "a.mp3", "size": float("nan")},
    ]
    response = {"username": "u", "files": [*broken, good], "hasFreeUploadSlot": "yes"}
    (file,) = files_from_responses([response])
    assert (file.bitrate, file.length_s, file.has_free_slot) == (320, 200, None)


def test_unknown_stream_attributes_become_none() -> None:
    entry = {"filename": "A\\Song.FLAC", "size": 5, "bitRate": 0, "bitDepth": None, "length": -3}
    (file,) = files_from_responses([{"username": "u", "files": [entry]}])
    assert file.extension == "flac"
    assert (file.bitrate, file.bit_depth, file.length_s) == (None, None, None)


# --- the example expectations ----------------------------------------------------------------


def test_a_free_slot_beats_a_long_queue_for_the_same_flac() -> None:
    path = f"{ALBUM}\\02 - Creep.flac"
    busy = audio(path, user="busy", has_free_slot=False, queue_length=250, upload_speed=30_000)
    free = audio(path, user="free", has_free_slot=True, queue_length=0, upload_speed=900_000)
    ranked = rank(CREEP, [busy, free])
    assert [s.file.username for s in ranked] == ["free", "busy"]
    assert all(s.accepted for s in ranked)


def test_flac_beats_an_mp3_128_beside_it() -> None:
    ladder = [*DEFAULT_LADDER, "mp3_128"]  # so both are acceptable and the order is the point
    mp3 = audio(f"{ALBUM}\\02 - Creep.mp3", user="a", bitrate=128)
    flac = audio(f"{ALBUM}\\02 - Creep.flac", user="z", has_free_slot=False, queue_length=40)
    ranked = rank(CREEP, [mp3, flac], MatchContext(ladder=ladder))
    assert [s.quality for s in ranked] == ["flac", "mp3_128"]


def test_mp3_128_is_rejected_by_the_default_ladder() -> None:
    scored = verdict(CREEP, audio(f"{ALBUM}\\02 - Creep.mp3", bitrate=128))
    assert not scored.accepted
    assert scored.rejection_reason == "quality MP3 128 is not allowed by the profile"


@pytest.mark.parametrize(
    ("path", "fields", "reason"),
    [
        (f"{ALBUM}\\02 - Creep (Live).mp3", {}, "version mismatch: 'live' not in wanted title"),
        (
            "@@a\\Radiohead\\Live at Reading 2009\\07 - Creep.flac",
            {},
            "version mismatch: folder 'Live at Reading 2009' is 'live', not in wanted title",
        ),
        (
            "@@a\\Radiohead\\Singles\\Creep (DJ Foo Remix).mp3",
            {},
            "version mismatch: 'remix' not in wanted title",
        ),
        (
            "@@a\\Karaoke Hits\\Creep (In the Style of Radiohead) [Karaoke Version].mp3",
            {},
            "version mismatch: 'karaoke' not in wanted title",
        ),
        (f"{ALBUM}\\02 - Creep.mp3", {"length_s": 30}, "length 30 s vs wanted 238 s (±3 s)"),
        ("@@a\\TLC\\CrazySexyCool\\04 - Creep.mp3", {}, "artist 'Radiohead' not found in the path"),
        (
            "@@a\\Stone Temple Pilots\\Core\\08 - Creep.flac",
            {},
            "artist 'Radiohead' not found in the path",
        ),
    ],
)
def test_wrong_versions_and_songs_are_rejected_with_a_clear_reason(
    path: str, fields: dict[str, Any], reason: str
) -> None:
    scored = verdict(CREEP, audio(path, **fields))
    assert not scored.accepted
    assert scored.rejection_reason == reason
    assert scored.score == 0.0


@pytest.mark.parametrize(
    ("stem", "label"),
    [
        ("Creep (Acoustic)", "acoustic"),
        ("Creep (Unplugged)", "unplugged"),
        ("Creep (Bootleg)", "bootleg"),
        ("Creep (Instrumental)", "instrumental"),
        ("Creep [Karaoke]", "karaoke"),
        ("Creep (Radiohead Cover)", "cover"),
        ("Creep (Radio Edit)", "radio edit"),
        ("Creep (Demo)", "demo"),
        ("Creep (Extended Mix)", "extended"),
        ("Creep (Club Mix)", "remix"),
        ("Creep - RMX", "remix"),
        ("Creep (Sped Up)", "sped up"),
        ("Creep (Slowed + Reverb)", "slowed"),
        ("Creep (Nightcore)", "nightcore"),
        ("Creep (8D Audio)", "8D"),
        ("Creep (Live at Glastonbury 1997)", "live"),
        ("Creep - Live", "live"),
        ("Creep (A Cappella)", "a cappella"),
    ],
)
def test_every_version_marker_is_a_mismatch(stem: str, label: str) -> None:
    scored = verdict(CREEP, audio(f"{ALBUM}\\{stem}.mp3"))
    assert scored.rejection_reason == f"version mismatch: {label!r} not in wanted title"


@pytest.mark.parametrize(
    "stem",
    [
        "02 - Creep (Remastered)",
        "02 - Creep (2009 Remaster)",
        "Creep - Remastered 2009",
        "02 - Creep [Explicit]",
        "02 - Creep (Original Mix)",
        "02 - Creep (Album Version)",
    ],
)
def test_a_remaster_or_album_version_is_not_a_mismatch(stem: str) -> None:
    assert accepted(CREEP, f"{ALBUM}\\{stem}.flac")


def test_a_live_take_is_accepted_when_the_wanted_title_says_live() -> None:
    want = Want(artist="Radiohead", title="Creep (Live)", duration_ms=238_000)
    assert accepted(want, "@@a\\Radiohead\\Live at Reading 2009\\07 - Creep.flac")
    assert accepted(want, f"{ALBUM}\\Creep (Live).flac")
    studio = verdict(want, audio(f"{ALBUM}\\02 - Creep.flac"))
    expected = "version mismatch: wanted 'live' but the file is not marked so"
    assert studio.rejection_reason == expected


def test_a_live_album_want_accepts_its_own_live_folder() -> None:
    want = Want(
        artist="Queen", title="Bohemian Rhapsody", album="Live at Wembley '86", duration_ms=360_000
    )
    path = "@@a\\Queen\\Live at Wembley '86 (1992)\\CD1\\05 - Bohemian Rhapsody.flac"
    assert accepted(want, path, length_s=360)


def test_a_marker_that_is_part_of_the_title_is_not_a_mismatch() -> None:
    want = Want(artist="Oasis", title="Live Forever", duration_ms=276_000)
    path = "@@a\\Oasis\\Definitely Maybe\\03 - Live Forever.flac"
    assert accepted(want, path, length_s=276)
    live = verdict(want, audio(path.replace(".flac", " (Live).flac"), length_s=276))
    assert live.rejection_reason == "version mismatch: 'live' not in wanted title"


def test_a_studio_album_with_live_in_its_name_is_not_a_live_folder() -> None:
    want = Want(artist="Hole", title="Doll Parts", duration_ms=212_000)
    assert accepted(want, "@@a\\Hole\\Live Through This\\04 - Doll Parts.flac", length_s=212)


def test_an_artist_called_live_is_not_a_version_marker() -> None:
    want = Want(artist="Live", title="Lightning Crashes", duration_ms=325_000)
    assert accepted(
        want, "@@a\\Live\\Throwing Copper\\07 - Live - Lightning Crashes.flac", length_s=325
    )


# --- artist gate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("artist", "path"),
    [
        ("The Beatles", "@@a\\Beatles, The\\Help!\\13 - Yesterday.flac"),
        ("The Beatles", "@@a\\Beatles\\Help!\\13 - Yesterday.flac"),
        ("Beatles", "@@a\\The Beatles\\Help!\\13 - Yesterday.flac"),
        ("the beatles", "@@a\\THE BEATLES - HELP!\\13 - YESTERDAY.FLAC"),
        ("Simon & Garfunkel", "@@a\\Simon and Garfunkel\\13 - Yesterday.flac"),
        ("Simon and Garfunkel", "@@a\\Simon & Garfunkel\\13 - Yesterday.flac"),
        ("Beyoncé", "@@a\\Beyonce\\13 - Yesterday.flac"),
        ("Beyonce", "@@a\\Beyoncé\\13 - Yesterday.flac"),
        ("Beyoncé & Jay-Z", "@@a\\Beyonce and Jay Z\\13 - Yesterday.flac"),
        ("Björk", "@@a\\BJÖRK\\13 - Yesterday.flac"),
        ("Røyksopp", "@@a\\Royksopp\\13 - Yesterday.flac"),
        ("宇多田ヒカル", "@@a\\宇多田ヒカル\\First Love\\13 - Yesterday.flac"),
        ("Motörhead", "@@a\\Motorhead\\13 - Yesterday.flac"),
        ("AC/DC", "@@a\\ACDC\\13 - Yesterday.flac"),
        ("ACDC", "@@a\\AC-DC\\13 - Yesterday.flac"),
        ("Guns N' Roses", "@@a\\Guns N Roses\\13 - Yesterday.flac"),
        ("Calvin Harris feat. Rihanna", "@@a\\Calvin Harris\\13 - Yesterday.flac"),
        ("Florence + the Machine", "@@a\\Florence and the Machine\\13 - Yesterday.flac"),
        ("Radiohead", "@@a\\Radiohed\\13 - Yesterday.flac"),
        ("Radiohead", "Music/Singles/Radiohead - Yesterday.flac"),
    ],
)
def test_the_artist_is_found_however_the_path_spells_it(artist: str, path: str) -> None:
    want = Want(artist=artist, title="Yesterday", duration_ms=125_000)
    assert verdict(want, audio(path, length_s=125)).accepted


def test_a_short_artist_with_the_is_kept_whole_and_found_library_sorted() -> None:
    want = Want(artist="The Who", title="Yesterday", duration_ms=125_000)
    assert verdict(want, audio("@@a\\Who, The\\13 - Yesterday.flac", length_s=125)).accepted
    assert verdict(want, audio("@@a\\The Who\\13 - Yesterday.flac", length_s=125)).accepted
    other = verdict(want, audio("@@a\\Doctor Who OST\\13 - Yesterday.flac", length_s=125))
    assert other.rejection_reason == "artist 'The Who' not found in the path"


@pytest.mark.parametrize(
    ("artist", "path"),
    [
        ("Prince", "@@a\\Princess Chelsea\\13 - Yesterday.flac"),
        ("Muse", "@@a\\Museum Pieces\\13 - Yesterday.flac"),
        ("Air", "@@a\\Chair Music\\13 - Yesterday.flac"),
        ("The The", "@@a\\The Beatles\\13 - Yesterday.flac"),
    ],
)
def test_an_artist_is_not_found_inside_other_words(artist: str, path: str) -> None:
    want = Want(artist=artist, title="Yesterday", duration_ms=125_000)
    scored = verdict(want, audio(path, length_s=125))
    assert scored.rejection_reason == f"artist {artist!r} not found in the path"


# --- title gate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stem",
    [
        "02 - Creep",
        "02. Creep",
        "02 Creep",
        "A2 Creep",
        "1-02 Creep",
        "Radiohead - Creep",
        "02 - Radiohead - Creep",
        "radiohead_-_creep",
        "Radiohead_Creep",
        "Creep - Radiohead",
        "Radiohead - Pablo Honey - 02 - Creep",
        "CREEP",
        "creep (feat. Nobody)",
        "Creep ft Nobody",
        "Creep Remastered",
        "02 - Creep - 320 kbps",
        "Creep [WEB FLAC]",
    ],
)
def test_the_title_is_found_behind_numbers_and_artist_prefixes(stem: str) -> None:
    assert accepted(CREEP, f"{ALBUM}\\{stem}.flac")


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Yesterday", "Yesterday Once More"),
        ("Love", "Lover"),
        ("Creep", "Creeping Death"),
        ("Song", "Song - Part 2"),
        ("Paranoid Android", "Paranoid"),
    ],
)
def test_a_different_title_is_rejected(title: str, stem: str) -> None:
    want = Want(artist="Radiohead", title=title)
    scored = verdict(want, audio(f"{ALBUM}\\02 - {stem}.flac"))
    assert scored.rejection_reason is not None
    assert scored.rejection_reason.startswith(f"title '02 - {stem}' does not match wanted")


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("1979", "05 - 1979"),
        ("99 Problems", "03 - 99 Problems"),
        ("Don't Stop Me Now", "12 - Dont Stop Me Now"),
        ("Jóga", "02 - Joga"),
        ("Svefn-g-englar", "01 - Svefn g englar"),
        ("This Is What You Came For (feat. Rihanna)", "This Is What You Came For"),
        ("Bohemian Rhapsody - Remastered 2011", "11 - Bohemian Rhapsody"),
        ("Master of Puppets", "Radiohead - Master of Puppets - 02 - Master of Puppets"),
        ("Paranoid Android", "02 - Paranoid Androd"),
    ],
)
def test_titles_match_across_spelling_differences(title: str, stem: str) -> None:
    want = Want(artist="Radiohead", title=title, album="Master of Puppets")
    assert accepted(want, f"{ALBUM}\\{stem}.flac")


def test_a_missing_qualifier_lowers_the_score_but_does_not_reject() -> None:
    want = Want(artist="Taylor Swift", title="All Too Well (Taylor's Version)")
    folder = "@@a\\Taylor Swift\\Red"
    right = audio(f"{folder}\\05 - All Too Well (Taylor's Version).mp3", user="a")
    old = audio(f"{folder}\\05 - All Too Well.flac", user="b")
    ranked = rank(want, [old, right])
    assert [s.file for s in ranked] == [right, old]
    assert ranked[1].accepted
    assert ranked[1].breakdown["title"]["qualifier_coverage"] == 0.0


# --- length, format, users -----------------------------------------------------------------------


def test_length_within_the_tolerance_passes_and_outside_it_fails() -> None:
    path = f"{ALBUM}\\02 - Creep.flac"
    assert verdict(CREEP, audio(path, length_s=241)).accepted
    scored = verdict(CREEP, audio(path, length_s=242))
    assert scored.rejection_reason == "length 242 s vs wanted 238 s (±3 s)"
    wide = MatchContext(length_tolerance_s=5)
    assert verdict(CREEP, audio(path, length_s=242), wide).accepted


def test_a_preview_clip_never_passes_even_without_a_wanted_length() -> None:
    want = Want(artist="Radiohead", title="Creep")
    scored = verdict(want, audio(f"{ALBUM}\\02 - Creep.mp3", length_s=30))
    assert scored.rejection_reason == "length 30 s looks like a preview clip"


def test_an_unknown_length_passes_but_ranks_below_a_known_one() -> None:
    path = f"{ALBUM}\\02 - Creep.flac"
    known = audio(path, user="b", length_s=239)
    unknown = audio(path, user="a", length_s=None)
    ranked = rank(CREEP, [unknown, known])
    assert [s.file for s in ranked] == [known, unknown]
    assert all(s.accepted for s in ranked)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("cover.jpg", "not an audio file (.jpg)"),
        ("Creep.cue", "not an audio file (.cue)"),
        ("Creep", "not an audio file (no extension)"),
        ("02 - Creep.wma", "format .wma is not on any quality ladder"),
    ],
)
def test_files_that_are_not_rankable_audio_are_rejected(name: str, reason: str) -> None:
    scored = verdict(CREEP, audio(f"{ALBUM}\\{name}"))
    assert scored.rejection_reason == reason
    assert scored.breakdown == {"rejected_by": "format"}


def test_the_extension_is_taken_from_the_path_not_the_reported_field() -> None:
    file = SearchFile("u", f"{ALBUM}\\02 - Creep.FLAC", 1, extension="", length_s=238)
    assert verdict(CREEP, file).quality == "flac"


def test_an_unknown_bitrate_mp3_is_accepted_below_a_known_320() -> None:
    path = f"{ALBUM}\\02 - Creep.mp3"
    unknown = audio(path, user="a", bitrate=None)
    known = audio(path, user="b", bitrate=320)
    ranked = rank(CREEP, [unknown, known])
    assert [s.quality for s in ranked] == ["mp3_320", "mp3_unknown"]
    assert all(s.accepted for s in ranked)


def test_a_blocked_user_is_rejected() -> None:
    ctx = MatchContext(blocked_users={"leech"})
    scored = verdict(CREEP, audio(f"{ALBUM}\\02 - Creep.flac", user="leech"), ctx)
    assert scored.rejection_reason == "user 'leech' is blocked"


def test_a_file_rejected_before_for_this_want_is_not_offered_again() -> None:
    path = f"{ALBUM}\\02 - Creep.flac"
    ctx = MatchContext(rejected={("flacfan", path)})
    scored = verdict(CREEP, audio(path), ctx)
    assert scored.rejection_reason == "this file was rejected before for this want"
    assert verdict(CREEP, audio(path, user="other"), ctx).accepted


def test_our_failures_with_a_peer_rank_it_below_an_unknown_peer() -> None:
    path = f"{ALBUM}\\02 - Creep.flac"
    ctx = MatchContext(peer_history={"flaky": (0, 3), "solid": (5, 0)})
    files = [audio(path, user="flaky"), audio(path, user="fresh"), audio(path, user="solid")]
    assert [s.file.username for s in rank(CREEP, files, ctx)] == ["solid", "fresh", "flaky"]


# --- ordering ----------------------------------------------------------------------------------


def test_two_correct_files_are_ordered_by_the_ladder() -> None:
    names = {
        "flac_24": audio(f"{ALBUM}\\02 - Creep.flac", user="a", bit_depth=24, sample_rate=96000),
        "flac": audio(f"{ALBUM}\\02 - Creep.flac", user="b"),
        "mp3_320": audio(f"{ALBUM}\\02 - Creep.mp3", user="c", bitrate=320),
        "mp3_v0": audio(f"{ALBUM}\\02 - Creep.mp3", user="d", bitrate=245, is_vbr=True),
        "aac_256": audio(f"{ALBUM}\\02 - Creep.m4a", user="e", bitrate=256),
        "mp3_256": audio(f"{ALBUM}\\02 - Creep.mp3", user="f", bitrate=256),
    }
    # Give worse qualities better peers: quality must still win.
    files = [
        replace(f, has_free_slot=i > 0, queue_length=100 - 20 * i, upload_speed=10_000 * 10**i)
        for i, f in enumerate(names.values())
    ]
    assert [s.quality for s in rank(CREEP, files[::-1])] == list(names)


def test_a_materially_worse_title_loses_even_to_a_much_lower_quality() -> None:
    want = Want(artist="Radiohead", title="Paranoid Android", duration_ms=383_000)
    near = audio(f"{ALBUM}\\02 - The Paranoid Android.flac", length_s=383, user="a")
    exact = audio(f"{ALBUM}\\02 - Paranoid Android.mp3", length_s=383, user="b", bitrate=256)
    ranked = rank(want, [near, exact])
    assert ranked[0].file is exact
    assert ranked[1].accepted  # 89 %: close enough to accept, not to win


def test_a_spelling_difference_does_not_beat_quality() -> None:
    want = Want(artist="Radiohead", title="Paranoid Android", duration_ms=383_000)
    typo = audio(f"{ALBUM}\\02 - Paranoid Androids.flac", length_s=383, user="a")
    exact = audio(f"{ALBUM}\\02 - Paranoid Android.mp3", length_s=383, user="b", bitrate=256)
    assert rank(want, [exact, typo])[0].file is typo


def test_the_wanted_album_beats_a_compilation_at_equal_quality() -> None:
    compilation = audio("@@a\\Radiohead\\The Best Of\\01 - Creep.flac", user="a")
    original = audio(f"{ALBUM}\\02 - Creep.flac", user="b")
    assert rank(CREEP, [compilation, original])[0].file is original


def test_accepted_files_come_first_then_the_rejected() -> None:
    files = [
        audio(f"{ALBUM}\\cover.jpg", user="a"),
        audio(f"{ALBUM}\\02 - Creep.mp3", user="b"),
        audio("@@a\\TLC\\04 - Creep.flac", user="c"),
        audio(f"{ALBUM}\\02 - Creep.flac", user="d"),
    ]
    ranked = rank(CREEP, files)
    assert [s.accepted for s in ranked] == [True, True, False, False]
    assert [s.file.username for s in ranked] == ["d", "b", "a", "c"]


def test_equal_candidates_rank_the_same_way_every_time() -> None:
    files = [audio(f"{ALBUM}\\02 - Creep.flac", user=u) for u in ("c", "a", "b")]
    assert [s.file.username for s in rank(CREEP, files)] == ["a", "b", "c"]
    assert [s.file.username for s in rank(CREEP, files[::-1])] == ["a", "b", "c"]


def test_best_returns_the_top_candidate_or_none() -> None:
    good = audio(f"{ALBUM}\\02 - Creep.flac")
    assert best(CREEP, [audio(f"{ALBUM}\\cover.jpg"), good]).file is good  # type: ignore[union-attr]
    assert best(CREEP, [audio(f"{ALBUM}\\cover.jpg")]) is None
    assert best(CREEP, []) is None


def test_without_a_wanted_length_the_length_component_is_neutral() -> None:
    want = Want(artist="Radiohead", title="Creep")
    scored = verdict(want, audio(f"{ALBUM}\\02 - Creep.flac", length_s=None))
    assert scored.accepted
    assert scored.breakdown["length"]["value"] is None
    assert scored.breakdown["length"]["points"] == 0.0


def test_ranking_leaves_the_garbage_collector_as_it_found_it() -> None:
    files = [audio(f"{ALBUM}\\02 - Creep.flac")]
    rank(CREEP, files)
    assert gc.isenabled()
    gc.disable()
    try:
        rank(CREEP, files)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_slash_separated_paths_work_too() -> None:
    assert accepted(CREEP, "Music/Radiohead/Pablo Honey/02 - Creep.flac")


def test_the_breakdown_explains_the_score_and_is_json_ready() -> None:
    scored = verdict(CREEP, audio(f"{ALBUM}\\02 - Creep.flac"))
    breakdown = scored.breakdown
    json.dumps(breakdown)
    assert set(breakdown) == {"title", "artist", "album", "length", "quality", "peer", "history"}
    assert all({"value", "weight", "points"} <= set(part) for part in breakdown.values())
    assert sum(part["points"] for part in breakdown.values()) == pytest.approx(scored.score, 1e-3)
    assert breakdown["quality"]["key"] == "flac"
    assert breakdown["length"]["delta_s"] == 0


# --- albums --------------------------------------------------------------------------------------

PABLO = Want(
    artist="Radiohead", title="Pablo Honey", album="Pablo Honey", kind="album", track_count=3
)
TRACKS = ["01 - You", "02 - Creep", "03 - How Do You"]


def folder_files(
    folder: str, user: str, ext: str = "flac", extras: tuple[str, ...] = (), **fields: Any
) -> list[SearchFile]:
    files = [audio(f"{folder}\\{t}.{ext}", user=user, **fields) for t in TRACKS]
    return files + [audio(f"{folder}\\{name}", user=user) for name in extras]


def test_files_are_grouped_by_user_and_folder_with_disc_folders_folded_in() -> None:
    files = [
        audio("@@a\\Radiohead\\OK Computer\\CD1\\01 - Airbag.flac", user="u"),
        audio("@@a\\Radiohead\\OK Computer\\CD2\\01 - Lull.flac", user="u"),
        audio("@@a\\Radiohead\\OK Computer\\Artwork\\front.jpg", user="u"),
        audio("@@a\\Radiohead\\OK Computer\\CD1\\01 - Airbag.flac", user="v"),
        audio("@@a\\Radiohead\\Kid A\\01 - Everything.flac", user="u"),
    ]
    folders = group_album_folders(files)
    assert [(f.username, f.path, len(f.files)) for f in folders] == [
        ("u", "@@a\\Radiohead\\OK Computer", 3),
        ("v", "@@a\\Radiohead\\OK Computer", 1),
        ("u", "@@a\\Radiohead\\Kid A", 1),
    ]


def test_a_folder_with_the_right_tracks_is_accepted_and_sidecars_are_not_counted() -> None:
    files = folder_files(ALBUM, "u", extras=("folder.jpg", "Pablo Honey.cue", "rip.log", "a.nfo"))
    (scored,) = rank_album_folders(PABLO, group_album_folders(files))
    assert scored.accepted, scored.rejection_reason
    assert scored.quality == "flac"
    assert scored.breakdown["tracks"]["audio_files"] == 3
    assert scored.breakdown["tracks"]["sidecars"] == 4
    json.dumps(scored.breakdown)


def test_a_folder_with_the_wrong_track_count_is_rejected() -> None:
    files = folder_files(ALBUM, "u")[:2]
    (scored,) = rank_album_folders(PABLO, group_album_folders(files))
    assert scored.rejection_reason == "2 audio files, wanted 3 tracks"


def test_bonus_tracks_are_allowed_only_when_the_context_says_so() -> None:
    files = [*folder_files(ALBUM, "u"), audio(f"{ALBUM}\\04 - Creep (Acoustic).flac", user="u")]
    folders = group_album_folders(files)
    assert not rank_album_folders(PABLO, folders)[0].accepted
    assert rank_album_folders(PABLO, folders, MatchContext(extra_album_tracks=1))[0].accepted


def test_a_folder_with_a_disallowed_file_is_rejected() -> None:
    files = folder_files(ALBUM, "u")
    files[1] = audio(f"{ALBUM}\\02 - Creep.mp3", user="u", bitrate=128)
    (scored,) = rank_album_folders(PABLO, group_album_folders(files))
    assert scored.rejection_reason == "1 of 3 audio files are not allowed by the profile (MP3 128)"


def test_folders_are_ranked_by_their_worst_file() -> None:
    mixed = folder_files("@@m\\Radiohead\\Pablo Honey", "mixed")
    mixed[2] = audio("@@m\\Radiohead\\Pablo Honey\\03 - How Do You.mp3", user="mixed")
    lossless = folder_files("@@l\\Radiohead\\Pablo Honey", "lossless", has_free_slot=False)
    ranked = rank_album_folders(PABLO, group_album_folders(mixed + lossless))
    assert [(s.folder.username, s.quality) for s in ranked] == [
        ("lossless", "flac"),
        ("mixed", "mp3_320"),
    ]


def test_a_folder_of_another_album_or_artist_is_rejected() -> None:
    other_album = folder_files("@@a\\Radiohead\\The Bends", "a")
    other_artist = folder_files("@@b\\Muse\\Pablo Honey", "b")
    live = folder_files("@@c\\Radiohead\\Pablo Honey Live in Paris", "c")
    ranked = rank_album_folders(PABLO, group_album_folders(other_album + other_artist + live))
    reasons = {s.folder.username: s.rejection_reason for s in ranked}
    assert reasons["a"] == "folder 'The Bends' does not match wanted album 'Pablo Honey'"
    assert reasons["b"] == "artist 'Radiohead' not found in the folder path"
    assert reasons["c"] == (
        "version mismatch: folder 'Pablo Honey Live in Paris' is 'live', not in wanted album"
    )


def test_the_artist_may_be_in_the_file_names_instead_of_the_folder() -> None:
    files = [audio(f"@@a\\Pablo Honey (1993)\\{t[:5]}Radiohead - {t[5:]}.flac") for t in TRACKS]
    (scored,) = rank_album_folders(PABLO, group_album_folders(files))
    assert scored.accepted, scored.rejection_reason


def test_the_wanted_year_prefers_the_matching_release() -> None:
    want = replace(PABLO, year=1993)
    reissue = folder_files("@@r\\Radiohead\\Pablo Honey (2009)", "a")
    original = folder_files("@@o\\Radiohead\\Pablo Honey (1993)", "b")
    ranked = rank_album_folders(want, group_album_folders(reissue + original))
    assert [s.folder.username for s in ranked] == ["b", "a"]
    assert ranked[0].breakdown["year"]["value"] == 1.0


def test_peers_order_equal_folders() -> None:
    slow = folder_files("@@s\\Radiohead\\Pablo Honey", "slow", has_free_slot=False, queue_length=90)
    fast = folder_files("@@f\\Radiohead\\Pablo Honey", "fast")
    ranked = rank_album_folders(PABLO, group_album_folders(slow + fast))
    assert [s.folder.username for s in ranked] == ["fast", "slow"]


def test_a_blocked_or_rejected_folder_is_not_offered() -> None:
    folders = group_album_folders(folder_files(ALBUM, "u"))
    blocked = rank_album_folders(PABLO, folders, MatchContext(blocked_users={"u"}))
    assert blocked[0].rejection_reason == "user 'u' is blocked"
    rejected = rank_album_folders(PABLO, folders, MatchContext(rejected={("u", ALBUM)}))
    assert rejected[0].rejection_reason == "this folder was rejected before for this want"


def test_it_finds_one_track_in_a_folder_for_failover() -> None:
    (folder,) = group_album_folders(folder_files(ALBUM, "u", extras=("cover.jpg",)))
    found = match_track_in_folder(CREEP, folder)
    assert found is not None and found.filename.endswith("02 - Creep.flac")
    missing = Want(artist="Radiohead", title="Stop Whispering", duration_ms=326_000)
    assert match_track_in_folder(missing, folder) is None


def test_files_with_a_nul_in_their_name_are_never_candidates() -> None:
    responses = [
        {"username": "u", "files": [{"filename": "Music\\A\x00\\01 - B.flac", "size": 10}]},
        {"username": "v\x00", "files": [{"filename": "Music\\A\\01 - B.flac", "size": 10}]},
        {"username": "w", "files": [{"filename": "Music\\A\\01 - B.flac", "size": 10}]},
    ]
    assert [f.username for f in files_from_responses(responses)] == ["w"]
