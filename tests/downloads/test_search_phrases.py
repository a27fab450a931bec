"""Search phrases built for a want."""

from __future__ import annotations

from downloads.matching import Want
from downloads.search_phrases import build_queries, clean_query


def test_the_first_query_is_artist_and_title() -> None:
    queries = build_queries(Want(artist="Radiohead", title="Creep"))
    assert queries == ["radiohead creep"]


def test_it_falls_back_to_a_query_without_diacritics() -> None:
    queries = build_queries(Want(artist="Sigur Rós", title="Hoppípolla"))
    assert queries == ["sigur rós hoppípolla", "sigur ros hoppipolla"]


def test_it_falls_back_to_a_query_without_feat_and_brackets() -> None:
    want = Want(artist="Calvin Harris feat. Rihanna", title="This Is What You Came For (Edit)")
    queries = build_queries(want)
    assert queries[0].startswith("calvin harris feat rihanna this is what you came for")
    assert queries[-1] == "calvin harris this is what you came for"


def test_it_drops_dash_suffixes_in_the_fallback() -> None:
    queries = build_queries(Want(artist="Queen", title="Bohemian Rhapsody - Remastered 2011"))
    assert queries == ["queen bohemian rhapsody remastered 2011", "queen bohemian rhapsody"]


def test_album_wants_search_for_artist_and_album() -> None:
    want = Want(artist="AC/DC", title="Back in Black", album="Back in Black", kind="album")
    assert build_queries(want) == ["ac dc back in black"]


def test_album_wants_without_an_album_field_use_the_title() -> None:
    want = Want(artist="Björk", title="Homogenic", kind="album")
    assert build_queries(want) == ["björk homogenic", "bjork homogenic"]


def test_it_never_returns_duplicates() -> None:
    queries = build_queries(Want(artist="Weezer", title="Weezer"))
    assert queries == ["weezer"]
    assert len(set(queries)) == len(queries)


def test_it_drops_characters_soulseek_chokes_on() -> None:
    query = clean_query('-Bad- "Title" (Live)! [x] & *wild* / ? : Pt.2')
    assert query == "bad title live wild pt"
    assert not any(c in query for c in '-"()[]&*/?:!.')


def test_it_drops_one_character_terms() -> None:
    assert clean_query("Guns N' Roses - Sweet Child O' Mine") == "guns roses sweet child mine"


def test_apostrophes_split_words_like_sharing_clients_index_them() -> None:
    assert clean_query("Don't Stop Me Now") == "don stop me now"


def test_non_latin_scripts_are_kept() -> None:
    want = Want(artist="宇多田ヒカル", title="First Love")
    assert build_queries(want) == ["宇多田ヒカル first love"]


def test_a_want_of_nothing_but_symbols_gives_no_query() -> None:
    assert build_queries(Want(artist="!!!", title="?")) == []
