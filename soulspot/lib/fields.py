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
