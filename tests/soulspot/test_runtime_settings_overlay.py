"""Stored runtime settings are what the code reads: in this process at once, in another
process (a `manage.py` child, a worker task) on its next look, and after a restart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from downloads.slskd import client_from_settings
from soulspot import runtime_settings
from soulspot.models import RuntimeSetting
from soulspot.runtime_settings.overlay import on_task
from tests.engine_support import API_KEY
from tests.serve_support import ROOT, clean_env
from tests.soulspot.runtime_settings_support import fresh_overlay  # noqa: F401


def _patch(client: Client, body: object):
    return client.patch("/api/settings", body, content_type="application/json")


@pytest.mark.django_db
def test_the_slskd_client_uses_the_patched_url_and_key_in_this_process(
    api_client, slskd_factory
) -> None:
    fake = slskd_factory()
    _patch(api_client, {"SLSKD_URL": "", "SLSKD_API_KEY": ""})
    assert client_from_settings() is None  # downloading is off: the stored empty URL won

    _patch(api_client, {"SLSKD_URL": fake.url + "/", "SLSKD_API_KEY": API_KEY})

    with client_from_settings() as client:
        assert client.check().status == "connected"


@pytest.mark.django_db
def test_a_value_another_process_stored_applies_at_the_next_request(api_client) -> None:
    # As another process would: the row only, nothing applied here.
    RuntimeSetting.objects.create(key="SOULSPOT_BACKUP_KEEP", value=4)
    assert django_settings.SOULSPOT_BACKUP_KEEP != 4

    api_client.get("/api/health")

    assert django_settings.SOULSPOT_BACKUP_KEEP == 4


@pytest.mark.django_db
def test_a_process_looks_at_most_once_per_interval(api_client, settings) -> None:
    settings.SOULSPOT_RUNTIME_SETTINGS_CHECK_SECONDS = 3600
    api_client.get("/api/health")  # the first look
    RuntimeSetting.objects.create(key="SOULSPOT_BACKUP_KEEP", value=4)

    api_client.get("/api/health")

    assert django_settings.SOULSPOT_BACKUP_KEEP != 4  # until the interval has passed


@pytest.mark.django_db
def test_a_reset_in_another_process_brings_back_the_environment_here(api_client) -> None:
    _patch(api_client, {"SOULSPOT_BACKUP_KEEP": 4})
    RuntimeSetting.objects.all().delete()  # as another process's reset would

    api_client.get("/api/health")

    assert (
        runtime_settings.ENV_DEFAULTS["SOULSPOT_BACKUP_KEEP"]
        == django_settings.SOULSPOT_BACKUP_KEEP
    )


@pytest.mark.django_db
def test_the_worker_looks_before_each_task(api_client) -> None:
    RuntimeSetting.objects.create(key="SOULSPOT_AUDIT_RETENTION_DAYS", value=12)

    on_task(sender="django_q", func="x", task={})

    assert django_settings.SOULSPOT_AUDIT_RETENTION_DAYS == 12


@pytest.mark.django_db
def test_the_stored_values_survive_a_restart(api_client) -> None:
    _patch(api_client, {"SOULSPOT_SCAN_WORKERS": 3, "LASTFM_API_KEY": "lastfm-key"})
    # A restarted process: settings.py's environment values, nothing overlaid yet.
    for key in ("SOULSPOT_SCAN_WORKERS", "LASTFM_API_KEY"):
        setattr(django_settings, key, runtime_settings.ENV_DEFAULTS[key])
    runtime_settings.forget()

    runtime_settings.ensure_fresh()

    assert django_settings.SOULSPOT_SCAN_WORKERS == 3
    assert django_settings.LASTFM_API_KEY == "lastfm-key"


@pytest.mark.django_db
def test_an_undecryptable_secret_is_skipped_not_a_crash(api_client, settings, tmp_path) -> None:
    _patch(api_client, {"LASTFM_API_KEY": "lastfm-key"})
    settings.SOULSPOT_SECRET_KEY_FILE = tmp_path / "another.key"  # a restore without the key
    runtime_settings.forget()

    runtime_settings.ensure_fresh()
    body = api_client.get("/api/settings").json()

    assert body["LASTFM_API_KEY"]["value"] == {"set": False}


def _child(settings, data_dir: Path, code: str) -> str:
    """`manage.py shell -c code` in a fresh process on the test database, no SLSKD_* env."""
    env = clean_env(
        data_dir,
        SOULSPOT_DATABASE_NAME=str(connection.settings_dict["NAME"]),
        SOULSPOT_SECRET_KEY_FILE=str(settings.SOULSPOT_SECRET_KEY_FILE),
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


WORKER_TASK = """
from django_q.tasks import async_task, result
task_id = async_task("soulspot.lib.queue.run_task", "soulspot.health.check_slskd", "", sync=True)
check = result(task_id)
print(check.status, check.detail)
"""


@pytest.mark.django_db(transaction=True)
def test_a_task_in_another_process_uses_the_stored_slskd_connection(
    api_client, slskd_factory, settings, tmp_path
) -> None:
    fake = slskd_factory()
    _patch(api_client, {"SLSKD_URL": fake.url, "SLSKD_API_KEY": API_KEY})

    # The child's environment has no SLSKD_URL: only the database can tell it where slskd is.
    line = _child(settings, tmp_path / "child", WORKER_TASK)

    assert line.startswith("connected"), line


@pytest.mark.django_db(transaction=True)
def test_a_change_made_in_another_process_applies_here(api_client, settings, tmp_path) -> None:
    code = (
        "from soulspot.runtime_settings import update_settings\n"
        "update_settings({'SLSKD_SEARCH_WINDOW_SECONDS': 99})\n"
        "print('stored')"
    )
    assert _child(settings, tmp_path / "child", code) == "stored"

    api_client.get("/api/health")

    assert django_settings.SLSKD_SEARCH_WINDOW_SECONDS == 99
