from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from soulspot.models import WorkerHeartbeat
from soulspot.tasks import heartbeat


@pytest.fixture
def client(settings) -> Client:
    """Readiness shows its checks to authenticated callers; the environment key needs no rows."""
    settings.SOULSPOT_API_KEY = "readiness-test-key"
    return Client(headers={"X-API-Key": "readiness-test-key"})


def _ready(client) -> tuple[int, dict]:
    response = client.get("/api/health/ready")
    return response.status_code, response.json()


def test_liveness_needs_no_credentials() -> None:
    response = Client().get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["version"]


@pytest.mark.django_db
def test_ready_when_the_worker_beat_and_slskd_is_simply_not_configured(client) -> None:
    heartbeat()
    status, body = _ready(client)
    assert status == 200, body
    assert body["status"] == "ready"
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["slskd"] == {
        "ok": True,
        "status": "not_configured",
        "detail": "set SLSKD_URL and SLSKD_API_KEY to download",
    }


@pytest.mark.django_db
def test_not_ready_before_the_worker_ever_ran_a_task(client) -> None:
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["worker"]["status"] == "no_heartbeat"
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_a_stale_heartbeat_fails_only_the_worker_check(client) -> None:
    heartbeat()
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=10))
    status, body = _ready(client)
    assert status == 503
    failing = [name for name, check in body["checks"].items() if not check["ok"]]
    assert failing == ["worker"]
    assert body["checks"]["worker"]["status"] == "stale"


@pytest.mark.django_db
def test_low_disk_space_fails_only_the_disk_check(client, settings) -> None:
    heartbeat()
    settings.SOULSPOT_MIN_FREE_BYTES = 1 << 62
    status, body = _ready(client)
    assert status == 503
    assert [n for n, c in body["checks"].items() if not c["ok"]] == ["disk"]
    assert body["checks"]["disk"]["status"] == "low"


@pytest.mark.django_db
def test_a_missing_music_dir_is_reported_not_raised(client, settings, tmp_path) -> None:
    heartbeat()
    settings.MUSIC_DIR = tmp_path / "gone"
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["disk"]["status"] == "error"


@pytest.mark.django_db
def test_a_database_failure_is_reported_as_a_failed_check(client, monkeypatch) -> None:
    heartbeat()

    def broken_cursor(*args, **kwargs):
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    status, body = _ready(client)
    monkeypatch.undo()
    assert status == 503
    assert body["checks"]["database"] == {
        "ok": False,
        "status": "error",
        "detail": "OperationalError: unable to open database file",
    }
    assert body["checks"]["worker"]["status"] == "error"
    assert body["checks"]["disk"]["ok"] is True
