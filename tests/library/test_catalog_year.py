"""One rule for the year a source's date gives (Spotify's release dates, lists' columns)."""

from __future__ import annotations

import pytest

from library.catalog import year_of


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("1987-11-12", 1987),
        ("1987-11", 1987),
        ("1987", 1987),
        (" 2001 ", 2001),
        ("", None),
        ("0000", None),
        ("0999-01-01", None),
        ("3001", None),
        ("87", None),
        ("Nov 1987", None),
    ],
)
def test_year_of(text: str, year: int | None) -> None:
    assert year_of(text) == year
