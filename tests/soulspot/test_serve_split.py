"""`serve --only web` and two `serve --only worker` on one PostgreSQL database, as on three
hosts: each has a data dir of its own (so no file, lock or budget is shared through the disk),
the queue is django-q2's ORM broker, and the one-search-at-a-time rule and the search budget
hold across them. Run it with ./.ci/with-postgres."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection, connections

from downloads.models import DownloadJob
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.engine_support import API_KEY as SLSKD_KEY
from tests.serve_support import READY_KEY, ROOT, clean_env, descendants, free_port

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="web and workers on separate hosts need PostgreSQL (run with ./.ci/with-postgres)",
    ),
]
WANTS = 20
# Slower than the engine searches unhindered (about one a second here): the budget must act.
BUDGET, WINDOW = 3, 4
BUDGET_REASON = "search limit reached"


def start(only: str, data_dir: Path, fake, port: int) -> subprocess.Popen:
    """`serve --only <only>` as its own host would run it: the shared database and secret."""
    env = clean_env(
        data_dir,
        SOULSPOT_PORT=str(port),
        SOULSPOT_SECRET_KEY=settings.SECRET_KEY,
        SOULSPOT_SECRET_KEY_FILE=str(settings.SOULSPOT_SECRET_KEY_FILE),
        SOULSPOT_DATABASE_NAME=str(connection.settings_dict["NAME"]),
        SOULSPOT_MUSIC_DIR=str(settings.MUSIC_DIR),
        SOULSPOT_API_KEY=READY_KEY["X-API-Key"],
        SOULSPOT_WORKERS="1",
        SOULSPOT_ENGINE_STEP_MS="100",
        SOULSPOT_METADATA_PROVIDERS="false",
        SLSKD_URL=fake.url,
        SLSKD_API_KEY=SLSKD_KEY,
        SLSKD_DOWNLOADS_DIR=str(fake.downloads_dir),
        SLSKD_SEARCH_TIMEOUT_MS="2000",
        SLSKD_SEARCH_BUDGET=str(BUDGET),
        SLSKD_SEARCH_WINDOW_SECONDS=str(WINDOW),
    )
    command = [sys.executable, "manage.py", "serve", "--only", only, "--web-workers", "1"]
    log = (data_dir / "serve.out").open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


class SearchCounter(threading.Thread):
    """Samples how many searches the fake slskd has received, to check every window later,
    and whether a job was ever held back by the budget (proof that it had to act)."""

    def __init__(self, fake) -> None:
        super().__init__(daemon=True)
        self.fake, self.samples, self.running, self.held_back = fake, [], True, False
        self.budget_reasons = DownloadJob.objects.filter(status_reason__startswith=BUDGET_REASON)

    def run(self) -> None:
        try:
            while self.running:
                self.samples.append((time.monotonic(), self.fake.stats.searches_posted))
                self.held_back = self.held_back or self.budget_reasons.exists()
                time.sleep(0.05)
        finally:
            connections.close_all()

    def most_in_a_window(self, window: float) -> int:
        """The most searches seen between two samples less than `window` seconds apart."""
        return max(
            later - earlier
            for i, (start, earlier) in enumerate(self.samples)
            for end, later in self.samples[i:]
            if end - start < window
        )


def command_lines(pid: int) -> str:
    lines = []
    for child in descendants(pid):
        try:
            lines.append(Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return "\n".join(lines)


def share_tracks(tmp_path: Path) -> Network:
    network = Network.build(tmp_path / "net")
    peer = network.add_user("crowd", upload_speed=4_000_000)
    for n in range(1, WANTS + 1):
        audio = make_audio(tmp_path / "net" / f"{n}.flac", seconds=2, seed=n)
        peer.share(f"Music\\Numbers\\Count\\{n:02d} - Numbers - Song {n}.flac", audio)
    return network


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc to find child processes")
def test_one_web_and_two_workers_share_the_queue_one_search_and_the_budget(
    slskd_factory, tmp_path: Path
) -> None:
    fake = slskd_factory(share_tracks(tmp_path))
    port = free_port()
    dirs = [tmp_path / name for name in ("web", "worker-1", "worker-2")]
    for data_dir in dirs:
        data_dir.mkdir()
    web = start("web", dirs[0], fake, port)
    workers = [start("worker", data_dir, fake, free_port()) for data_dir in dirs[1:]]
    counter = SearchCounter(fake)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_web(url, web)
        counter.start()
        for n in range(1, WANTS + 1):
            want = {"artist": "Numbers", "title": f"Song {n}", "duration_ms": 2000}
            response = httpx.post(f"{url}/api/downloads", json=want, headers=READY_KEY)
            assert response.status_code == 201, response.text
        wait_until_completed(timeout=75)
        assert "qcluster" not in command_lines(web.pid)
        for worker in workers:
            assert "qcluster" in command_lines(worker.pid)
            assert "gunicorn" not in command_lines(worker.pid)
    finally:
        counter.running = False
        stop_all([web, *workers])
    assert fake.stats.searches_posted >= WANTS
    assert fake.stats.max_searches_in_progress == 1
    # Half a second of slack: the budget stamps a search just before the fake receives it.
    assert counter.most_in_a_window(WINDOW - 0.5) <= BUDGET
    assert counter.held_back
    assert sorted(set(fake.stats.enqueues.values())) == [1]  # nothing downloaded twice
    for data_dir in dirs[1:]:
        assert "SoulSpot worker is running" in (data_dir / "serve.out").read_text()


def wait_for_web(url: str, web: subprocess.Popen, timeout: float = 60) -> None:
    """The web process answers; the workers pick the wants up whenever they are ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert web.poll() is None, "serve --only web exited early"
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("serve --only web did not answer in time")


def wait_until_completed(timeout: float) -> None:
    deadline = time.monotonic() + timeout
    completed = DownloadJob.objects.filter(status=DownloadJob.Status.COMPLETED)
    while completed.count() < WANTS:
        if time.monotonic() > deadline:
            states = list(DownloadJob.objects.values_list("status", "status_reason", "error"))
            raise AssertionError(f"not all wants completed: {states}")
        time.sleep(0.5)


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
