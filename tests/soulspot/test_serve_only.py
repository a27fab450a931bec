"""`serve --only web` and `--only worker` on the default SQLite database: a worker started
first waits for the web process's migrations, the web process runs no worker, the worker opens
no port, and together they are ready. (tests/soulspot/test_serve_split.py runs the full
PostgreSQL setup with downloads.)"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from soulspot.management.commands import serve
from tests.serve_support import READY_KEY, ROOT, clean_env, descendants, free_port, wait_ready

SECRET = "serve-only-test-secret-key-0123456789-abcdefghijklmnop"


def start(only: str, data_dir: Path, database: Path, port: int) -> subprocess.Popen:
    env = clean_env(
        data_dir,
        SOULSPOT_PORT=str(port),
        SOULSPOT_SECRET_KEY=SECRET,
        SOULSPOT_DATABASE_NAME=str(database),
        SOULSPOT_API_KEY=READY_KEY["X-API-Key"],
        SOULSPOT_WORKERS="1",
    )
    env.pop("DATABASE_URL", None)  # a SQLite file of their own, whatever the test run uses
    command = [sys.executable, "manage.py", "serve", "--only", only, "--web-workers", "1"]
    log = (data_dir / "serve.out").open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def command_lines(pid: int) -> str:
    lines = []
    for child in descendants(pid):
        try:
            lines.append(Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return "\n".join(lines)


def wait_for_text(path: Path, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text():
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {path}: {path.read_text()}")


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc to find child processes")
def test_a_worker_waits_for_the_web_migrations_then_both_serve(tmp_path: Path) -> None:
    web_dir, worker_dir = tmp_path / "web", tmp_path / "worker"
    web_dir.mkdir()
    worker_dir.mkdir()
    database = web_dir / "shared.sqlite3"
    port = free_port()
    worker = start("worker", worker_dir, database, free_port())
    web = None
    try:
        wait_for_text(worker_dir / "serve.out", "waiting for the web process to apply")
        web = start("web", web_dir, database, port)
        wait_ready(f"http://127.0.0.1:{port}", web)  # needs a heartbeat from the worker
        assert "qcluster" in command_lines(worker.pid)
        assert "gunicorn" not in command_lines(worker.pid)
        assert "qcluster" not in command_lines(web.pid)
        assert "gunicorn" in command_lines(web.pid)
    finally:
        for process in (worker, web):
            if process is not None:
                process.send_signal(signal.SIGTERM)
        for process in (worker, web):
            if process is not None:
                assert process.wait(timeout=60) == 0
    worker_output = (worker_dir / "serve.out").read_text()
    assert "SoulSpot worker is running" in worker_output
    assert "First-run setup" not in worker_output  # the token is the web process's to print
    assert "First-run setup" in (web_dir / "serve.out").read_text()


@pytest.mark.django_db
def test_a_migrated_database_has_nothing_pending() -> None:
    assert not serve.pending_migrations()


def test_a_worker_gives_up_when_nobody_migrates(monkeypatch) -> None:
    monkeypatch.setattr(serve, "pending_migrations", lambda: True)
    said: list[str] = []
    with pytest.raises(CommandError, match="start `serve --only web`"):
        serve.wait_for_migrations(said.append, timeout=0)


def test_the_compose_profile_runs_one_web_and_two_workers() -> None:
    yaml = pytest.importorskip("yaml")
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert services["web"]["command"][-2:] == ["--only", "web"]
    assert services["worker"]["command"][-2:] == ["--only", "worker"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert "ports" not in services["worker"]
    for name in ("web", "worker", "postgres"):
        assert services[name]["profiles"] == ["postgres"]
    assert "profiles" not in services["soulspot"]  # `docker compose up` is still one process
    url = services["worker"]["environment"]["DATABASE_URL"]
    assert url == services["web"]["environment"]["DATABASE_URL"]
    assert url.startswith("postgres://")
