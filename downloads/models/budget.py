"""The search budget's window, kept in the database so every process on every host shares it."""

from __future__ import annotations

from django.db import models


class SearchBudgetWindow(models.Model):
    """The start times of the recent searches, shared by every SoulSpot process (a single row).

    The Soulseek server bans clients that search too often; web and workers, possibly on
    several hosts, spend from this one window. `downloads.search_budget.DatabaseBudgetStore`
    is the only code that writes it, always under a row lock (SELECT … FOR UPDATE on
    PostgreSQL, the IMMEDIATE write lock on SQLite).
    """

    # Unix times (seconds) of the searches started inside the current window.
    stamps = models.JSONField(default=list)

    class Meta:
        verbose_name = "search budget window"

    def __str__(self) -> str:
        return f"search budget window ({len(self.stamps or [])} recent searches)"
