"""Reading numbers, id lists and text from a page's query string or form, safely.

The HTML pages read a few values straight from `request.GET`/`request.POST`. A number a client
types or forges (30 nines, a page past 2**62, -5, "abc") must never reach the database as an
overflow nor end in a 500: a malformed or out-of-range number falls back to the default, an id
list keeps only the valid ids (at most `MAX_ITEMS` of them), and text longer than its maximum
or carrying NUL is refused with a `BadParameter` naming the field, which the page shows.
"""

from __future__ import annotations

import re

from django.http import QueryDict

from soulspot.lib.errors import Invalid
from soulspot.lib.schemas import MAX_ID, MAX_ITEMS, MAX_TEXT

_INTEGER = re.compile(r"-?[0-9]{1,19}")


class BadParameter(Invalid):
    """A form or query value the page refuses; the message names the field."""


def int_param(
    data: QueryDict,
    name: str,
    default: int | None = None,
    *,
    minimum: int = 1,
    maximum: int = MAX_ID,
) -> int | None:
    """`data[name]` as an int in minimum..maximum; missing, malformed or out of range: default."""
    number = _to_int(data.get(name, ""))
    if number is None or not minimum <= number <= maximum:
        return default
    return number


def id_list(data: QueryDict, name: str, limit: int = MAX_ITEMS) -> list[int]:
    """The valid ids (1..2**63-1) among `data.getlist(name)`, at most `limit` of them."""
    ids = [_to_int(value) for value in data.getlist(name)]
    return [pk for pk in ids if pk is not None and 1 <= pk <= MAX_ID][:limit]


def text_param(data: QueryDict, name: str, max_length: int = MAX_TEXT) -> str:
    """`data[name]` stripped; longer than `max_length` or with NUL is a `BadParameter`."""
    text = data.get(name, "").strip()
    if len(text) > max_length:
        raise BadParameter(f"{name} is longer than {max_length} characters")
    if "\x00" in text:
        raise BadParameter(f"{name} must not contain NUL characters")
    return text


def _to_int(text: str) -> int | None:
    # At most 19 ASCII digits (2**63 has 19): a 1 MB string of digits is never converted.
    match = _INTEGER.fullmatch(text.strip())
    return int(match[0]) if match else None
