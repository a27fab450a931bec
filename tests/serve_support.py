"""Running `manage.py serve` as a real process in tests: environment, children, readiness."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
# Readiness shows its checks only to an authenticated caller.
READY_KEY = {"X-API-Key": "serve-test-key"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without our own settings, pointed at `data_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SLSKD_"))}
    env.update(SOULSPOT_DATA_DIR=str(data_dir), **extra)
    return env


def start_serve(data_dir: Path, port: int, **extra: str) -> subprocess.Popen:
    """`serve` with one web worker on `port`; its output (text) is read from `stdout`."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--web-workers", "1"],
        cwd=ROOT,
        env=clean_env(data_dir, SOULSPOT_PORT=str(port), **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def start_qcluster(data_dir: Path, **extra: str) -> subprocess.Popen:
    """A django-q2 cluster on the test database (tasks signed with this process's key); its
    output goes to `<data_dir>/worker.log`."""
    from django.conf import settings
    from django.db import connection

    env = clean_env(
        data_dir,
        SOULSPOT_SECRET_KEY=settings.SECRET_KEY,
        SOULSPOT_SECRET_KEY_FILE=str(settings.SOULSPOT_SECRET_KEY_FILE),
        SOULSPOT_DATABASE_NAME=str(connection.settings_dict["NAME"]),
        SOULSPOT_MUSIC_DIR=str(settings.MUSIC_DIR),
        **extra,
    )
    log = (data_dir / "worker.log").open("a")
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for_worker(predicate, timeout: float, what: str) -> None:
    """Poll `predicate` until it holds; on timeout, say what the worker's tasks answered."""
    from django_q.models import Task

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    results = list(Task.objects.values_list("name", "result"))
    raise AssertionError(f"timed out waiting for {what}: {results}")


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        try:
            response = httpx.get(url + "/api/health/ready", headers=READY_KEY, timeout=2)
            body = response.json()
            if body["checks"]["worker"]["ok"]:
                return body
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"not ready in time: {body}")
