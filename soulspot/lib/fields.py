"""Model fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import models


class NameField(models.CharField):
    """A name or title from the outside world (tags, peers, APIs), stored without NUL bytes.

    PostgreSQL refuses NUL in text while SQLite keeps it; hostile tags carry them. Dropping
    them here, at the one place every write passes (save, update, bulk_create), keeps both
    databases alike.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return value.replace("\x00", "") if isinstance(value, str) else value


@NameField.register_lookup
class SameName(models.Lookup):
    """`name__same="the xx"`: equal ignoring case, as `UPPER(name) = UPPER('the xx')`.

    Unlike `iexact` (a LIKE on SQLite, which no index serves), this uses the index on
    UPPER(name) that the catalogue tables have, so finding an artist or a track by name stays
    fast as the library grows. Both sides are upper-cased by the database, so they agree on
    which letters have a case (SQLite: ASCII only, like its LIKE).
    """

    lookup_name = "same"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"UPPER({lhs}) = UPPER({rhs})", [*lhs_params, *rhs_params]
