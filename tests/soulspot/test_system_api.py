"""`/api/system/backups` and the dashboard's Backups card: list, back up now, download."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_q.models import OrmQ

from soulspot.backups import create_backup, list_backups

pytestmark = pytest.mark.django_db


@pytest.fixture
def backup_dir(settings, tmp_path):
    settings.SOULSPOT_BACKUP_DIR = tmp_path / "backups"
    return settings.SOULSPOT_BACKUP_DIR


def test_list_is_a_page_of_our_archives_newest_first(api_client, backup_dir):
    older = create_backup()
    newer = create_backup()
    (backup_dir / "notes.txt").write_text("not a backup")

    body = api_client.get("/api/system/backups?limit=1").json()

    assert body["count"] == 2
    assert [item["name"] for item in body["items"]] == [newer.name]
    assert body["items"][0]["size"] == newer.stat().st_size
    assert older.name in [b.name for b in list_backups()]


def test_list_of_an_absent_folder_is_empty(api_client, backup_dir):
    assert api_client.get("/api/system/backups").json() == {"items": [], "count": 0}


def test_back_up_now_is_queued_for_the_worker(api_client, backup_dir):
    response = api_client.post("/api/system/backups")

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    queued = [task.func() for task in OrmQ.objects.all()]
    assert queued == ["soulspot.lib.queue.run_task"]
    assert OrmQ.objects.get().task["args"][0] == "soulspot.tasks.backup_now"


def test_download_streams_the_archive(api_client, backup_dir):
    archive = create_backup()

    response = api_client.get(f"/api/system/backups/{archive.name}/download")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == archive.read_bytes()
    assert archive.name in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fsecret_key",
        "soulspot-backup-20260101-000000.tar.gz%2F..%2F..%2Fsecret_key",
        "secret_key",
        "soulspot-backup-20990101-000000.tar.gz",  # our pattern, but no such file
        "x" * 65,
    ],
)
def test_download_serves_nothing_but_our_own_archives(api_client, backup_dir, name):
    create_backup()
    (backup_dir.parent / "secret_key").write_text("do not serve")

    response = api_client.get(f"/api/system/backups/{name}/download")

    assert response.status_code in (404, 422)
    assert b"do not serve" not in response.content


def test_a_symlink_with_our_name_is_not_served(api_client, backup_dir):
    create_backup()
    (backup_dir / "soulspot-backup-20200101-000000.tar.gz").symlink_to("/etc/passwd")

    response = api_client.get("/api/system/backups/soulspot-backup-20200101-000000.tar.gz/download")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/system/backups"),
        ("post", "/api/system/backups"),
        ("get", "/api/system/backups/soulspot-backup-20260101-000000.tar.gz/download"),
    ],
)
def test_backups_need_credentials(backup_dir, method, path):
    response = getattr(Client(), method)(path)
    assert response.status_code == 401


def test_the_dashboard_card_lists_backups_with_download_links(logged_in_client, backup_dir):
    archive = create_backup()

    response = logged_in_client.get("/system/backups/")

    assert response.status_code == 200
    assert f'href="/system/backups/{archive.name}/download"'.encode() in response.content
    assert b"Back up now" in response.content
    download = logged_in_client.get(f"/system/backups/{archive.name}/download")
    assert b"".join(download.streaming_content) == archive.read_bytes()


def test_the_card_query_count_does_not_grow_with_backups(logged_in_client, backup_dir):
    create_backup()
    with CaptureQueriesContext(connection) as one:
        logged_in_client.get("/system/backups/")
    for _ in range(3):
        create_backup()
    with CaptureQueriesContext(connection) as four:
        logged_in_client.get("/system/backups/")
    assert len(four) == len(one)


def test_back_up_now_button_queues_a_backup(logged_in_client, backup_dir):
    response = logged_in_client.post("/system/backups/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert b"Backup queued" in response.content
    assert OrmQ.objects.count() == 1


def test_the_card_and_downloads_need_login(backup_dir):
    archive = create_backup()
    for path in ("/system/backups/", f"/system/backups/{archive.name}/download"):
        response = Client().get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_download_page_refuses_other_names(logged_in_client, backup_dir):
    create_backup()
    assert logged_in_client.get("/system/backups/secret_key/download").status_code == 404


def test_back_up_now_without_javascript_returns_to_the_dashboard(logged_in_client, backup_dir):
    response = logged_in_client.post("/system/backups/", follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert b"Backup queued" in response.content
    assert OrmQ.objects.count() == 1


def test_the_system_card_shows_the_database_write_check(logged_in_client):
    response = logged_in_client.get("/system-status/")
    assert b"Database writes" in response.content
    assert b"a test write committed" in response.content
