"""`manage.py serve` end to end: real gunicorn, real django-q2 worker, clean shutdown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _descendants(pid: int) -> set[int]:
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


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# Readiness shows its checks only to an authenticated caller.
READY_KEY = {"X-API-Key": "serve-test-key"}


def _wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> dict:
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


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc to find child processes")
def test_serve_runs_web_and_worker_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SLSKD_"))}
    env.update(SOULSPOT_DATA_DIR=str(tmp_path / "data"), SOULSPOT_PORT=str(port))
    env.update(SOULSPOT_API_KEY=READY_KEY["X-API-Key"])
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--web-workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        body = _wait_ready(url, process)
        assert body["checks"]["slskd"]["status"] == "not_configured"
        assert httpx.get(url + "/api/health").json()["status"] == "ok"
        assert "swagger" in httpx.get(url + "/api/docs").text.lower()
        login = httpx.get(url + "/", follow_redirects=False)
        assert login.status_code == 302 and login.headers["location"] == "/setup/"
        assert httpx.get(url + "/static/js/htmx.min.js").status_code == 200
        children = _descendants(process.pid)
        assert len(children) >= 3  # gunicorn master + worker, qcluster and its processes
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "stopped" in output
    # A fresh instance prints the one-time setup token it keeps in the data dir.
    token = (tmp_path / "data" / "setup_token").read_text().strip()
    assert f"First-run setup: open {url}/setup/ and enter the setup token {token}" in output
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], "orphan processes left behind"


def test_serve_refuses_a_port_that_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SLSKD_"))}
        env.update(SOULSPOT_DATA_DIR=str(tmp_path / "data"))
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
