"""`manage.py serve` end to end: real gunicorn, real django-q2 worker, clean shutdown."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.serve_support import (
    READY_KEY,
    ROOT,
    alive,
    clean_env,
    descendants,
    free_port,
    start_serve,
    wait_ready,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc to find child processes")
def test_serve_runs_web_and_worker_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    process = start_serve(tmp_path / "data", port, SOULSPOT_API_KEY=READY_KEY["X-API-Key"])
    url = f"http://127.0.0.1:{port}"
    try:
        body = wait_ready(url, process)
        assert body["checks"]["slskd"]["status"] == "not_configured"
        assert httpx.get(url + "/api/health").json()["status"] == "ok"
        assert "swagger" in httpx.get(url + "/api/docs").text.lower()
        login = httpx.get(url + "/", follow_redirects=False)
        assert login.status_code == 302 and login.headers["location"] == "/setup/"
        assert httpx.get(url + "/static/js/htmx.min.js").status_code == 200
        children = descendants(process.pid)
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
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if alive(pid)], "orphan processes left behind"


def test_serve_refuses_a_port_that_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=clean_env(tmp_path / "data"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
