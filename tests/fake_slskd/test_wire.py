"""JSON formatting helpers that make the fake look like ASP.NET (spec §1)."""

from __future__ import annotations

import re

from fakes.slskd.remote import SearchQuery, directory_name
from fakes.slskd.wire import compact, datetime_text, number, timespan_text, utc_ticks


def test_datetimes_have_seven_fractional_digits_and_z_only_when_asked() -> None:
    ns = 1_762_031_900_999_970_800
    assert datetime_text(ns, z=True) == "2025-11-01T21:18:20.9999708Z"
    assert datetime_text(ns, z=False) == "2025-11-01T21:18:20.9999708"
    assert datetime_text(None, z=True) is None


def test_timespans_use_the_dotnet_c_format() -> None:
    assert timespan_text(5.5) == "00:00:05.5000000"
    assert timespan_text(0) == "00:00:00"
    assert timespan_text(93784) == "1.02:03:04"
    assert re.fullmatch(r"\d{2}:\d{2}:\d{2}\.\d{7}", timespan_text(0.1234567) or "")


def test_whole_doubles_are_written_without_a_fraction_and_nulls_are_dropped() -> None:
    assert number(100.0) == 100
    assert isinstance(number(100.0), int)
    assert number(12.5) == 12.5
    assert compact({"a": 1, "b": None, "c": False}) == {"a": 1, "c": False}


def test_ticks_are_dotnet_ticks() -> None:
    assert utc_ticks(0) == 621_355_968_000_000_000
    assert len(str(utc_ticks())) == 18


def test_search_query_semantics() -> None:
    query = SearchQuery("Some  ALBUM a -live -x")
    assert query.include == ["some", "album"]
    assert query.exclude == ["live"]
    assert query.matches("@@x\\Music\\Some Artist\\Some Album (2001)\\01.flac")
    assert not query.matches("Music\\Some Album (Live)\\01.flac")
    assert not query.matches("Music\\Other Album\\01.flac")
    assert not SearchQuery("-live a").usable


def test_directory_name_guesses_the_separator() -> None:
    assert directory_name("@@x\\Music\\Album\\01.flac") == "@@x\\Music\\Album"
    assert directory_name("/home/ana/Album/01.flac") == "/home/ana/Album"
    assert directory_name("01.flac") == ""
