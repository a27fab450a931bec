"""The acceptance test of scheduled searches: 30 missing tracks, a budget of 10 searches per
window, against the fake slskd: 10 searches per window, never two at once, the rest later."""

from __future__ import annotations

import time

import pytest

from downloads import services
from downloads.models import DownloadJob
from downloads.services.wanted import SCHEDULED_PRIORITY, search_due_wanted
from tests.downloads.scheduled_search_support import (
    WORDS,
    budget,
    missing,
    network,
    queued_track_ids,
)
from tests.engine_support import all_settled, run_engine_until
from tests.factories import ArtistFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
# Long enough for ten searches and their transfers to finish inside one window.
WINDOW = 15


def test_thirty_missing_tracks_are_searched_ten_per_window_one_at_a_time(
    slskd_factory, settings, tmp_path, monkeypatch
) -> None:
    titles = WORDS[:30]
    fake = slskd_factory(network(tmp_path / "net", titles), speed_scale=200.0)
    budget(settings, 10, WINDOW)
    services.update_engine(max_concurrent=4)
    artist = ArtistFactory(name="Rho")
    tracks = [missing(title, artist=artist) for title in titles]
    searched: list[set[int]] = []
    spans = _record_search_spans(fake, monkeypatch)

    for window_number in range(3):
        started = time.time()
        result = search_due_wanted("missing")
        assert len(result.jobs) == 10, (window_number, result.summary())
        searched.append(queued_track_ids())
        assert DownloadJob.objects.filter(priority=SCHEDULED_PRIORITY).count() == 10 * (
            window_number + 1
        )
        run_engine_until(all_settled, timeout=60)
        assert fake.stats.searches_posted == 10 * (window_number + 1)
        # The budget is spent for this window: a run now queues nothing.
        assert time.time() - started < WINDOW, "searches too slow for this test's window"
        assert search_due_wanted("missing").summary() == "nothing to search"
        # Once the last of these searches has left the window, the next run has room again.
        if window_number < 2:
            time.sleep(WINDOW + 0.2)

    # Every track was searched once, never-searched first, and nothing is left for a run now.
    assert set().union(*searched) == {track.pk for track in tracks}
    assert all(len(batch) == 10 for batch in searched)
    assert search_due_wanted("missing").jobs == []
    # What the fake saw: 30 searches, each ended before the next began.
    assert len(spans["started"]) == len(spans["ended"]) == 30
    assert all(e <= s for e, s in zip(spans["ended"], spans["started"][1:], strict=False))
    assert fake.stats.max_searches_in_progress == 1
    # Ten started in each window; the 11th only once the 1st had left the window.
    starts = spans["started"]
    for first in (0, 10, 20):
        assert starts[first + 9] - starts[first] < WINDOW
    assert starts[10] - starts[0] >= WINDOW and starts[20] - starts[10] >= WINDOW


def _record_search_spans(fake, monkeypatch) -> dict[str, list[float]]:
    """When the fake slskd started and ended each search (its stats only keep counts)."""
    spans: dict[str, list[float]] = {"started": [], "ended": []}
    for event in spans:
        counted = getattr(fake.stats, f"search_{event}")

        def record(counted=counted, times=spans[event]) -> None:
            times.append(time.monotonic())
            counted()

        monkeypatch.setattr(fake.stats, f"search_{event}", record)
    return spans
