"""The search budget: a sliding window shared by every thread and process of one install."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from downloads.slskd import (
    FileBudgetStore,
    MemoryBudgetStore,
    SearchBudget,
    SearchBudgetExhausted,
    budget_from_settings,
)


class Clock:
    """Wall-clock stand-in; `sleep` moves it forward."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def budget_with(clock: Clock, store=None, limit: int = 34, window: float = 220) -> SearchBudget:
    return SearchBudget(limit, window, store or MemoryBudgetStore(), clock=clock, sleep=clock.sleep)


def spend(budget: SearchBudget, count: int, clock: Clock, step: float = 1.0) -> None:
    for _ in range(count):
        budget.acquire()
        clock.now += step


def test_the_35th_search_in_the_window_is_refused_with_a_retry_time(clock):
    budget = budget_with(clock)
    spend(budget, 34, clock)  # one a second: the first was at t0, now is t0 + 34
    with pytest.raises(SearchBudgetExhausted) as caught:
        budget.acquire()
    assert caught.value.retry_after_seconds == pytest.approx(220 - 34)
    assert "next search allowed in 186 s" in str(caught.value)
    assert budget.remaining() == 0


def test_the_window_slides(clock):
    budget = budget_with(clock)
    spend(budget, 34, clock)
    clock.now += 220 - 34  # the first search has just left the window
    budget.acquire()
    with pytest.raises(SearchBudgetExhausted) as caught:
        budget.acquire()
    assert caught.value.retry_after_seconds == pytest.approx(1.0)


def test_a_burst_waits_for_the_whole_window(clock):
    budget = budget_with(clock)
    spend(budget, 34, clock, step=0)
    assert budget.try_acquire() == pytest.approx(220)
    clock.now += 219.9
    assert budget.try_acquire() == pytest.approx(0.1)
    clock.now += 0.1
    assert budget.try_acquire() == 0


def test_waiting_acquire_sleeps_until_a_slot_frees(clock):
    budget = budget_with(clock, limit=2, window=10)
    spend(budget, 2, clock, step=0)
    budget.acquire(wait=True)
    assert clock.sleeps == [pytest.approx(10)]
    assert budget.remaining() == 1  # both burst searches left the window together


def test_waiting_acquire_gives_up_after_max_wait(clock):
    budget = budget_with(clock, limit=1, window=100)
    budget.acquire()
    with pytest.raises(SearchBudgetExhausted):
        budget.acquire(wait=True, max_wait=30)
    assert clock.sleeps == []


def test_remaining_counts_down_and_recovers(clock):
    budget = budget_with(clock, limit=3, window=60)
    assert budget.remaining() == 3
    spend(budget, 2, clock)
    assert budget.remaining() == 1
    clock.now += 60
    assert budget.remaining() == 3


def test_stamps_from_a_clock_that_jumped_back_do_not_block_for_ever(clock):
    store = MemoryBudgetStore()
    budget = budget_with(clock, store, limit=1, window=60)
    budget.acquire()
    clock.now -= 10_000  # the system clock was corrected backwards
    budget.acquire()


def test_a_bad_budget_is_refused():
    with pytest.raises(ValueError):
        SearchBudget(0, 10)
    with pytest.raises(ValueError):
        SearchBudget(5, 0)


def test_two_budgets_on_the_same_file_share_the_window(tmp_path, clock):
    path = tmp_path / "budget.json"
    web = budget_with(clock, FileBudgetStore(path), limit=34)
    worker = budget_with(clock, FileBudgetStore(path), limit=34)
    spend(web, 20, clock)
    spend(worker, 14, clock)
    with pytest.raises(SearchBudgetExhausted):
        web.acquire()
    with pytest.raises(SearchBudgetExhausted):
        worker.acquire()
    assert len(json.loads(path.read_text())) == 34


def test_the_file_keeps_only_stamps_inside_the_window(tmp_path, clock):
    path = tmp_path / "budget.json"
    budget = budget_with(clock, FileBudgetStore(path), limit=5, window=10)
    spend(budget, 5, clock, step=3)
    assert len(json.loads(path.read_text())) == 4  # the acquire at t0 had left the window


@pytest.mark.parametrize("content", ["{torn", '{"a": 1}', '[1, "x", true, null]', ""])
def test_a_corrupt_budget_file_starts_a_new_window(tmp_path, clock, content):
    path = tmp_path / "budget.json"
    path.write_text(content)
    budget = budget_with(clock, FileBudgetStore(path), limit=2)
    budget.acquire()
    assert json.loads(path.read_text()) == [clock.now]


def test_the_budget_file_directory_is_created(tmp_path, clock):
    budget = budget_with(clock, FileBudgetStore(tmp_path / "new" / "dir" / "budget.json"))
    budget.acquire()
    assert (tmp_path / "new" / "dir" / "budget.json").exists()


def test_threads_never_overspend(tmp_path):
    budget = SearchBudget(10, 300, FileBudgetStore(tmp_path / "budget.json"))
    granted: list[bool] = []

    def worker() -> None:
        for _ in range(5):
            granted.append(budget.try_acquire() == 0)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert granted.count(True) == 10


def _spend_in_another_process(path: str, attempts: int, results) -> None:
    budget = SearchBudget(12, 300, FileBudgetStore(Path(path)))
    results.put(sum(budget.try_acquire() == 0 for _ in range(attempts)))


def test_processes_never_overspend(tmp_path):
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    path = str(tmp_path / "budget.json")
    processes = [
        context.Process(target=_spend_in_another_process, args=(path, 8, results)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=30)
    assert sum(results.get(timeout=5) for _ in processes) == 12


@pytest.mark.django_db
def test_the_settings_budget_lives_in_the_database(settings):
    settings.SLSKD_SEARCH_BUDGET = 34
    settings.SLSKD_SEARCH_WINDOW_SECONDS = 220
    budget = budget_from_settings()
    assert (budget.limit, budget.window) == (34, 220)
    budget.acquire()
    assert budget_from_settings().remaining() == 33
