"""One search in flight: the engine and manual searches take turns on the search slot."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads import search_slot, searches, services
from downloads.engine import step
from downloads.models import DownloadJob, ManualSearch
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.engine_support import all_settled, run_engine_until
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = DownloadJob.Status
OTHER = "99999999-9999-4999-8999-999999999999"
TITLES = ["One", "Two", "Three", "Four"]


def _network(root: Path, **user) -> Network:
    net = Network.build(root)
    peer = net.add_user("peer", **user)
    for n, title in enumerate(TITLES, start=1):
        audio = make_audio(root / f"{n}.flac", seconds=5, seed=n)
        peer.share(f"Music\\Rho\\Rho - {title}.flac", audio)
    return net


def _want(title: str) -> DownloadJob:
    return services.queue_track_download(artist="Rho", title=title, duration_ms=5000)


def test_several_jobs_due_at_once_never_have_two_searches_in_flight(
    slskd_factory, tmp_path
) -> None:
    # Slow peers' replies keep each search open long enough for others to overlap it.
    fake = slskd_factory(_network(tmp_path / "net"), speed_scale=10.0)
    services.update_engine(max_concurrent=4)
    jobs = [_want(title) for title in TITLES]
    reasons: set[str] = set()

    def watch() -> bool:
        assert DownloadJob.objects.filter(status=Status.SEARCHING).count() <= 1
        reasons.update(DownloadJob.objects.values_list("status_reason", flat=True))
        return all_settled()

    run_engine_until(watch)
    assert fake.stats.max_searches_in_progress == 1
    assert fake.stats.searches_posted >= len(jobs)
    assert search_slot.WAIT_REASON in reasons
    assert set(DownloadJob.objects.values_list("status", flat=True)) == {Status.IMPORTING}
    assert search_slot.current() is None


def test_a_job_with_a_file_left_starts_its_transfer_while_another_search_runs(
    slskd_factory, tmp_path
) -> None:
    slskd_factory(_network(tmp_path / "net"))
    search_slot.claim(OTHER, "manual search #7", seconds=600)
    needs_search = _want("One")
    has_file = _want("Two")
    size = (tmp_path / "net" / "2.flac").stat().st_size
    name = "Music\\Rho\\Rho - Two.flac"
    CandidateFactory(job=has_file, username="peer", filename=name, size=size, rank=1)
    step()
    needs_search.refresh_from_db()
    has_file.refresh_from_db()
    assert needs_search.status == Status.QUEUED
    assert needs_search.status_reason == search_slot.WAIT_REASON
    assert has_file.status == Status.DOWNLOADING
    assert search_slot.current().search_id == OTHER


def test_the_engine_lets_a_waiting_manual_search_go_first(slskd_factory, tmp_path) -> None:
    fake = slskd_factory(_network(tmp_path / "net"))
    manual = ManualSearch.objects.create(artist="Rho", title="Four")
    job = _want("One")
    step()
    job.refresh_from_db()
    assert (job.status, job.status_reason) == (Status.QUEUED, search_slot.WAIT_REASON)
    assert fake.stats.searches_posted == 0
    ManualSearch.objects.filter(pk=manual.pk).update(status=ManualSearch.Status.DONE)
    step()
    assert DownloadJob.objects.get(pk=job.pk).status == Status.SEARCHING


def test_a_search_left_behind_by_a_cancelled_job_holds_the_slot_until_slskd_ends_it(
    slskd_factory, settings, tmp_path
) -> None:
    fake = slskd_factory(_network(tmp_path / "net"), speed_scale=10.0)
    settings.SLSKD_SEARCH_TIMEOUT_MS = 600_000  # the first search runs until it is stopped
    first = _want("One")
    step()
    first.refresh_from_db()
    assert first.status == Status.SEARCHING
    settings.SLSKD_SEARCH_TIMEOUT_MS = 2000
    services.cancel_job(first)
    second = _want("Two")
    step()
    # slskd is still running the cancelled job's search: the next one waits for it.
    assert DownloadJob.objects.get(pk=second.pk).status_reason == search_slot.WAIT_REASON
    assert search_slot.current().search_id == first.search_id
    fake.searches.stop(fake.searches.get(first.search_id))  # slskd ends it
    run_engine_until(all_settled)
    assert DownloadJob.objects.get(pk=second.pk).status == Status.IMPORTING
    assert fake.stats.max_searches_in_progress == 1


def test_a_search_whose_reply_was_garbled_keeps_the_slot_until_slskd_ends_it(
    slskd_factory, tmp_path
) -> None:
    fake = slskd_factory(_network(tmp_path / "net"), speed_scale=10.0)
    services.update_engine(max_concurrent=2)
    fake.break_route("searches", mode="malformed_json", count=1, method="POST")
    _want("One")
    _want("Two")
    run_engine_until(all_settled)
    assert fake.stats.max_searches_in_progress == 1
    assert set(DownloadJob.objects.values_list("status", flat=True)) == {Status.IMPORTING}


def test_a_manual_search_waits_for_the_running_search_then_runs(
    slskd_factory, tmp_path, monkeypatch
) -> None:
    slskd_factory(_network(tmp_path / "net"))
    monkeypatch.setattr(searches, "SLOT_POLL_SECONDS", 0.01)
    search_slot.claim(OTHER, "download #3", seconds=600)
    found = ManualSearch.objects.create(artist="Rho", title="Two")
    seen: list[str] = []
    real_check = search_slot.release_if_finished

    def other_search_ends_on_the_third_look(client):
        seen.append(ManualSearch.objects.get(pk=found.pk).status_reason)
        if len(seen) == 3:
            search_slot.release(OTHER)
        return real_check(client)

    monkeypatch.setattr(search_slot, "release_if_finished", other_search_ends_on_the_third_look)
    searches.run_manual_search(found)
    assert seen == [search_slot.WAIT_REASON] * 3
    assert found.status == ManualSearch.Status.DONE and found.status_reason == ""
    assert any("Rho - Two" in r["filename"] for r in found.results), found.results
    assert search_slot.current() is None


def test_a_manual_search_that_never_gets_the_slot_fails_with_a_clear_message(
    slskd_factory, tmp_path, monkeypatch
) -> None:
    fake = slskd_factory(_network(tmp_path / "net"))
    monkeypatch.setattr(searches, "SLOT_POLL_SECONDS", 0.01)
    monkeypatch.setattr(search_slot, "manual_lease_seconds", lambda: 0.05)
    search_slot.claim(OTHER, "download #3", seconds=600)
    found = searches.run_manual_search(ManualSearch.objects.create(artist="Rho", title="Two"))
    assert found.status == ManualSearch.Status.FAILED
    assert found.error.startswith("another search kept Soulseek busy")
    assert fake.stats.searches_posted == 0
    assert search_slot.current().search_id == OTHER


def test_the_search_page_says_a_manual_search_is_waiting_its_turn(logged_in_client) -> None:
    found = ManualSearch.objects.create(
        artist="Rho", title="Two", status_reason=search_slot.WAIT_REASON
    )
    page = logged_in_client.get(f"/downloads/search/{found.pk}/").content.decode()
    assert "Waiting for another search to finish" in page
