"""The one pagination every list endpoint of the API uses: `limit`/`offset`, `{items, count}`.

`limit` defaults to 50 and may be at most 500 (`MAX_LIMIT`); a larger, zero or negative
`limit`, or an `offset` below 0 or above `MAX_OFFSET`, is refused with 422 before any query
runs, so no number a client sends can reach the database as an overflow.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Far beyond any library, far below the 64-bit integers SQLite and PostgreSQL accept.
MAX_OFFSET = 1_000_000_000


class Page(LimitOffsetPagination):
    """`?limit=50&offset=0` (limit at most 500); answers `{"items": [...], "count": total}`."""

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page, 1 to {MAX_LIMIT}."
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
