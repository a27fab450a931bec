"""The search slot: one search in flight at a time, a lease any process can see and free."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from downloads import search_slot
from downloads.models import SearchSlot
from downloads.slskd import (
    SearchBudgetExhausted,
    SearchState,
    SlskdNotFound,
    SlskdNotLoggedIn,
    SlskdProtocolError,
    SlskdUnreachable,
)

A, B = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


class StateClient:
    """Answers `search_state` like slskd would, or raises what it is given."""

    def __init__(self, answer: SearchState | Exception) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def search_state(self, search_id: str) -> SearchState:
        self.asked.append(search_id)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def _state(search_id: str, *, complete: bool) -> SearchState:
    state = "Completed, TimedOut" if complete else "InProgress"
    return SearchState.from_api({"id": search_id, "state": state, "isComplete": complete})


def _age_claim(seconds: float) -> None:
    SearchSlot.objects.filter(pk=1).update(taken_at=timezone.now() - timedelta(seconds=seconds))


@pytest.mark.django_db
def test_a_second_claimant_waits_until_the_first_releases() -> None:
    assert search_slot.claim(A, "download #1", seconds=60)
    assert not search_slot.claim(B, "manual search #2", seconds=60)
    assert search_slot.current().holder == "download #1"
    search_slot.release(A)
    assert search_slot.current() is None
    assert search_slot.claim(B, "manual search #2", seconds=60)
    assert search_slot.current().search_id == B


@pytest.mark.django_db
def test_claiming_again_for_the_same_search_keeps_it() -> None:
    assert search_slot.claim(A, "download #1", seconds=60)
    assert search_slot.claim(A, "download #1", seconds=60)


@pytest.mark.django_db
def test_an_expired_lease_is_taken_over_so_a_crashed_holder_cannot_block_for_ever() -> None:
    assert search_slot.claim(A, "download #1", seconds=60)
    SearchSlot.objects.filter(pk=1).update(until=timezone.now() - timedelta(seconds=1))
    assert search_slot.current() is None
    assert search_slot.claim(B, "download #2", seconds=60)


@pytest.mark.django_db
def test_the_lease_covers_the_search_timeout_plus_a_margin(settings) -> None:
    settings.SLSKD_SEARCH_TIMEOUT_MS = 15000
    assert search_slot.engine_lease_seconds() == 15 + search_slot.MARGIN_SECONDS
    before = timezone.now()
    search_slot.claim(A, "download #1", seconds=search_slot.engine_lease_seconds())
    lease = (search_slot.current().until - before).total_seconds()
    assert 75 <= lease < 76
    # A manual search cannot renew, so its lease covers the whole blocking call.
    assert search_slot.manual_lease_seconds() == 90 + search_slot.STOP_GRACE_SECONDS + 60


@pytest.mark.django_db
def test_renewing_extends_only_the_holders_lease() -> None:
    search_slot.claim(A, "download #1", seconds=1)
    assert search_slot.renew(A, seconds=600)
    assert search_slot.current().until > timezone.now() + timedelta(seconds=590)
    assert not search_slot.renew(B, seconds=600)


@pytest.mark.django_db
def test_a_stale_release_never_frees_someone_elses_search() -> None:
    search_slot.claim(A, "download #1", seconds=60)
    search_slot.release(B)
    assert search_slot.current().search_id == A


@pytest.mark.django_db
def test_a_finished_search_is_released_by_whoever_looks() -> None:
    search_slot.claim(A, "download #1", seconds=60)
    running = StateClient(_state(A, complete=False))
    assert search_slot.release_if_finished(running).search_id == A
    assert search_slot.release_if_finished(StateClient(_state(A, complete=True))) is None
    assert search_slot.current() is None
    assert running.asked == [A]


@pytest.mark.django_db
def test_a_search_slskd_never_heard_of_is_released_after_the_post_grace() -> None:
    search_slot.claim(A, "download #1", seconds=600)
    unknown = StateClient(SlskdNotFound("not found"))
    assert search_slot.release_if_finished(unknown) is not None  # the POST may be on its way
    _age_claim(search_slot.POST_GRACE_SECONDS + 1)
    assert search_slot.release_if_finished(unknown) is None


@pytest.mark.django_db
def test_an_unreadable_answer_keeps_the_slot_held() -> None:
    search_slot.claim(A, "download #1", seconds=60)
    _age_claim(600)
    assert search_slot.release_if_finished(StateClient(SlskdProtocolError("garbage"))) is not None


@pytest.mark.parametrize(
    ("error", "maybe"),
    [
        (SlskdProtocolError("malformed JSON"), True),
        (SlskdUnreachable("no answer", reason="timeout"), True),
        (SlskdUnreachable("refused", reason="connect"), False),
        (SlskdNotLoggedIn("not logged in", status=409), False),
        (SearchBudgetExhausted(30), False),
    ],
)
def test_a_failed_post_may_have_started_a_search_only_when_slskd_may_have_got_it(
    error, maybe
) -> None:
    assert search_slot.may_have_started(error) is maybe


@pytest.mark.django_db(transaction=True)
def test_of_many_claimants_at_once_exactly_one_wins() -> None:
    SearchSlot.objects.create(pk=1)
    ready = threading.Barrier(8)
    wins: list[int] = []

    def claimant(n: int) -> None:
        try:
            ready.wait()
            if search_slot.claim(f"00000000-0000-4000-8000-00000000000{n}", f"#{n}", seconds=60):
                wins.append(n)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimant, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1
    assert search_slot.current().holder == f"#{wins[0]}"
