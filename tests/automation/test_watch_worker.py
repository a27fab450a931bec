"""Release checks with a real django-q2 worker: 51 watched artists checked in one run at
MusicBrainz's pace (the fake refuses anything faster), the run killed halfway and resumed
without asking again for the artists it had already checked."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from automation.models import ReleaseGroup, WatchedArtist
from automation.watching import watches
from automation.watching.watches import WatchOptions
from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from library.models import Artist
from soulspot.lib.queue import enqueue
from tests.automation.watch_support import ARTIST, add_discography
from tests.serve_support import start_qcluster, wait_for_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]
ARTISTS = 50
INTERVAL_MS = 200


def _checked() -> set[int]:
    return set(
        WatchedArtist.objects.filter(last_checked_at__isnull=False).values_list("pk", flat=True)
    )


def _watch_everyone(catalog: MetadataCatalog) -> tuple[WatchedArtist, list[WatchedArtist]]:
    disco = add_discography(catalog)
    first = Artist.objects.create(name=ARTIST, musicbrainz_id=disco.artist_id)
    dynamo = watches.watch_library_artist(
        first.pk, WatchOptions(want="all", release_types=["album"])
    )
    others = []
    for n in range(ARTISTS):
        added = catalog.add_release(
            f"Record {n}", f"Band {n:02d}", [f"Song {n}"], date="2001-01-01"
        )
        artist = Artist.objects.create(name=f"Band {n:02d}", musicbrainz_id=added.artist_ids[0])
        others.append(watches.watch_library_artist(artist.pk, WatchOptions(want="none")))
    # Due in a known order: Dynamo Go first, then the bands.
    start = timezone.now() - timedelta(hours=1)
    for offset, watch in enumerate([dynamo, *others]):
        WatchedArtist.objects.filter(pk=watch.pk).update(
            next_check_at=start + timedelta(seconds=offset)
        )
    return dynamo, others


@pytest.fixture
def worker(tmp_path, settings):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    running: list[subprocess.Popen] = []

    def start(url: str) -> subprocess.Popen:
        process = start_qcluster(
            data_dir,
            SOULSPOT_WORKERS="2",
            SOULSPOT_METADATA_PROVIDERS="true",
            SOULSPOT_SEARCH_NEW_WANTS="false",
            SOULSPOT_MUSICBRAINZ_RATE_LIMIT_MS=str(INTERVAL_MS),
            MUSICBRAINZ_URL=url,
            NO_PROXY="127.0.0.1,localhost",
        )
        running.append(process)
        return process

    def kill(process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    yield start, kill
    for process in running:
        if process.poll() is None:
            kill(process)


def test_a_run_keeps_musicbrainz_pace_and_resumes_after_a_kill(worker) -> None:
    start, kill = worker
    catalog = MetadataCatalog()
    dynamo, others = _watch_everyone(catalog)
    fake = FakeMusicBrainz(catalog, enforce_rate_limit=True, min_interval=INTERVAL_MS / 1000 - 0.05)
    url = fake.start()
    try:
        first = start(url)
        enqueue("automation.tasks.check_watched_artists")
        wait_for_worker(lambda: len(_checked()) >= 20, 120, "the first 20 checks")
        kill(first)
        checked_before = _checked()
        in_flight = set(
            WatchedArtist.objects.filter(
                claimed_until__isnull=False, last_checked_at__isnull=True
            ).values_list("pk", flat=True)
        )
        start(url)
        enqueue("automation.tasks.check_watched_artists")
        everyone = {dynamo.pk, *(w.pk for w in others)}
        wait_for_worker(lambda: _checked() | in_flight == everyone, 120, "the rest of the run")
        # The check the kill interrupted is taken over once its claim expires.
        WatchedArtist.objects.filter(pk__in=in_flight).update(
            claimed_until=timezone.now() - timedelta(seconds=1)
        )
        enqueue("automation.tasks.check_watched_artists")
        wait_for_worker(lambda: _checked() == everyone, 60, "the interrupted check")
    finally:
        fake.stop()

    browses = Counter(
        r.arg("artist") for r in fake.requests if r.path.startswith("/ws/2/release-group")
    )
    by_watch = {w.pk: w.musicbrainz_id for w in WatchedArtist.objects.all()}
    assert len(checked_before) >= 20
    # Every artist checked before the kill was asked exactly once in the whole run.
    assert {by_watch[pk]: browses[by_watch[pk]] for pk in checked_before} == {
        by_watch[pk]: 1 for pk in checked_before
    }
    assert set(browses) == set(by_watch.values())
    times = sorted(r.at for r in fake.requests)
    assert min(b - a for a, b in itertools.pairwise(times)) >= INTERVAL_MS / 1000 - 0.05
    wanted = ReleaseGroup.objects.filter(watch=dynamo, state=ReleaseGroup.State.WANTED)
    assert sorted(wanted.values_list("title", flat=True)) == ["First Light", "Second Sun"]
