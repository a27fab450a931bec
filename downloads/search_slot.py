"""One search in flight at a time, across every process and host: the search slot lease.

slskd answers a second concurrent search with 429, and the Soulseek server bans clients that
search fast. The shared budget (`downloads.slskd.budget`) limits how many searches start per
window; this slot limits how many run at once to one. It is a lease on the `SearchSlot` row,
so the web process, the workers and a worker on another host all see the same holder:

    claim(search_id, holder)   before posting the search; False while another one runs
    renew(search_id)           while following a search that is still running
    release(search_id)         once the search completed, failed or never started
    release_if_finished(client)  anyone may free a slot whose search slskd reports as over

The lease runs out after the search timeout plus a margin (renewed while the search runs), so a
worker that crashed with the slot blocks the others for at most that long; sooner in practice,
since `release_if_finished` frees it as soon as slskd says the search is over.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from downloads.models import SearchSlot
from downloads.slskd import (
    SlskdClient,
    SlskdError,
    SlskdNotFound,
    SlskdProtocolError,
    SlskdUnreachable,
)

logger = logging.getLogger(__name__)
WAIT_REASON = "waiting for another search to finish"
# Beyond slskd's search timeout: time to notice the end, read the responses and release.
MARGIN_SECONDS = 60
# A claim slskd has never heard of after this long belongs to a claimant that never posted.
POST_GRACE_SECONDS = 30
# How long slskd may take to end a search we asked to stop (`SlskdClient.wait_for_search`).
STOP_GRACE_SECONDS = 15


def engine_lease_seconds() -> float:
    """The engine renews its lease on every step while its search runs."""
    return settings.SLSKD_SEARCH_TIMEOUT_MS / 1000 + MARGIN_SECONDS


def manual_max_wait_seconds() -> float:
    """The longest a manual search polls slskd before it stops the search (the client default)."""
    return max(60.0, 6 * settings.SLSKD_SEARCH_TIMEOUT_MS / 1000)


def manual_lease_seconds() -> float:
    """A manual search blocks in one call and cannot renew: its lease covers the whole call."""
    return manual_max_wait_seconds() + STOP_GRACE_SECONDS + MARGIN_SECONDS


def claim(search_id: str, holder: str, *, seconds: float) -> bool:
    """Take the slot for `search_id` unless another search holds an unexpired lease.

    True when the slot is ours (claiming again for the same search only extends the lease).
    """
    SearchSlot.objects.get_or_create(pk=1)
    now = timezone.now()
    free = Q(search_id="") | Q(until__isnull=True) | Q(until__lt=now) | Q(search_id=search_id)
    taken = SearchSlot.objects.filter(free, pk=1).update(
        search_id=search_id,
        holder=holder[:200],
        taken_at=now,
        until=now + timedelta(seconds=seconds),
    )
    if taken:
        logger.info("search slot taken by %s (search %s)", holder, search_id)
    return taken == 1


def renew(search_id: str, *, seconds: float) -> bool:
    """Extend the lease of a search that is still running; False if it is no longer ours."""
    until = timezone.now() + timedelta(seconds=seconds)
    return SearchSlot.objects.filter(pk=1, search_id=search_id).update(until=until) == 1


def release(search_id: str) -> None:
    """Free the slot if `search_id` holds it (a stale release never frees someone else's)."""
    freed = SearchSlot.objects.filter(pk=1, search_id=search_id).update(
        search_id="", holder="", taken_at=None, until=None
    )
    if freed:
        logger.info("search slot released (search %s)", search_id)


def current() -> SearchSlot | None:
    """The slot while a search holds an unexpired lease on it, else None."""
    slot = SearchSlot.objects.filter(pk=1).exclude(search_id="").first()
    if slot is None or slot.until is None or slot.until < timezone.now():
        return None
    return slot


def release_if_finished(client: SlskdClient) -> SearchSlot | None:
    """Free the slot when slskd says its search is over; returns the slot if still held.

    This lets any process free a slot whose holder stopped following its search (a job that
    was cancelled mid-search, a worker that crashed). A search slskd does not know is over once
    the claimant has had time to post it.
    """
    slot = current()
    if slot is None:
        return None
    try:
        state = client.search_state(slot.search_id)
    except SlskdNotFound:
        if timezone.now() - slot.taken_at < timedelta(seconds=POST_GRACE_SECONDS):
            return slot
        release(slot.search_id)
        return None
    except SlskdError as exc:
        # Cannot tell: keep waiting, the lease bounds the wait.
        logger.info("cannot read the state of search %s: %s", slot.search_id, exc)
        return slot
    if state.is_complete:
        release(slot.search_id)
        return None
    return slot


def may_have_started(exc: SlskdError) -> bool:
    """Whether a search whose POST failed with `exc` may be running in slskd all the same.

    A garbled or timed-out reply may follow a search slskd did start; a refused connection, a
    refusal (not logged in, 429, bad key) or a spent budget means no search was posted.
    """
    if isinstance(exc, SlskdUnreachable):
        return exc.reason != "connect"
    return isinstance(exc, SlskdProtocolError)
