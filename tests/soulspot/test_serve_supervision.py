"""`serve` heals: a worker killed outright comes back while the web server keeps answering."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.serve_support import READY_KEY, descendants, free_port, start_serve, wait_ready

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="uses /proc to find child processes"),
]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    return [p for p in descendants(pid) if int(_stat(p)[1]) == pid]


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _heartbeat_pid(url: str) -> int | None:
    try:
        body = httpx.get(url + "/api/health/ready", headers=READY_KEY, timeout=2).json()
    except (httpx.HTTPError, ValueError):
        return None
    worker = body["checks"]["worker"]
    found = re.search(r"ago from .*:(\d+)$", worker["detail"])
    seconds = re.search(r"last heartbeat (\d+) s ago", worker["detail"])
    if not (worker["ok"] and found and seconds and int(seconds.group(1)) < 30):
        return None
    return int(found.group(1))


def _wait_gone(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not path.exists(), f"{path} was not cleaned up"


def _wait_answering(url: str, process: subprocess.Popen, since: float) -> float:
    time.sleep(0.5)  # let the kill land before the first question
    while time.monotonic() - since < 30:
        assert process.poll() is None, "serve stopped when its web server died"
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return time.monotonic() - since
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the web server did not come back in 30 s")


class HealthProbe(threading.Thread):
    """Asks /api/health every 0.2 s and remembers every answer that was not 200."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.asked, self.failures = url, 0, []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                status = httpx.get(self.url + "/api/health", timeout=5).status_code
            except httpx.HTTPError as exc:
                status = repr(exc)
            self.asked += 1
            if status != 200:
                self.failures.append(status)
            time.sleep(0.2)


def test_a_killed_worker_is_restarted_and_heartbeats_while_the_web_keeps_answering(
    tmp_path: Path,
) -> None:
    port = free_port()
    # What a full disk left in an album folder during the previous run.
    leftover = tmp_path / "data" / "music" / "A" / "B" / ".soulspot-tmp-0123456789abcdef.json-new"
    leftover.parent.mkdir(parents=True)
    leftover.touch()
    os.utime(leftover, (time.time() - 7200,) * 2)
    process = start_serve(
        tmp_path / "data", port, SOULSPOT_API_KEY=READY_KEY["X-API-Key"], SOULSPOT_WORKERS="1"
    )
    url = f"http://127.0.0.1:{port}"
    probe = HealthProbe(url)
    try:
        wait_ready(url, process)
        _wait_gone(leftover)  # cleaned at start, before any import could own it
        leader = next(p for p in _children(process.pid) if "qcluster" in _cmdline(p))
        old_worker_pids = descendants(leader) | {leader}
        probe.start()
        time.sleep(1)
        os.kill(leader, signal.SIGKILL)
        killed_at = time.monotonic()
        beating = None
        while time.monotonic() - killed_at < 30 and beating is None:
            assert process.poll() is None, "serve stopped when its worker died"
            pid = _heartbeat_pid(url)
            beating = pid if pid is not None and pid not in old_worker_pids else None
            time.sleep(0.5)
        recovered_in = time.monotonic() - killed_at
        time.sleep(1)
        probe.done.set()
        probe.join(timeout=10)
        # The web server too: killed outright, it answers again while the worker keeps running.
        web = next(p for p in _children(process.pid) if "gunicorn" in _cmdline(p))
        worker_now = next(p for p in _children(process.pid) if "qcluster" in _cmdline(p))
        os.kill(web, signal.SIGKILL)
        web_back_in = _wait_answering(url, process, since=time.monotonic())
        assert worker_now in _children(process.pid)
    finally:
        probe.done.set()
        if probe.is_alive():
            probe.join(timeout=10)  # its last answer comes before the stop below
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert beating is not None, f"no heartbeat from a new worker in 30 s:\n{output[-3000:]}"
    print(f"worker back and heartbeating {recovered_in:.1f} s after kill -9")
    print(f"web answering again {web_back_in:.1f} s after kill -9")
    assert probe.asked > 10 and probe.failures == []
    assert "worker exited with code -9; restarting in 1 s" in output
    assert "web exited with code -9; restarting in 1 s" in output
    assert process.returncode == 0, output[-3000:]
    log_file = (tmp_path / "data" / "logs" / "soulspot.log").read_text()
    assert "restarting worker" in log_file
    assert "Listening at: http://127.0.0.1" in log_file  # gunicorn's own lines, via the pipe
    assert not [pid for pid in old_worker_pids if Path(f"/proc/{pid}").exists()]
