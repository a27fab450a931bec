"""Shapes every API router shares: the error answer and bounded ids.

Every refusal is a 4xx answer with `{"detail": "why"}` (`ErrorOut`), made in one place: the
handler `soulspot/api.py` registers for `soulspot.lib.errors.SoulSpotError` (ninja answers
404 `{"detail": "Not Found"}` for `get_object_or_404` alike). An endpoint documents the statuses
it may answer with `errors(...)`; a refusal that carries more (the running scan's id) documents
a subclass of `ErrorOut`.
"""

from __future__ import annotations

from ninja import Schema

# The largest primary key SQLite and PostgreSQL store; a larger id is refused with 422.
MAX_ID = 2**63 - 1


class ErrorOut(Schema):
    detail: str


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses of an endpoint for its OpenAPI docs: `{**errors(404, 409)}`."""
    return dict.fromkeys(statuses, ErrorOut)
