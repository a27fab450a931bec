"""HTTP counts under `serve`: several gunicorn workers answer, one /metrics sums them all."""

from __future__ import annotations

import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.serve_support import READY_KEY, ROOT, clean_env, free_port, wait_ready
from tests.soulspot.test_metrics import TOKEN, parse, value

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
REQUESTS = 24


def test_every_web_worker_is_counted_whichever_answers_the_scrape(tmp_path: Path) -> None:
    data, port = tmp_path / "data", free_port()
    stale = data / "metrics" / "counter_999999.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by a previous run")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--web-workers", "3"],
        cwd=ROOT,
        env=clean_env(
            data,
            SOULSPOT_PORT=str(port),
            SOULSPOT_API_KEY=READY_KEY["X-API-Key"],
            SOULSPOT_METRICS_TOKEN=TOKEN,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        assert not stale.exists(), "serve starts the counts afresh"
        # Concurrent requests, each on its own connection, keep several workers busy.
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda _: httpx.get(url + "/").status_code, range(REQUESTS)))
        assert statuses == [302] * REQUESTS  # to the first-run setup form
        scrapes = [
            parse(httpx.get(url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text)
            for _ in range(3)
        ]
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    route = {"route": "/", "method": "GET", "status": "302"}
    # Whichever worker answered each scrape, it counted every worker's requests.
    assert [value(s, "soulspot_http_requests_total", **route) for s in scrapes] == [REQUESTS] * 3
    assert len(list((data / "metrics").glob("counter_*.db"))) >= 2, output[-2000:]
