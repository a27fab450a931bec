"""The search budget's store in the database: one window for every process and every host.

`downloads.slskd.budget.SearchBudget` decides; this store only keeps its timestamps. A file
lock under DATA_DIR (the old `FileBudgetStore`) holds on one machine only: a worker on another
host has its own DATA_DIR and would spend a budget of its own. Here each read-modify-write runs
in a transaction holding the window's row lock, so two claimants never both see a free place:
PostgreSQL waits on SELECT … FOR UPDATE, SQLite's IMMEDIATE transactions take the write lock at
BEGIN.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from downloads.models import SearchBudgetWindow
from downloads.slskd.budget import T, Update


class DatabaseBudgetStore:
    """Timestamps in the `SearchBudgetWindow` row, updated under its row lock."""

    def update(self, fn: Update[T]) -> T:
        """Call `fn(stamps)` while holding the row lock; store what it returns."""
        _ensure_row()
        with transaction.atomic():
            row = SearchBudgetWindow.objects.select_for_update().get(pk=1)
            stamps, result = fn(_numbers(row.stamps))
            if stamps != row.stamps:
                row.stamps = stamps
                row.save(update_fields=["stamps"])
        return result


def _ensure_row() -> None:
    if SearchBudgetWindow.objects.filter(pk=1).exists():
        return
    try:
        with transaction.atomic():
            SearchBudgetWindow.objects.create(pk=1)
    except IntegrityError:
        pass  # another process created it first: that is all we wanted


def _numbers(data: object) -> list[float]:
    # Someone edited the row by hand: dropping bad entries is safer than refusing all searches.
    if not isinstance(data, list):
        return []
    return [float(x) for x in data if isinstance(x, int | float) and not isinstance(x, bool)]
