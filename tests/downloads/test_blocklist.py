"""The blocklist page: rejected files viewable and removable, peers blocked and unblocked."""

from __future__ import annotations

import pytest

from downloads import services
from downloads.engine.wants import context_for
from downloads.models import Peer, RejectedFile
from tests.factories import DownloadJobFactory, TrackFactory

pytestmark = pytest.mark.django_db


def _rejected(n: int, **fields) -> RejectedFile:
    defaults = {
        "track": TrackFactory(),
        "username": f"peer{n}",
        "filename": f"@@x\\Music\\{n:02d} - wrong.flac",
        "reason": "marked wrong by you",
    }
    return RejectedFile.objects.create(**{**defaults, **fields})


def test_the_page_lists_rejected_files_and_blocked_peers(logged_in_client) -> None:
    _rejected(1, reason="quarantined: too short")
    Peer.objects.create(username="leech", is_blocked=True, note="fakes")
    page = logged_in_client.get("/downloads/blocklist/").content.decode()
    assert "01 - wrong.flac" in page and "quarantined: too short" in page
    assert "leech" in page and "fakes" in page


def test_the_blocklist_is_in_the_navigation(logged_in_client) -> None:
    assert 'href="/downloads/blocklist/"' in logged_in_client.get("/downloads/").content.decode()


def test_removing_a_rejected_file_lets_searches_offer_it_again(logged_in_client) -> None:
    row = _rejected(1)
    job = DownloadJobFactory(track=row.track)
    assert (row.username, row.filename) in context_for(job).rejected
    response = logged_in_client.post(
        f"/downloads/blocklist/rejected/{row.pk}/remove/",
        {"next": "/downloads/blocklist/?page=1"},
    )
    assert response["Location"] == "/downloads/blocklist/?page=1"
    assert not RejectedFile.objects.exists()
    assert context_for(job).rejected == set()


def test_removing_a_file_already_removed_says_so(logged_in_client) -> None:
    response = logged_in_client.post("/downloads/blocklist/rejected/999/remove/", follow=True)
    assert "already off the list" in response.content.decode()


def test_a_peer_is_blocked_from_its_rejected_file_and_unblocked_again(logged_in_client) -> None:
    row = _rejected(1)
    logged_in_client.post(
        "/downloads/blocklist/peers/", {"username": row.username, "blocked": "true"}
    )
    assert Peer.objects.get(username=row.username).is_blocked
    page = logged_in_client.get("/downloads/blocklist/").content.decode()
    assert "Unblock peer" in page
    job = DownloadJobFactory()
    assert row.username in context_for(job).blocked_users
    logged_in_client.post(
        "/downloads/blocklist/peers/", {"username": row.username, "blocked": "false"}
    )
    assert not Peer.objects.get(username=row.username).is_blocked


def test_blocking_a_user_never_met_remembers_them(logged_in_client) -> None:
    logged_in_client.post(
        "/downloads/blocklist/peers/", {"username": " stranger ", "blocked": "true", "note": "x"}
    )
    peer = Peer.objects.get(username="stranger")
    assert peer.is_blocked and peer.note == "x"


def test_blocking_needs_a_user_name(logged_in_client) -> None:
    response = logged_in_client.post(
        "/downloads/blocklist/peers/", {"username": "  ", "blocked": "true"}, follow=True
    )
    assert "a Soulseek user name is required" in response.content.decode()
    assert not Peer.objects.exists()


def test_unblocking_keeps_the_peers_history() -> None:
    Peer.objects.create(username="old", successes=4, failures=1, is_blocked=True)
    peer = services.set_peer_blocked("old", False)
    assert (peer.is_blocked, peer.successes, peer.failures) == (False, 4, 1)


def test_the_page_is_paginated(logged_in_client) -> None:
    track = TrackFactory()
    for n in range(55):
        _rejected(n, track=track)
    first = logged_in_client.get("/downloads/blocklist/").content.decode()
    assert "page 1 of 2" in first and first.count("Block peer") == 50
    second = logged_in_client.get("/downloads/blocklist/?page=2").content.decode()
    assert second.count("Block peer") == 5


def test_the_page_costs_the_same_queries_for_many_rows(
    logged_in_client, django_assert_max_num_queries
) -> None:
    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            row = _rejected(n)
            Peer.objects.create(username=row.username, is_blocked=n % 2 == 0)

    grow(0, 3)
    with django_assert_max_num_queries(20) as few:
        logged_in_client.get("/downloads/blocklist/")
    grow(3, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        logged_in_client.get("/downloads/blocklist/")
