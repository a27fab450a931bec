"""The search budget kept in the database: one window for every process, on SQLite and
PostgreSQL alike (run this module under ./.ci/with-postgres too)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from downloads.models import SearchBudgetWindow
from downloads.search_budget import DatabaseBudgetStore
from downloads.slskd import SearchBudget, SearchBudgetExhausted


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.django_db
def test_two_budgets_on_the_database_share_one_window():
    clock = Clock()
    web = SearchBudget(5, 220, DatabaseBudgetStore(), clock=clock)
    worker = SearchBudget(5, 220, DatabaseBudgetStore(), clock=clock)
    for _ in range(3):
        web.acquire()
        clock.now += 1
    for _ in range(2):
        worker.acquire()
        clock.now += 1
    with pytest.raises(SearchBudgetExhausted) as caught:
        web.acquire()
    assert caught.value.retry_after_seconds == pytest.approx(220 - 5)
    assert worker.remaining() == 0
    assert len(SearchBudgetWindow.objects.get().stamps) == 5


@pytest.mark.django_db
def test_stamps_leave_the_window_and_free_their_place():
    clock = Clock()
    budget = SearchBudget(2, 10, DatabaseBudgetStore(), clock=clock)
    budget.acquire()
    clock.now += 6
    budget.acquire()
    clock.now += 5  # the first search left the window
    budget.acquire()
    assert SearchBudgetWindow.objects.get().stamps == [1_000_006.0, 1_000_011.0]


@pytest.mark.django_db
def test_a_row_edited_by_hand_starts_over_from_its_numbers():
    SearchBudgetWindow.objects.create(pk=1, stamps=[1_000_000.0, "x", True, None])
    clock = Clock()
    budget = SearchBudget(2, 220, DatabaseBudgetStore(), clock=clock)
    budget.acquire()
    with pytest.raises(SearchBudgetExhausted):
        budget.acquire()


@pytest.mark.django_db
def test_a_missing_row_is_created_and_a_bad_value_is_dropped():
    SearchBudgetWindow.objects.create(pk=1, stamps={"not": "a list"})
    budget = SearchBudget(3, 220, DatabaseBudgetStore(), clock=Clock())
    assert budget.remaining() == 3
    SearchBudgetWindow.objects.all().delete()
    budget.acquire()
    assert budget.remaining() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_connections_never_overspend():
    """Threads have connections of their own: each spend is a real transaction racing the
    others on the row lock (FOR UPDATE on PostgreSQL, the write lock on SQLite)."""
    budget = SearchBudget(10, 300, DatabaseBudgetStore())
    granted: list[bool] = []
    start = threading.Barrier(6)

    def spender() -> None:
        try:
            start.wait()
            for _ in range(5):
                granted.append(budget.try_acquire() == 0)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spender) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 30
    assert granted.count(True) == 10
    assert len(SearchBudgetWindow.objects.get().stamps) == 10
