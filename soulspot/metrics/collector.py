"""What the database knows, read at scrape time: a fixed number of aggregate queries.

Each `_section` function yields the metric families of one part of SoulSpot. Counts of rows
that come and go (jobs by status, files by format) are gauges; counts that only grow (searches
made, provider requests) are counters, which reset only when their rows are cleared (clearing
the provider cache resets its counters, and Prometheus's `rate()` handles a reset).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import Count, IntegerField, Max, Min, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django_q.models import OrmQ, Task
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from downloads.models import Candidate, DownloadJob, EngineSettings, ManualSearch, SearchSlot
from downloads.slskd import budget_from_settings
from library.models import (
    Album,
    Artist,
    DuplicateGroup,
    HistoryEvent,
    LibraryScan,
    Track,
    TrackFile,
)
from metadata.models import ImportBatch, ImportItem, MetadataGap
from metadata.providers.cache import NOT_FOUND_KIND, CacheFigure, cache_figures
from soulspot.models import WorkerHeartbeat

Family = GaugeMetricFamily | CounterMetricFamily


class DatabaseCollector(Collector):
    """Every SoulSpot series that is read from the database rather than counted in-process."""

    def collect(self) -> Iterator[Family]:
        for section in (
            _build,
            _jobs,
            _transfers,
            _engine,
            _searches,
            _imports,
            _library,
            _library_files,
            _scans,
            _providers,
            _queue,
            _worker,
        ):
            yield from section()

    def describe(self) -> list[Family]:
        # Nothing to check against other collectors, and no queries when it is registered.
        return []


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def _by_label(
    family: Family, rows: Iterable[dict], label_keys: tuple[str, ...], value_key: str
) -> Family:
    for row in rows:
        family.add_metric([str(row[key]) for key in label_keys], row[value_key] or 0)
    return family


def _count_by(family: Family, queryset: QuerySet, field: str, choices: Iterable[str]) -> Family:
    """Rows per value of `field`, every one of `choices` present (0 when none), so a panel or
    an alert on one value never sees "no data"."""
    rows = queryset.order_by().values(field).annotate(n=Count("pk"))
    counts = {row[field]: row["n"] for row in rows}
    for choice in dict.fromkeys([*choices, *counts]):
        family.add_metric([str(choice)], counts.get(choice, 0))
    return family


def _age_seconds(moment: datetime | None, now: datetime) -> float:
    return max((now - moment).total_seconds(), 0.0) if moment is not None else 0.0


def _build() -> Iterator[Family]:
    info = GaugeMetricFamily(
        "soulspot_build_info", "The running SoulSpot version (always 1).", labels=["version"]
    )
    info.add_metric([settings.VERSION], 1)
    yield info


def _jobs() -> Iterator[Family]:
    rows = DownloadJob.objects.order_by().values("status", "kind").annotate(n=Count("pk"))
    jobs = GaugeMetricFamily(
        "soulspot_download_jobs",
        "Download jobs by status and kind (track or album).",
        labels=["status", "kind"],
    )
    seen = {(row["status"], row["kind"]) for row in rows}
    # Every status is always present, so a panel or alert on one never sees "no data".
    missing = [
        {"status": status, "kind": kind, "n": 0}
        for status in DownloadJob.Status.values
        for kind in DownloadJob.Kind.values
        if (status, kind) not in seen
    ]
    yield _by_label(jobs, [*rows, *missing], ("status", "kind"), "n")


def _transfers() -> Iterator[Family]:
    downloading = Q(status=DownloadJob.Status.DOWNLOADING, kind=DownloadJob.Kind.TRACK)
    figures = DownloadJob.objects.aggregate(
        active=Count("pk", filter=downloading),
        received=Sum("bytes_transferred", filter=downloading),
        size=Sum("bytes_total", filter=downloading),
        speed=Sum("speed_bps", filter=downloading),
        completed=Sum(
            "bytes_total",
            filter=Q(status=DownloadJob.Status.COMPLETED, kind=DownloadJob.Kind.TRACK),
        ),
    )
    yield _gauge(
        "soulspot_transfers_active", "Files being downloaded from Soulseek now.", figures["active"]
    )
    yield _gauge(
        "soulspot_transfer_received_bytes",
        "Bytes received so far by the transfers running now.",
        figures["received"] or 0,
    )
    yield _gauge(
        "soulspot_transfer_size_bytes",
        "Total size of the files being downloaded now.",
        figures["size"] or 0,
    )
    yield _gauge(
        "soulspot_transfer_speed_bytes_per_second",
        "Sum of slskd's average speeds of the transfers running now.",
        figures["speed"] or 0,
    )
    yield _gauge(
        "soulspot_downloaded_bytes",
        "Size of the files of the completed track jobs SoulSpot keeps.",
        figures["completed"] or 0,
    )


def _engine() -> Iterator[Family]:
    engine = EngineSettings.objects.filter(pk=1).first() or EngineSettings()
    yield _gauge(
        "soulspot_engine_paused", "1 while the download engine is paused.", int(engine.paused)
    )
    yield _gauge(
        "soulspot_engine_max_concurrent",
        "Jobs the engine lets search or download at once.",
        engine.max_concurrent,
    )
    busy = SearchSlot.objects.filter(pk=1, until__gte=timezone.now()).exclude(search_id="")
    yield _gauge("soulspot_search_slot_busy", "1 while a search runs on slskd.", int(busy.exists()))
    budget = budget_from_settings()
    yield _gauge(
        "soulspot_search_budget_remaining",
        "Searches that could start now within the Soulseek search budget.",
        budget.remaining(),
    )
    yield _gauge(
        "soulspot_search_budget_limit",
        "Searches allowed per budget window (SLSKD_SEARCH_BUDGET).",
        budget.limit,
    )
    yield _gauge(
        "soulspot_search_budget_window_seconds",
        "Length of the search budget's sliding window (SLSKD_SEARCH_WINDOW_SECONDS).",
        budget.window,
    )


def _searches() -> Iterator[Family]:
    # The want history records every search for a track with the files found and those that
    # passed the checks (an album's folder search records no history: its jobs show it).
    def detail_number(key: str) -> Cast:
        return Cast(KeyTextTransform(key, "detail"), IntegerField())

    rows = list(
        HistoryEvent.objects.order_by()
        .values("type")
        .annotate(
            n=Count("pk"),
            files=Sum(detail_number("files")),
            accepted=Sum(detail_number("accepted")),
        )
    )
    searched = next((r for r in rows if r["type"] == HistoryEvent.Type.SEARCHED), {})
    yield CounterMetricFamily(
        "soulspot_searches",
        "Searches the download engine ran on Soulseek for tracks.",
        value=searched.get("n") or 0,
    )
    yield CounterMetricFamily(
        "soulspot_search_result_files",
        "Files those searches found.",
        value=searched.get("files") or 0,
    )
    yield CounterMetricFamily(
        "soulspot_search_accepted_files",
        "Files found by searches that passed the matcher's checks.",
        value=searched.get("accepted") or 0,
    )
    events = CounterMetricFamily(
        "soulspot_history_events", "Want history events by type.", labels=["type"]
    )
    counts = {row["type"]: row["n"] for row in rows}
    for event_type in dict.fromkeys([*HistoryEvent.Type.values, *counts]):
        events.add_metric([event_type], counts.get(event_type, 0))
    yield events
    candidates = GaugeMetricFamily(
        "soulspot_search_candidates",
        "Files kept from searches for download jobs, by state.",
        labels=["state"],
    )
    yield _count_by(candidates, Candidate.objects.all(), "state", Candidate.State.values)
    manual = GaugeMetricFamily(
        "soulspot_manual_searches", "Searches run by hand, by status.", labels=["status"]
    )
    yield _count_by(manual, ManualSearch.objects.all(), "status", ManualSearch.Status.values)


def _imports() -> Iterator[Family]:
    items = GaugeMetricFamily(
        "soulspot_import_items",
        "Files through the import pipeline, by outcome (imported, skipped, failed...).",
        labels=["state"],
    )
    yield _count_by(items, ImportItem.objects.all(), "state", ImportItem.State.values)
    batches = GaugeMetricFamily(
        "soulspot_import_batches", "Folder imports, by status.", labels=["status"]
    )
    yield _count_by(batches, ImportBatch.objects.all(), "status", ImportBatch.Status.values)


def _library() -> Iterator[Family]:
    tracks = GaugeMetricFamily(
        "soulspot_library_tracks", "Tracks in the catalogue, by status.", labels=["status"]
    )
    yield _count_by(tracks, Track.objects.all(), "status", Track.Status.values)
    yield _gauge("soulspot_library_albums", "Albums in the catalogue.", Album.objects.count())
    yield _gauge("soulspot_library_artists", "Artists in the catalogue.", Artist.objects.count())
    groups = GaugeMetricFamily(
        "soulspot_library_duplicate_groups",
        "Open groups of duplicate files, by kind (identical files or same recording).",
        labels=["kind"],
    )
    yield _count_by(groups, DuplicateGroup.objects.open(), "kind", DuplicateGroup.Kind.values)


def _library_files() -> Iterator[Family]:
    present = TrackFile.objects.present().order_by()
    rows = list(present.values("format", "quality").annotate(n=Count("pk"), size=Sum("size")))
    files = GaugeMetricFamily(
        "soulspot_library_files",
        "Audio files in the library, by format and quality.",
        labels=["format", "quality"],
    )
    size = GaugeMetricFamily(
        "soulspot_library_file_bytes",
        "Size of the library's audio files, by format and quality.",
        labels=["format", "quality"],
    )
    yield _by_label(files, rows, ("format", "quality"), "n")
    yield _by_label(size, rows, ("format", "quality"), "size")
    health = TrackFile.objects.aggregate(
        broken=Count("pk", filter=Q(is_broken=True, is_missing=False)),
        missing=Count("pk", filter=Q(is_missing=True)),
        duplicates=Count("pk", filter=Q(duplicate_group__status=DuplicateGroup.Status.OPEN)),
    )
    yield _gauge("soulspot_library_broken_files", "Files that fail to decode.", health["broken"])
    yield _gauge(
        "soulspot_library_missing_files",
        "Files the last scan did not find on disk any more.",
        health["missing"],
    )
    yield _gauge(
        "soulspot_library_duplicate_files",
        "Files in an open group of duplicates.",
        health["duplicates"],
    )


def _scans() -> Iterator[Family]:
    now = timezone.now()
    last = (
        LibraryScan.objects.filter(status=LibraryScan.Status.COMPLETED, started_at__isnull=False)
        .order_by("-finished_at", "-pk")
        .only("started_at", "finished_at", "files_seen", "is_active")
        .first()
    )
    running = LibraryScan.objects.active().filter(status=LibraryScan.Status.RUNNING).exists()
    yield _gauge("soulspot_library_scan_running", "1 while a library scan runs.", int(running))
    duration = last.duration_seconds if last is not None else 0
    yield _gauge(
        "soulspot_library_last_scan_duration_seconds",
        "How long the last completed library scan took (0 before the first).",
        duration or 0,
    )
    finished = last.finished_at if last is not None else None
    yield _gauge(
        "soulspot_library_last_scan_timestamp_seconds",
        "When the last completed library scan finished, as a Unix time (0 before the first).",
        finished.timestamp() if finished else 0,
    )
    yield _gauge(
        "soulspot_library_last_scan_age_seconds",
        "Seconds since the last completed library scan finished (0 before the first).",
        _age_seconds(finished, now),
    )


def _providers() -> Iterator[Family]:
    figures = cache_figures()
    seen = {figure.kind for figure in figures}
    requests = CounterMetricFamily(
        "soulspot_provider_requests",
        "Answers fetched from a metadata service (cache misses), by kind of request.",
        labels=["kind"],
    )
    hits = CounterMetricFamily(
        "soulspot_provider_cache_hits",
        "Answers served from the provider cache, by kind of request.",
        labels=["kind"],
    )
    ratio = GaugeMetricFamily(
        "soulspot_provider_cache_hit_ratio",
        "Share of answers served from the cache since it was last cleared (0..1).",
        labels=["kind"],
    )
    # The kinds with a configured lifetime are always present, used yet or not.
    known = [kind for kind in settings.METADATA_CACHE_TTL_DAYS if kind != NOT_FOUND_KIND]
    figures += [CacheFigure(kind, 0, 0, 0, 0, 0) for kind in known if kind not in seen]
    for figure in figures:
        requests.add_metric([figure.kind], figure.misses)
        hits.add_metric([figure.kind], figure.hits)
        ratio.add_metric([figure.kind], figure.hit_rate or 0)
    yield from (requests, hits, ratio)
    # A provider that failed (unreachable, rate limiting, 5xx) leaves a gap to fill later: the
    # open gaps are the errors that still matter.
    gaps = GaugeMetricFamily(
        "soulspot_provider_errors",
        "Metadata an import could not get because its service failed or is off (open gaps).",
        labels=["kind"],
    )
    yield _count_by(gaps, MetadataGap.objects.all(), "kind", MetadataGap.Kind.values)


def _queue() -> Iterator[Family]:
    # The ORM broker's `lock` is the enqueue time while a task waits, and the end of its lease
    # (in the future) once a worker took it.
    now = timezone.now()
    waiting = Q(lock__lte=now)
    queue = OrmQ.objects.aggregate(
        waiting=Count("pk", filter=waiting),
        taken=Count("pk", filter=Q(lock__gt=now)),
        oldest=Min("lock", filter=waiting),
    )
    yield _gauge("soulspot_task_queue_length", "Tasks waiting for a worker.", queue["waiting"])
    yield _gauge("soulspot_task_queue_running", "Tasks a worker has taken.", queue["taken"])
    yield _gauge(
        "soulspot_task_queue_oldest_age_seconds",
        "How long the oldest waiting task has waited (0 when none waits).",
        _age_seconds(queue["oldest"], now),
    )
    yield _gauge(
        "soulspot_tasks_failed",
        "Failed tasks among the results the queue keeps.",
        Task.objects.filter(success=False).count(),
    )


def _worker() -> Iterator[Family]:
    newest = WorkerHeartbeat.objects.aggregate(newest=Max("beat_at"))["newest"]
    # Never beaten reads as infinitely old, so "age > 300" alerts on it too.
    age = _age_seconds(newest, timezone.now()) if newest is not None else math.inf
    yield _gauge(
        "soulspot_worker_heartbeat_age_seconds",
        "Seconds since a worker last ran the heartbeat task (+Inf before the first).",
        age,
    )
