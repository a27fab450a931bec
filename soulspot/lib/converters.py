"""URL converters shared by the apps' urls.py."""

from __future__ import annotations

from soulspot.lib.schemas import MAX_ID


class IdConverter:
    """`<id:name>`: a primary key, 1 to 2**63-1. A larger number does not match the URL (404)
    instead of reaching the database as an overflow (Django's `<int:>` takes any digits)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(f"{value} is not an id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)
