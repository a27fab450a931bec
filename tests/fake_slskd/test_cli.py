"""`python -m fakes.slskd` starts, answers, and exits cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes.slskd", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    assert line.startswith("fake slskd listening on http://127.0.0.1:"), process.stderr.read()
    return process, line.split()[-1]


def test_the_cli_serves_health_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    process, url = _start(
        "--port", str(port), "--api-key", "cli-key-0123456789", "--downloads", str(tmp_path / "dl")
    )
    try:
        assert url == f"http://127.0.0.1:{port}"
        assert httpx.get(f"{url}/health").text == "Healthy"
        version = httpx.get(
            f"{url}/api/v0/application/version", headers={"X-API-Key": "cli-key-0123456789"}
        )
        assert version.json() == "0.26.0.0"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert (tmp_path / "dl").is_dir()


def test_the_cli_loads_a_network_and_scenario(tmp_path: Path) -> None:
    network = tmp_path / "net"
    network.mkdir()
    (network / "a.txt").write_text("hello")
    scenario = {"users": [{"name": "u", "shares": {"Docs\\notes a.txt": "a.txt"}}]}
    (tmp_path / "s.json").write_text(json.dumps(scenario))
    process, url = _start(
        "--port",
        str(_free_port()),
        "--downloads",
        str(tmp_path / "dl"),
        "--network",
        str(network),
        "--scenario",
        str(tmp_path / "s.json"),
        "--speed-scale",
        "20",
        "--no-auth",
    )
    try:
        reply = httpx.post(f"{url}/api/v0/users/u/directory", json={"directory": "Docs"})
        assert reply.json()[0]["files"][0]["filename"] == "notes a.txt"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_a_bad_scenario_exits_with_status_2(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"users": [{"nam": "x"}]}')
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "fakes.slskd",
            "--downloads",
            str(tmp_path / "dl"),
            "--network",
            str(tmp_path),
            "--scenario",
            str(tmp_path / "bad.json"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "every user needs a name" in result.stderr
