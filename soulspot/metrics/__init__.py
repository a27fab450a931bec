"""Prometheus metrics at /metrics: figures read from the database at scrape time, and HTTP
requests counted by the web process.

Two kinds of series, collected differently on purpose:

* Everything the database knows (jobs, searches, imports, library, providers, queue, worker
  heartbeat) is read when Prometheus scrapes (`collector.DatabaseCollector`), a fixed handful of
  aggregate queries whatever the size of the library. Every web process, on every host, answers
  the same numbers, and a restart loses nothing.
* HTTP requests by route and status, and their latency (`middleware`), happen inside the web
  processes and exist nowhere else. gunicorn runs several worker processes and each scrape
  reaches one of them at random; per-process counters would make every scrape see another
  process's count, which Prometheus reads as constant resets. So `serve` runs gunicorn in
  prometheus_client's multiprocess mode (`multiprocess_env`): every worker writes its counts
  to a memory-mapped file in SOULSPOT_METRICS_DIR and a scrape sums the files. The folder is
  emptied when `serve` starts, so the counters start from zero with the process (Prometheus
  handles that reset) and the folder does not grow with restarts. Outside `serve` (runserver,
  tests) the process counts in memory on its own. With web processes on several hosts, each
  host's /metrics counts its own requests: scrape every host.
"""

from __future__ import annotations

from pathlib import Path

# prometheus_client switches to multiprocess mode when this is set before it is first imported.
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_env(folder: Path) -> dict[str, str]:
    """Empty `folder` of a previous run's counts and return the environment that puts a web
    server's processes in multiprocess mode there (for `serve` to pass to gunicorn)."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)
    return {MULTIPROCESS_ENV: str(folder)}
