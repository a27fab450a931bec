"""Finding 11: a full data disk was invisible. Readiness now checks the data dir's free space and
that the database accepts a write; a write refused for a full disk answers 503, not 500."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django_q.models import OrmQ

from soulspot.tasks import heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(settings) -> Client:
    settings.SOULSPOT_API_KEY = "readiness-test-key"
    return Client(headers={"X-API-Key": "readiness-test-key"})


def _checks(client: Client) -> tuple[int, dict]:
    response = client.get("/api/health/ready")
    return response.status_code, response.json()["checks"]


def test_a_full_data_dir_fails_readiness_even_with_room_for_music(client, settings, tmp_path):
    heartbeat()
    settings.MUSIC_DIR = tmp_path / "music"
    settings.MUSIC_DIR.mkdir()
    free_for_data = shutil.disk_usage(settings.DATA_DIR).free
    # The threshold sits just above the data dir's free space: it is "full" for SoulSpot.
    settings.SOULSPOT_MIN_FREE_BYTES = free_for_data + 512 * 1024 * 1024

    status, checks = _checks(client)

    assert status == 503
    assert checks["disk"]["status"] == "low"
    assert f"data dir {settings.DATA_DIR}" in checks["disk"]["detail"]
    assert f"music dir {settings.MUSIC_DIR}" in checks["disk"]["detail"]


def test_a_missing_data_dir_is_reported_by_name(client, settings, tmp_path):
    heartbeat()
    settings.DATA_DIR = tmp_path / "gone"

    status, checks = _checks(client)

    assert status == 503
    assert checks["disk"]["status"] == "error"
    assert f"data dir {tmp_path / 'gone'}" in checks["disk"]["detail"]


def test_readiness_reports_a_database_that_refuses_writes_with_its_error(client):
    if connection.vendor != "sqlite":
        pytest.skip("query_only is SQLite's")
    heartbeat()
    status, checks = _checks(client)
    assert status == 200 and checks["database_write"]["ok"] is True

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")  # SQLite: every write is refused from now
    try:
        status, checks = _checks(client)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")

    assert status == 503
    assert checks["database"]["ok"] is True  # reads still work: why the old check said ready
    assert checks["database_write"]["ok"] is False
    assert "readonly database" in checks["database_write"]["detail"]


@pytest.fixture
def full_database() -> Iterator[None]:
    """SQLite really out of space: capped at its current size, the queue table packed full."""
    if connection.vendor != "sqlite":
        pytest.skip("max_page_count is SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 4}")
    size = 2000
    while size >= 1:
        try:
            with transaction.atomic():
                OrmQ.objects.create(key="filler", payload="x" * size, lock=None)
        except OperationalError as exc:
            assert "full" in str(exc)
            size //= 2
    yield
    # The failed request left the test's transaction broken: lift the cap on the raw connection
    # (it outlives the test), the test's rollback then undoes the filler.
    connection.connection.execute("PRAGMA max_page_count = 1073741823")


def test_an_api_write_on_a_full_disk_answers_503_with_what_to_do(api_client, full_database):
    response = api_client.post("/api/system/backups")

    assert response.status_code == 503
    assert "disk holding SoulSpot's database is full" in response.json()["detail"]


def test_a_page_write_on_a_full_disk_answers_503_not_500(logged_in_client, full_database):
    response = logged_in_client.post("/system/backups/")

    assert response.status_code == 503
    assert b"Disk full" in response.content


def test_postgres_disk_full_is_recognised_by_its_sqlstate():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's DiskFull")
    from soulspot.lib.disk_full import is_disk_full

    raise_disk_full = "DO $$ BEGIN RAISE EXCEPTION 'full' USING ERRCODE = 'disk_full'; END $$"
    with (
        pytest.raises(OperationalError) as raised,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(raise_disk_full)
    assert is_disk_full(raised.value)
    assert not is_disk_full(OperationalError("server closed the connection unexpectedly"))
