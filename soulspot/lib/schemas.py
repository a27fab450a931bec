"""Shapes every API router shares: the error answer and the bounded input types.

Every refusal is a 4xx answer with `{"detail": "why"}` (`ErrorOut`), made in one place: the
handler `soulspot/api.py` registers for `soulspot.lib.errors.SoulSpotError` (ninja answers
404 `{"detail": "Not Found"}` for `get_object_or_404` alike). An endpoint documents the statuses
it may answer with `errors(...)`; a refusal that carries more (the running scan's id) documents
a subclass of `ErrorOut`.

Every string, list and number a client sends has a maximum, defined here once and reused by
every schema, query and path parameter, so the OpenAPI document (`maxLength`, `maximum`,
`maxItems`) is the documentation of the limits and a violation is a 422 naming the field
before any query runs. Text never carries NUL: PostgreSQL refuses it in text columns and in
query parameters while SQLite keeps it, so it is refused here, for both databases alike.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field

# The largest primary key SQLite and PostgreSQL store; a larger id is refused with 422.
MAX_ID = 2**63 - 1
# Titles, artist and album names, free-text search, reasons: far beyond any real one.
MAX_TEXT = 500
# What Linux allows for a whole path (PATH_MAX).
MAX_PATH = 4096
# Ids or items in one request: enough for any album or page of a list, small enough that one
# request's writes stay short and do not lock the background worker out of the database.
MAX_ITEMS = 500
# Rungs of a quality ladder (there are fewer qualities than this).
MAX_LADDER = 30


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NoNul = AfterValidator(_no_nul)

# A title, a name, a reason, a search: at most 500 characters, no NUL.
Text = Annotated[str, Field(max_length=MAX_TEXT), NoNul]
# A filesystem path: at most 4,096 characters, no NUL.
PathText = Annotated[str, Field(max_length=MAX_PATH), NoNul]
# A primary key: 1 to 2**63-1, what both databases store.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    detail: str


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses of an endpoint for its OpenAPI docs: `{**errors(404, 409)}`."""
    return dict.fromkeys(statuses, ErrorOut)
