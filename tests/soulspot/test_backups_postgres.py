"""The PostgreSQL path of backup and restore: `pg_dump` while SoulSpot runs, `pg_restore` into
an empty database (run with `./.ci/with-postgres`; skipped on SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from soulspot.backups import create_backup
from soulspot.backups.database import pg_binary
from tests.factories import DownloadJobFactory, TrackFileFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.fixture
def postgres() -> dict:
    if connection.vendor != "postgresql":
        pytest.skip("run under ./.ci/with-postgres")
    return connection.settings_dict


def _connect(settings_dict: dict, dbname: str) -> psycopg.Connection:
    return psycopg.connect(
        dbname=dbname,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture
def empty_database(postgres: dict) -> str:
    name = f"{postgres['NAME']}_restored"
    with _connect(postgres, postgres["NAME"]) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _connect(postgres, postgres["NAME"]) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(data_dir: Path, database: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SLSKD_"))}
    env.update(SOULSPOT_DATA_DIR=str(data_dir), SOULSPOT_DATABASE_NAME=database)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_pg_dump_backup_restores_into_an_empty_database(tmp_path, postgres, empty_database):
    TrackFileFactory.create_batch(3)
    DownloadJobFactory(status="queued")
    DownloadJobFactory(status="searching", search_id="lost-with-the-old-slskd", attempts=1)
    archive = create_backup(tmp_path / "backups")

    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        assert "database.pgdump" in tar.getnames()
    assert manifest["database_vendor"] == "postgresql"
    assert Path(pg_binary("pg_dump")).name == "pg_dump"

    done = _manage(tmp_path / "data", empty_database, "restore", str(archive))

    assert done.returncode == 0, done.stderr
    assert "restored the postgresql database" in done.stdout
    assert "1 queued again" in done.stdout
    with _connect(postgres, empty_database) as restored:
        counts = [
            restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("library_trackfile", "downloads_downloadjob")
        ]
        # The search the backup caught is gone: queued again, its attempt kept, not failed.
        jobs = restored.execute("SELECT status, attempts FROM downloads_downloadjob ORDER BY id")
        assert jobs.fetchall() == [("queued", 0), ("queued", 1)]
    assert counts == [3, 2]


def test_restore_refuses_a_postgres_database_with_rows(tmp_path, postgres):
    DownloadJobFactory()
    archive = create_backup(tmp_path / "backups")

    done = _manage(tmp_path / "data", postgres["NAME"], "restore", str(archive))

    assert done.returncode == 1
    assert "already holds data" in done.stderr
