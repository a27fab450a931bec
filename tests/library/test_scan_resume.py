"""Interrupted scans resume where they stopped; cancelled ones stop; one runner at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from library import services, tasks
from library.models import LibraryScan, TrackFile
from library.scanner import engine, reader
from tests.library.support import music_root, song

pytestmark = pytest.mark.django_db
Status = LibraryScan.Status


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "BATCH_FILES", 2)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = reader.read_file

    def spy(path: str, deep: bool = False) -> dict:
        opened.append(path)
        return real(path, deep)

    monkeypatch.setattr(reader, "read_file", spy)
    return opened


@pytest.fixture
def library() -> list[str]:
    root = music_root()
    return [str(song(root, "A", "B", n + 1, f"Song {n}", seed=n)) for n in range(6)]


def test_a_scan_out_of_time_hands_over_and_the_next_slice_reads_only_the_rest(
    small_batches,
    library: list[str],
    reads: list[str],
) -> None:
    scan = services.start_scan(background=False)

    assert services.run_scan(scan.pk, slice_seconds=1e-9) == "sliced"
    scan.refresh_from_db()
    assert scan.status == Status.RUNNING and scan.lease_expires_at is None
    assert (scan.files_seen, TrackFile.objects.count()) == (2, 2)
    first = list(reads)

    assert services.run_scan(scan.pk) == "completed"
    scan.refresh_from_db()
    assert sorted(first + reads[len(first) :]) == sorted(library)  # nothing read twice
    assert (scan.status, scan.files_new, scan.files_seen, scan.files_total) == (
        Status.COMPLETED,
        6,
        6,
        6,
    )


def test_the_task_continues_a_sliced_scan_in_a_new_task(
    small_batches,
    library,
    monkeypatch,
    settings,
) -> None:
    settings.SOULSPOT_SCAN_SLICE_SECONDS = 1e-9
    queued: list[tuple] = []
    monkeypatch.setattr(tasks, "enqueue", lambda *args: queued.append(args))
    scan = services.start_scan(background=False)

    message = tasks.run_scan(scan.pk)

    assert "continuing" in message and queued == [("library.tasks.run_scan", scan.pk)]


def test_a_scan_whose_worker_died_is_resumed_and_skips_what_it_wrote(
    small_batches,
    library: list[str],
    reads: list[str],
    monkeypatch,
) -> None:
    scan = services.start_scan(background=False)
    services.run_scan(scan.pk, slice_seconds=1e-9)
    # The worker dies holding the lease: nobody releases it, it simply runs out.
    expired = timezone.now() - timedelta(seconds=1)
    LibraryScan.objects.filter(pk=scan.pk).update(lease_expires_at=expired)
    queued: list[tuple] = []
    monkeypatch.setattr(services, "enqueue", lambda *args: queued.append(args))
    reads.clear()

    assert tasks.resume_interrupted_scans() == f"resumed scans [{scan.pk}]"
    assert tasks.run_scan(*queued[0][1:]) == f"scan #{scan.pk}: completed"

    assert sorted(reads) == sorted(library[2:])
    scan.refresh_from_db()
    assert (scan.status, scan.files_new, TrackFile.objects.count()) == (Status.COMPLETED, 6, 6)


def test_a_full_scan_resumes_by_what_it_stamped_after_it_began(
    small_batches,
    library: list[str],
    reads: list[str],
) -> None:
    services.run_scan(services.start_scan(background=False).pk)
    scan = services.start_scan(full=True, background=False)
    services.run_scan(scan.pk, slice_seconds=1e-9)
    done = list(reads[-2:])
    reads.clear()

    services.run_scan(scan.pk)

    assert sorted(reads) == sorted(set(library) - set(done))


def test_a_live_lease_keeps_a_second_runner_out(library) -> None:
    scan = services.start_scan(background=False)
    assert engine.claim(scan.pk) is not None

    assert services.run_scan(scan.pk) == "skipped"
    assert tasks.resume_interrupted_scans() == "no interrupted scan"
    assert not TrackFile.objects.exists()


def test_a_queued_scan_whose_task_got_lost_is_enqueued_again(monkeypatch) -> None:
    scan = services.start_scan(background=False)
    LibraryScan.objects.filter(pk=scan.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    queued: list[tuple] = []
    monkeypatch.setattr(services, "enqueue", lambda *args: queued.append(args))

    services.resume_interrupted_scans()

    assert queued == [("library.tasks.run_scan", scan.pk)]


def test_cancelling_a_running_scan_stops_it_at_the_next_batch(
    small_batches,
    library,
    reads,
) -> None:
    scan = services.start_scan(background=False)

    def cancel_after_first_batch(current: LibraryScan) -> None:
        if current.files_seen >= 2 and current.status == Status.RUNNING:
            services.cancel_scan(scan.pk)

    assert services.run_scan(scan.pk, progress=cancel_after_first_batch) == "skipped"

    scan.refresh_from_db()
    assert (scan.status, scan.is_active, scan.error) == (
        Status.CANCELLED,
        False,
        "cancelled by the user",
    )
    assert TrackFile.objects.count() == 2  # the batch in flight when it was cancelled is dropped
    assert len(reads) < len(library)


def test_cancelling_a_scan_that_is_not_active_is_refused() -> None:
    scan = services.start_scan(background=False)
    services.cancel_scan(scan.pk)
    with pytest.raises(services.ScanError):
        services.cancel_scan(scan.pk)


def test_an_unexpected_error_fails_the_scan_and_frees_the_slot(library, monkeypatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "make_plan", explode)
    scan = services.start_scan(background=False)

    with pytest.raises(RuntimeError):
        services.run_scan(scan.pk)

    scan.refresh_from_db()
    assert (scan.status, scan.is_active, scan.error) == (
        Status.FAILED,
        False,
        "RuntimeError: disk on fire",
    )
    services.start_scan(background=False)  # a new scan may start


def test_the_periodic_resume_does_not_crash_when_the_database_is_locked(monkeypatch) -> None:
    from django.db import OperationalError

    def locked() -> list[int]:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "resume_interrupted_scans", locked)

    assert tasks.resume_interrupted_scans() == "database is locked; skipped"


def test_a_batch_write_is_retried_when_the_database_is_locked(
    library,
    monkeypatch,
) -> None:
    from django.db import OperationalError

    from library.scanner import config
    from library.scanner.batch import BatchWriter

    monkeypatch.setattr(config.time, "sleep", lambda seconds: None)
    real, calls = BatchWriter.write, []

    def flaky(self: BatchWriter, results: list[dict]) -> object:
        calls.append(len(results))
        if len(calls) == 1:
            real(self, results)  # writes, then the commit "fails": everything rolls back
            raise OperationalError("database is locked")
        return real(self, results)

    monkeypatch.setattr(BatchWriter, "write", flaky)

    scan = services.start_scan(background=False)
    assert services.run_scan(scan.pk) == "completed"

    scan.refresh_from_db()
    assert len(calls) == 2 and scan.files_new == 6 and TrackFile.objects.count() == 6
