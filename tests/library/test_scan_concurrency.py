"""Only one scan at a time: a second request is refused (409) naming the one running."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from library import services
from library.models import LibraryScan
from tests.factories import LibraryScanFactory

Status = LibraryScan.Status


@pytest.mark.django_db
def test_a_second_scan_request_names_the_active_one() -> None:
    first = services.start_scan(background=False)

    with pytest.raises(services.ScanAlreadyRunning) as refused:
        services.start_scan(full=True, background=False)

    assert refused.value.scan.pk == first.pk
    assert str(refused.value) == f"scan #{first.pk} of {first.path} is already queued"
    assert LibraryScan.objects.count() == 1


@pytest.mark.django_db
def test_the_database_itself_refuses_a_second_active_scan() -> None:
    LibraryScanFactory(status=Status.RUNNING, is_active=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        LibraryScanFactory(status=Status.QUEUED, is_active=True)
    LibraryScanFactory(status=Status.COMPLETED, is_active=False)  # finished ones do not count


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_instant_start_exactly_one_scan() -> None:
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def request() -> None:
        try:
            barrier.wait()
            outcomes.append(services.start_scan(background=False))
        except services.ScanAlreadyRunning as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    started = [o for o in outcomes if isinstance(o, LibraryScan)]
    refused = [o for o in outcomes if isinstance(o, services.ScanAlreadyRunning)]
    assert len(started) == 1 and len(refused) == 1
    assert refused[0].scan.pk == started[0].pk
    assert LibraryScan.objects.count() == 1


@pytest.mark.django_db
def test_the_api_answers_202_then_409_with_the_running_scan(
    api_client,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = api_client.post("/api/library/scans", {}, content_type="application/json")
    second = api_client.post("/api/library/scans", {"full": True}, content_type="application/json")

    assert first.status_code == 202 and len(callbacks) == 1  # the worker is asked to run it
    scan_id = first.json()["id"]
    assert first.json()["status"] == "queued"
    assert second.status_code == 409
    assert second.json() == {
        "detail": f"scan #{scan_id} of {first.json()['path']} is already queued",
        "scan_id": scan_id,
    }


@pytest.mark.django_db
def test_a_scan_may_start_again_once_the_previous_one_finished(api_client) -> None:
    scan = services.start_scan(background=False)
    services.run_scan(scan.pk)

    response = api_client.post("/api/library/scans", {}, content_type="application/json")

    assert response.status_code == 202 and response.json()["id"] != scan.pk
