"""`/api/system`: backups (and the dashboard's Backups card), versions, folders and workers, the
task queue with retry and delete, and the log lines."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_q.models import Failure, OrmQ

from soulspot.backups import create_backup, list_backups
from soulspot.lib.queue import enqueue
from soulspot.tasks import heartbeat
from tests.soulspot.system_support import fail_a_task, write_log

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


# --- info, tasks, logs -------------------------------------------------------------------


def test_info_names_versions_folders_and_workers(api_client, settings):
    heartbeat()

    body = api_client.get("/api/system/info").json()

    versions = {item["name"]: item for item in body["versions"]}
    assert versions["SoulSpot"]["version"] == settings.VERSION
    assert set(versions) == {"SoulSpot", "Python", "Django", "Database", "slskd"}
    assert versions["slskd"]["version"] == "not configured"
    music = next(f for f in body["folders"] if f["label"] == "Music")
    assert music["path"] == str(settings.MUSIC_DIR) and music["free_bytes"] > 0
    [worker] = body["workers"]
    assert worker["fresh"] is True and worker["age"].endswith(" s")


def test_info_reads_slskd_version_from_the_fake(api_client, slskd_factory):
    slskd_factory(version="0.25.0.0")
    versions = {v["name"]: v for v in api_client.get("/api/system/info").json()["versions"]}
    assert versions["slskd"] == {
        "name": "slskd",
        "version": "0.25.0.0",
        "detail": "connected to Soulseek",
    }


def test_tasks_lists_queued_then_failed(api_client):
    failure = fail_a_task(3)
    enqueue("soulspot.tasks.heartbeat")

    queued = api_client.get("/api/system/tasks").json()
    failed = api_client.get("/api/system/tasks?state=failed").json()

    assert queued["count"] == 1
    assert queued["items"][0]["task"] == "soulspot.tasks.heartbeat"
    assert queued["items"][0]["state"] == "queued" and queued["items"][0]["running"] is False
    assert failed["count"] == 1
    item = failed["items"][0]
    assert item["id"] == failure.pk and item["state"] == "failed"
    assert item["task"] == "tests.soulspot.system_support.explode"
    assert item["error"] == "boom 3"


def test_retry_queues_the_failed_task_again(api_client):
    failure = fail_a_task(5)

    response = api_client.post(f"/api/system/tasks/{failure.pk}/retry")

    assert response.status_code == 202
    queued = OrmQ.objects.get()
    assert queued.task_id() == response.json()["task_id"]
    assert queued.args()[0] == "tests.soulspot.system_support.explode"
    assert queued.args()[2:] == (5,)
    assert not Failure.objects.exists()
    again = api_client.post(f"/api/system/tasks/{failure.pk}/retry")
    assert again.status_code == 404 and "already retried" in again.json()["detail"]
    assert OrmQ.objects.count() == 1


def test_delete_forgets_a_failed_task(api_client):
    failure = fail_a_task()

    assert api_client.delete(f"/api/system/tasks/{failure.pk}").status_code == 204
    assert not Failure.objects.exists()
    assert api_client.delete(f"/api/system/tasks/{failure.pk}").status_code == 404


def test_the_tasks_query_count_does_not_grow_with_rows(api_client):
    fail_a_task(1)
    with CaptureQueriesContext(connection) as one:
        api_client.get("/api/system/tasks?state=failed")
    for number in range(2, 6):
        fail_a_task(number)
    with CaptureQueriesContext(connection) as five:
        body = api_client.get("/api/system/tasks?state=failed").json()
    assert body["count"] == 5
    assert len(five) == len(one)


def test_logs_filter_by_level_and_text_newest_first(api_client, settings, tmp_path):
    settings.LOG_FILE = tmp_path / "soulspot.log"
    write_log(
        settings.LOG_FILE,
        ("INFO", "library", "scan done"),
        ("ERROR", "downloads", "peer vanished"),
        ("WARNING", "downloads", "slow peer"),
        ("ERROR", "metadata", "provider down"),
    )

    warnings = api_client.get("/api/system/logs?level=warning").json()
    downloads = api_client.get("/api/system/logs?level=ERROR&q=PEER").json()
    first = api_client.get("/api/system/logs?limit=1").json()

    assert [i["message"] for i in warnings["items"]] == [
        "provider down",
        "slow peer",
        "peer vanished",
    ]
    assert [i["message"] for i in downloads["items"]] == ["peer vanished"]
    assert first["count"] == 4 and first["items"][0]["message"] == "provider down"


@pytest.mark.parametrize(
    "query",
    [
        "level=bogus",
        "level=%00",
        "q=a%00b",
        "q=" + "x" * 501,
        "limit=0",
        "limit=501",
        "limit=" + "9" * 30,
        "offset=-1",
    ],
)
def test_logs_refuse_hostile_parameters(api_client, query):
    assert api_client.get(f"/api/system/logs?{query}").status_code == 422


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/system/tasks/a%00b/retry"),
        ("post", "/api/system/tasks/" + "a" * 33 + "/retry"),
        ("post", "/api/system/tasks/NOT-HEX/retry"),
        ("delete", "/api/system/tasks/..%2F..%2Fx"),
        ("get", "/api/system/tasks?state=running"),
        ("get", "/api/system/tasks?state=%00"),
    ],
)
def test_tasks_refuse_hostile_parameters(api_client, method, path):
    assert getattr(api_client, method)(path).status_code in (404, 422)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/system/info"),
        ("get", "/api/system/tasks"),
        ("post", "/api/system/tasks/0123456789abcdef0123456789abcdef/retry"),
        ("delete", "/api/system/tasks/0123456789abcdef0123456789abcdef"),
        ("get", "/api/system/logs"),
    ],
)
def test_system_endpoints_need_credentials(method, path):
    assert getattr(Client(), method)(path).status_code == 401
