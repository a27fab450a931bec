"""The system page (`/system/`): versions, folders with free space, heartbeats, the task queue
with retry and delete, backups, and the log viewer with its filters."""

from __future__ import annotations

import shutil
import socket
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Failure, OrmQ

from fakes.slskd import FakeSlskd
from soulspot import log_viewer, system_info
from soulspot.lib.queue import enqueue
from soulspot.models import WorkerHeartbeat
from soulspot.tasks import heartbeat
from tests.soulspot.system_support import fail_a_task, write_log

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def log_file(settings, tmp_path):
    settings.LOG_FILE = tmp_path / "logs" / "soulspot.log"
    return settings.LOG_FILE


def _page(client: Client, path: str = "/system/", **params: str) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


# --- versions ----------------------------------------------------------------------------


def test_versions_name_soulspot_python_django_and_the_database(logged_in_client):
    import platform
    import sqlite3

    import django

    html = _page(logged_in_client, "/system/versions/")

    assert f"<td>{django_settings.VERSION}</td>" in html
    assert f"<td>{platform.python_version()}</td>" in html
    assert f"<td>{django.get_version()}</td>" in html
    if connection.vendor == "sqlite":
        assert f"SQLite {sqlite3.sqlite_version}" in html
    else:
        assert "PostgreSQL 1" in html
    assert "<td>not configured</td>" in html  # slskd, in words


def test_slskd_version_comes_from_its_application_endpoint(logged_in_client, slskd_factory):
    slskd_factory(version="0.24.1.0")

    html = _page(logged_in_client, "/system/versions/")

    assert "<td>0.24.1.0</td>" in html
    assert "connected to Soulseek" in html


def test_slskd_that_does_not_answer_is_unreachable_in_words(logged_in_client, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SLSKD_URL, settings.SLSKD_API_KEY = f"http://127.0.0.1:{port}", "key-0123456789"

    html = _page(logged_in_client, "/system/versions/")

    assert "<td>unreachable</td>" in html


def test_slskd_refusing_the_key_says_so(logged_in_client, settings, tmp_path):
    with FakeSlskd(downloads_dir=tmp_path / "dl", api_key="right-key-0123456789") as fake:
        settings.SLSKD_URL, settings.SLSKD_API_KEY = fake.url, "wrong-key-0123456789"
        html = _page(logged_in_client, "/system/versions/")
    assert "<td>refused the API key</td>" in html


# --- folders -----------------------------------------------------------------------------


def test_folders_show_their_free_space(logged_in_client, settings, tmp_path):
    settings.SLSKD_DOWNLOADS_DIR = None
    settings.SOULSPOT_RECYCLE_DIR = tmp_path / "not-yet" / "recycle"

    folders = {folder.label: folder for folder in system_info.folders()}
    html = _page(logged_in_client)

    music = folders["Music"]
    assert music.state == "ok" and music.path == str(settings.MUSIC_DIR)
    assert music.total_bytes == shutil.disk_usage(settings.MUSIC_DIR).total
    assert 0 < music.free_bytes <= music.total_bytes
    assert folders["Downloads (slskd)"].state == "not set"
    # Not created yet: the free space of the disk it will be created on.
    assert folders["Recycle bin"].state == "not created yet"
    assert folders["Recycle bin"].total_bytes == shutil.disk_usage(tmp_path).total
    assert str(settings.MUSIC_DIR) in html and "(not created yet)" in html and "(not set)" in html
    assert "GB" in html or "MB" in html


# --- workers -----------------------------------------------------------------------------


def test_a_fresh_heartbeat_shows_the_worker_alive(logged_in_client):
    heartbeat()
    worker = WorkerHeartbeat.latest().worker

    html = _page(logged_in_client)

    assert worker in html and "alive" in html


def test_a_stale_heartbeat_says_how_long_ago_in_words(logged_in_client):
    WorkerHeartbeat.objects.create(
        pk=1, worker="host:42", beat_at=timezone.now() - timedelta(minutes=10, seconds=3)
    )

    html = _page(logged_in_client)

    assert "10 min 3 s ago" in html or "10 min 4 s ago" in html
    assert "silent: is the worker running?" in html


def test_no_heartbeat_says_what_to_do(logged_in_client):
    assert "No worker has reported yet" in _page(logged_in_client)


def test_the_page_links_to_the_schedules(logged_in_client):
    assert 'href="/system/schedules/"' in _page(logged_in_client)


# --- tasks -------------------------------------------------------------------------------


def test_a_queued_task_is_listed_with_its_age(logged_in_client):
    enqueue("soulspot.tasks.heartbeat")

    html = _page(logged_in_client, "/system/tasks/")

    assert "Queued (1)" in html
    assert "soulspot.tasks.heartbeat" in html and "waiting" in html
    assert "0 s" in html or "1 s" in html


def test_a_failed_task_is_listed_with_the_first_line_of_its_error(logged_in_client):
    failure = fail_a_task(7)

    html = _page(logged_in_client)

    assert "Failed (1)" in html
    assert "tests.soulspot.system_support.explode" in html
    assert "boom 7" in html and "Traceback" not in html
    assert f'action="/system/tasks/{failure.pk}/retry/"' in html


def test_retry_queues_the_same_task_with_the_same_arguments(logged_in_client):
    failure = fail_a_task(7)

    response = logged_in_client.post(f"/system/tasks/{failure.pk}/retry/", headers=HTMX)

    assert response.status_code == 200
    assert b"Queued again." in response.content
    assert not Failure.objects.exists()
    queued = OrmQ.objects.get()
    assert queued.func() == "soulspot.lib.queue.run_task"
    assert queued.args()[0] == "tests.soulspot.system_support.explode"
    assert queued.args()[2:] == (7,)
    assert b"Queued (1)" in response.content and b"Failed (0)" in response.content


def test_retry_without_javascript_returns_to_the_page_with_a_message(logged_in_client):
    failure = fail_a_task()

    response = logged_in_client.post(f"/system/tasks/{failure.pk}/retry/", follow=True)

    assert response.redirect_chain == [("/system/", 302)]
    assert b"Queued again." in response.content
    assert OrmQ.objects.count() == 1


def test_a_second_retry_of_the_same_failure_queues_nothing(logged_in_client):
    failure = fail_a_task()
    logged_in_client.post(f"/system/tasks/{failure.pk}/retry/", headers=HTMX)

    response = logged_in_client.post(f"/system/tasks/{failure.pk}/retry/", headers=HTMX)

    assert b"already retried or deleted" in response.content
    assert OrmQ.objects.count() == 1


def test_delete_forgets_the_failure_and_queues_nothing(logged_in_client):
    failure = fail_a_task()

    response = logged_in_client.post(f"/system/tasks/{failure.pk}/delete/", headers=HTMX)

    assert b"Deleted." in response.content
    assert not Failure.objects.exists() and not OrmQ.objects.exists()


@pytest.mark.parametrize("task_id", ["bogus", "a%00b", "0" * 33, "%2E%2E", "ABC"])
def test_forged_task_ids_are_refused_with_a_message(logged_in_client, task_id):
    fail_a_task()
    for action in ("retry", "delete"):
        response = logged_in_client.post(f"/system/tasks/{task_id}/{action}/", headers=HTMX)
        assert response.status_code in (200, 404)
        assert b"Traceback" not in response.content
    assert Failure.objects.count() == 1 and not OrmQ.objects.exists()


def test_task_actions_need_a_post(logged_in_client):
    failure = fail_a_task()
    assert logged_in_client.get(f"/system/tasks/{failure.pk}/retry/").status_code == 405
    assert Failure.objects.count() == 1


# --- backups -----------------------------------------------------------------------------


def test_the_page_has_the_backups_card(logged_in_client, settings, tmp_path):
    from soulspot.backups import create_backup

    settings.SOULSPOT_BACKUP_DIR = tmp_path / "backups"
    archive = create_backup()

    html = _page(logged_in_client)

    assert 'id="backups"' in html and "Back up now" in html
    assert f'href="/system/backups/{archive.name}/download"' in html


# --- log viewer --------------------------------------------------------------------------


def _lines(html: str) -> int:
    return html.count('<tr class="log-line">')


def test_the_log_viewer_shows_the_newest_line_first(logged_in_client, log_file):
    write_log(log_file, ("INFO", "a", "first line"), ("INFO", "a", "second line"))

    html = _page(logged_in_client, "/system/logs/")

    assert _lines(html) == 2
    assert html.index("second line") < html.index("first line")


def test_the_level_filter_keeps_that_level_and_above(logged_in_client, log_file):
    write_log(
        log_file,
        ("DEBUG", "a", "debug detail"),
        ("INFO", "a", "routine"),
        ("WARNING", "downloads", "slow peer"),
        ("ERROR", "metadata", "provider down"),
        "a stray line that is not JSON",
    )

    html = _page(logged_in_client, "/system/logs/", level="warning")

    assert _lines(html) == 2
    assert "slow peer" in html and "provider down" in html
    assert "routine" not in html and "stray" not in html
    everything = _page(logged_in_client, "/system/logs/")
    assert _lines(everything) == 5 and "a stray line that is not JSON" in everything


def test_the_text_filter_matches_message_and_logger_ignoring_case(logged_in_client, log_file):
    write_log(
        log_file,
        ("INFO", "downloads.engine", "queued"),
        ("INFO", "library", "Disk nearly FULL"),
        ("INFO", "library", "scan done"),
    )

    assert _lines(_page(logged_in_client, "/system/logs/", q="disk nearly full")) == 1
    assert _lines(_page(logged_in_client, "/system/logs/", q="DOWNLOADS")) == 1
    both = _page(logged_in_client, "/system/?level=INFO&q=scan")
    assert _lines(both) == 1 and 'value="scan"' in both


def test_the_line_limit_keeps_the_newest(logged_in_client, log_file):
    write_log(log_file, *[("INFO", "a", f"line {n}") for n in range(30)])

    html = _page(logged_in_client, "/system/logs/", limit="5")

    assert _lines(html) == 5 and "line 29" in html and "line 24" not in html


def test_only_the_tail_of_a_large_log_is_read(log_file, settings):
    write_log(log_file, ("ERROR", "old", "ancient history"))
    filler = ("INFO", "filler", "x" * 1000)
    write_log(log_file, *[filler] * (log_viewer.TAIL_BYTES // 1000 + 10))
    write_log(log_file, ("ERROR", "new", "recent trouble"))

    lines = log_viewer.log_lines("ERROR")

    assert [line.message for line in lines] == ["recent trouble"]
    assert all(line.level for line in log_viewer.log_lines())  # no torn first line


def test_just_after_a_rotation_the_previous_file_fills_the_view(log_file):
    write_log(log_file.with_name("soulspot.log.1"), ("INFO", "a", "before rotation"))
    write_log(log_file, ("INFO", "a", "after rotation"))

    messages = [line.message for line in log_viewer.log_lines()]

    assert messages == ["after rotation", "before rotation"]


def test_the_previous_file_is_not_read_when_the_current_one_fills_the_tail(log_file):
    write_log(log_file.with_name("soulspot.log.1"), ("INFO", "a", "before rotation"))
    write_log(log_file, *[("INFO", "a", "y" * 1000)] * (log_viewer.TAIL_BYTES // 1000 + 10))

    assert "before rotation" not in {line.message for line in log_viewer.log_lines()}


def test_no_log_file_yet_says_so(logged_in_client, log_file):
    assert "No log lines" in _page(logged_in_client, "/system/logs/")


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a\x00b"},
        {"q": "x" * 60_000},
    ],
)
def test_hostile_text_is_refused_with_a_message(logged_in_client, log_file, params):
    write_log(log_file, ("INFO", "a", "hello"))
    for path in ("/system/logs/", "/system/"):
        response = logged_in_client.get(path, params)
        assert response.status_code == 400
        assert b"q is longer than" in response.content or b"NUL" in response.content


@pytest.mark.parametrize(
    "params",
    [
        {"level": "bogus"},
        {"level": "\x00"},
        {"limit": "9" * 30},
        {"limit": "-5"},
        {"limit": "abc"},
    ],
)
def test_hostile_numbers_and_levels_fall_back_to_defaults(logged_in_client, log_file, params):
    write_log(log_file, ("DEBUG", "a", "hello"))
    response = logged_in_client.get("/system/logs/", params)
    assert response.status_code == 200
    assert b"hello" in response.content


# --- cost and access ---------------------------------------------------------------------


def test_the_page_query_count_does_not_grow_with_tasks(logged_in_client, log_file):
    fail_a_task(1)
    enqueue("soulspot.tasks.heartbeat")
    heartbeat()
    with CaptureQueriesContext(connection) as one:
        _page(logged_in_client)
    for number in range(2, 6):
        fail_a_task(number)
        enqueue("soulspot.tasks.heartbeat")
    with CaptureQueriesContext(connection) as five:
        html = _page(logged_in_client)
    assert "Failed (5)" in html and "Queued (5)" in html
    assert len(five) == len(one)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/system/"),
        ("get", "/system/versions/"),
        ("get", "/system/tasks/"),
        ("get", "/system/logs/"),
        ("post", "/system/tasks/0123456789abcdef0123456789abcdef/retry/"),
        ("post", "/system/tasks/0123456789abcdef0123456789abcdef/delete/"),
    ],
)
def test_every_system_page_needs_login(method, path):
    response = getattr(Client(), method)(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_page_shows_the_provider_cache_hit_rate(logged_in_client) -> None:
    from metadata.providers import cache

    for _ in range(3):
        cache.remember("musicbrainz.lookup", "get_artist|x", lambda: {"artist": {}})

    page = logged_in_client.get("/system/").content.decode()

    assert "Provider cache" in page and "musicbrainz.lookup" in page and "67%" in page
