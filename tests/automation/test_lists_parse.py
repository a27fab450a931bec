"""Reading lists: Exportify, generic CSVs in their variants, pasted lines, rejections, limits."""

from __future__ import annotations

import os

import pytest

from automation.lists.parse import MAX_ROWS, ListError, ListTooLarge, parse_list
from tests.automation.lists_support import (
    EXPORTIFY_HEADER,
    exportify_50_with_2_bad,
    exportify_csv,
    exportify_row,
)

# --- Exportify ----------------------------------------------------------------------------------


def test_an_exportify_row_gives_every_fact_the_export_has() -> None:
    row = exportify_row(
        7,
        **{
            "Artist Name(s)": "Daft Punk, Pharrell Williams, Nile Rodgers",
            "Artist URI(s)": "spotify:artist:4tZwfgrHOc3mvqYlEYSvVi,spotify:artist:"
            "2RdwBSPQiwcmiDo9kixcl8,spotify:artist:3yDIp0kaq9EFKe07X1X2rz",
            "Album Artist Name(s)": "Daft Punk",
            "Album Release Date": "2013-05-17",
            "Disc Number": "1",
            "Track Number": "8",
        },
    )

    parsed = parse_list(exportify_csv([row]))

    assert parsed.kind == "exportify"
    assert parsed.rejected == []
    [only] = parsed.rows
    facts = only.facts
    assert only.line == 2
    assert (facts.artist, facts.title, facts.album) == ("Daft Punk", "Song 7", "Album 7")
    assert facts.artist_credit == "Daft Punk, Pharrell Williams, Nile Rodgers"
    assert facts.album_artist == "Daft Punk"
    assert facts.spotify_id == "tr00000000000000000007"
    assert facts.artist_spotify_id == "4tZwfgrHOc3mvqYlEYSvVi"
    assert facts.album_spotify_id == "al00000000000000000007"
    assert (facts.year, facts.disc_number, facts.track_number) == (2013, 1, 8)
    assert facts.duration_ms == 200_007
    assert facts.isrc == "GBAYE0000007"


def test_one_artist_uri_keeps_a_name_with_a_comma_whole() -> None:
    row = exportify_row(1, **{"Artist Name(s)": "Tyler, The Creator"})

    [only] = parse_list(exportify_csv([row])).rows

    assert only.facts.artist == "Tyler, The Creator"


def test_newer_exports_in_another_order_with_extra_columns_are_read_by_name() -> None:
    header = [
        "Track Name",
        "Album Name",
        "Artist Name(s)",
        "Release Date",
        "Duration (ms)",
        "Genres",
        "Danceability",
        "Track URI",
    ]
    row = {
        "Track Name": "Around the World",
        "Album Name": "Homework",
        "Artist Name(s)": "Daft Punk",
        "Release Date": "1997",
        "Duration (ms)": "429533",
        "Genres": "french house,filter house",
        "Danceability": "0.956",
        "Track URI": "spotify:track:1pKYYY0dkg23sQQXi0Q5zN",
    }

    [only] = parse_list(exportify_csv([row], header)).rows

    assert only.facts.title == "Around the World"
    assert only.facts.artist == "Daft Punk"
    assert (only.facts.year, only.facts.duration_ms) == (1997, 429533)
    assert only.facts.spotify_id == "1pKYYY0dkg23sQQXi0Q5zN"


def test_a_local_file_in_a_playlist_has_names_but_no_spotify_id() -> None:
    uri = "spotify:local:Someone:Demo:Untitled:180"
    [only] = parse_list(exportify_csv([exportify_row(1, **{"Track URI": uri})])).rows

    assert only.facts.spotify_id == ""
    assert only.facts.title == "Song 1"


def test_the_acceptance_list_understands_48_and_rejects_2_with_line_and_reason() -> None:
    parsed = parse_list(exportify_50_with_2_bad())

    assert len(parsed.rows) == 48
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (11, "no title"),
        (31, "ISRC is malformed"),
    ]
    assert parsed.rejected[1].text.startswith("spotify:track:tr00000000000000000030,Song 30,")


# --- generic CSV --------------------------------------------------------------------------------


def _facts(data: bytes | str) -> list[tuple]:
    parsed = parse_list(data)
    assert parsed.kind == "csv"
    assert parsed.rejected == []
    return [
        (r.facts.artist, r.facts.title, r.facts.album, r.facts.duration_ms) for r in parsed.rows
    ]


def test_columns_are_found_by_name_in_any_order_and_case() -> None:
    data = "Song,ALBUM,Artist Name\nOne More Time,Discovery,Daft Punk\n"

    assert _facts(data) == [("Daft Punk", "One More Time", "Discovery", None)]


def test_a_semicolon_list_with_a_bom_and_crlf_is_read() -> None:
    data = "\ufeffartist;title;album\r\nDaft Punk;Digital Love;Discovery\r\n".encode()

    assert _facts(data) == [("Daft Punk", "Digital Love", "Discovery", None)]


def test_a_tab_separated_list_is_read() -> None:
    data = "title\tartist\nVeridis Quo\tDaft Punk\n"

    assert _facts(data) == [("Daft Punk", "Veridis Quo", "", None)]


def test_quoted_fields_keep_their_commas_and_newlines() -> None:
    data = (
        "artist,title,album\n"
        '"Crosby, Stills & Nash","Suite: Judy, Blue Eyes","Crosby,\nStills & Nash"\n'
        "A,B,C\n"
    )

    parsed = parse_list(data)

    assert [r.facts.artist for r in parsed.rows] == ["Crosby, Stills & Nash", "A"]
    assert parsed.rows[0].facts.album == "Crosby,\nStills & Nash"
    assert [r.line for r in parsed.rows] == [2, 4]


@pytest.mark.parametrize(
    ("column", "value", "ms"),
    [
        ("duration", "3:45", 225_000),
        ("length", "225", 225_000),
        ("duration_ms", "225000", 225_000),
        ("time", "1:02:03", 3_723_000),
        ("Duration", "225.5", 225_500),
    ],
)
def test_durations_in_three_forms(column: str, value: str, ms: int) -> None:
    assert _facts(f"artist,title,{column}\nA,B,{value}\n") == [("A", "B", "", ms)]


def test_rows_that_are_not_tracks_are_rejected_with_the_reason() -> None:
    data = (
        "artist,title,duration,isrc\n"
        "A,,,\n"
        ",B,,\n"
        "A,B,three minutes,\n"
        "A,B,,XX-123\n"
        "A,B,3:00,us-rc1-76-07839\n"
    )

    parsed = parse_list(data)

    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (2, "no title"),
        (3, "no artist"),
        (4, "duration is not a number"),
        (5, "ISRC is malformed"),
    ]
    assert [(r.line, r.facts.isrc) for r in parsed.rows] == [(6, "USRC17607839")]
    assert parsed.rejected[2].text == "A,B,three minutes,"


def test_a_windows_1252_file_is_read() -> None:
    data = "artist,title\nBjörk,Jóga\n".encode("cp1252")

    [only] = parse_list(data).rows

    assert (only.facts.artist, only.facts.title) == ("Björk", "Jóga")


# --- pasted lines -------------------------------------------------------------------------------


def test_pasted_lines_with_dashes_comments_and_blanks() -> None:
    text = (
        "# my mix\n\nDaft Punk - One More Time\nSigur Rós – Hoppípolla\n"
        "Aphex Twin — Xtal\nno separator here\n - Nameless\n"
    )

    parsed = parse_list(text)

    assert parsed.kind == "lines"
    assert [(r.line, r.facts.artist, r.facts.title) for r in parsed.rows] == [
        (3, "Daft Punk", "One More Time"),
        (4, "Sigur Rós", "Hoppípolla"),
        (5, "Aphex Twin", "Xtal"),
    ]
    assert [(r.line, r.text, r.reason) for r in parsed.rejected] == [
        (6, "no separator here", "no ' - ' between artist and title"),
        (7, "- Nameless", "no ' - ' between artist and title"),
    ]


def test_a_rejected_line_shows_at_most_200_characters() -> None:
    [rejected] = parse_list("x" * 5000).rejected

    assert rejected.text == "x" * 200


def test_a_title_with_a_dash_keeps_it() -> None:
    [only] = parse_list("Blur - Song 2 - Remastered").rows

    assert (only.facts.artist, only.facts.title) == ("Blur", "Song 2 - Remastered")


# --- limits and garbage -------------------------------------------------------------------------


def test_more_than_10000_rows_is_refused() -> None:
    with pytest.raises(ListTooLarge, match="more than 10,000 rows"):
        parse_list("\n".join(f"A - Song {n}" for n in range(MAX_ROWS + 1)))


def test_exactly_10000_rows_is_fine() -> None:
    rows = [exportify_row(n) for n in range(MAX_ROWS)]

    assert len(parse_list(exportify_csv(rows)).rows) == MAX_ROWS


def test_more_than_5_mb_is_refused() -> None:
    with pytest.raises(ListTooLarge, match="larger than 5 MB"):
        parse_list(b"A - B\n" * 1_000_000)


@pytest.mark.parametrize("data", [os.urandom(4096), b"\x00\x01\x02PK\x03\x04" * 100])
def test_binary_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(ListError, match=r"not a text list|neither UTF-8"):
        parse_list(data)


def test_the_exportify_header_alone_is_an_empty_list() -> None:
    parsed = parse_list(",".join(EXPORTIFY_HEADER) + "\n")

    assert (parsed.kind, parsed.rows, parsed.rejected) == ("exportify", [], [])


def test_a_line_longer_than_csvs_field_limit_is_a_rejected_line() -> None:
    [rejected] = parse_list("x" * 1_048_578).rejected

    assert rejected.reason == "no ' - ' between artist and title"


def test_a_csv_cell_longer_than_csvs_field_limit_is_refused_saying_where() -> None:
    with pytest.raises(ListError, match="cannot be read after line 2: field larger"):
        parse_list("artist,title\nA,B\nA," + "x" * 200_000 + "\n")


def test_the_fork_that_exports_bare_spotify_ids_is_read_as_exportify() -> None:
    header = ["Spotify ID", "Artist IDs", "Track Name", "Album Name", "Artist Name(s)"]
    row = {
        "Spotify ID": "1pKYYY0dkg23sQQXi0Q5zN",
        "Artist IDs": "4tZwfgrHOc3mvqYlEYSvVi",
        "Track Name": "Around the World",
        "Album Name": "Homework",
        "Artist Name(s)": "Daft Punk",
    }

    parsed = parse_list(exportify_csv([row], header))

    assert parsed.kind == "exportify"
    [only] = parsed.rows
    assert (only.facts.spotify_id, only.facts.artist_spotify_id) == (
        "1pKYYY0dkg23sQQXi0Q5zN",
        "4tZwfgrHOc3mvqYlEYSvVi",
    )
