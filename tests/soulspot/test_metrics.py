"""GET /metrics: who may scrape, which series it answers, that they follow the database, and
that Prometheus's own checker accepts the text."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import OrmQ
from prometheus_client.parser import text_string_to_metric_families

from downloads.models import DownloadJob, ManualSearch
from downloads.slskd import budget_from_settings
from library import history
from library.models import HistoryEvent, TrackFile
from metadata.models import ImportItem, MetadataGap, ProviderResponse
from soulspot.lib.queue import enqueue
from soulspot.models import WorkerHeartbeat
from tests.factories import (
    CandidateFactory,
    DownloadJobFactory,
    DuplicateGroupFactory,
    LibraryScanFactory,
    TrackFactory,
    TrackFileFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-0123456789"
Samples = dict[tuple[str, frozenset], float]

# Every series the issue names, as exposed (counters with their `_total`).
SERIES = [
    "soulspot_build_info",
    "soulspot_download_jobs",
    "soulspot_transfers_active",
    "soulspot_transfer_received_bytes",
    "soulspot_transfer_size_bytes",
    "soulspot_transfer_speed_bytes_per_second",
    "soulspot_downloaded_bytes",
    "soulspot_engine_paused",
    "soulspot_engine_max_concurrent",
    "soulspot_search_slot_busy",
    "soulspot_search_budget_remaining",
    "soulspot_search_budget_limit",
    "soulspot_search_budget_window_seconds",
    "soulspot_searches_total",
    "soulspot_search_result_files_total",
    "soulspot_search_accepted_files_total",
    "soulspot_history_events_total",
    "soulspot_search_candidates",
    "soulspot_manual_searches",
    "soulspot_import_items",
    "soulspot_import_batches",
    "soulspot_library_tracks",
    "soulspot_library_albums",
    "soulspot_library_artists",
    "soulspot_library_files",
    "soulspot_library_file_bytes",
    "soulspot_library_broken_files",
    "soulspot_library_missing_files",
    "soulspot_library_duplicate_files",
    "soulspot_library_duplicate_groups",
    "soulspot_library_scan_running",
    "soulspot_library_last_scan_duration_seconds",
    "soulspot_library_last_scan_timestamp_seconds",
    "soulspot_library_last_scan_age_seconds",
    "soulspot_provider_requests_total",
    "soulspot_provider_cache_hits_total",
    "soulspot_provider_cache_hit_ratio",
    "soulspot_provider_errors",
    "soulspot_task_queue_length",
    "soulspot_task_queue_running",
    "soulspot_task_queue_oldest_age_seconds",
    "soulspot_tasks_failed",
    "soulspot_worker_heartbeat_age_seconds",
    "soulspot_http_requests_total",
    "soulspot_http_request_duration_seconds_bucket",
    "soulspot_http_request_duration_seconds_count",
]


@pytest.fixture(autouse=True)
def _metrics_token(settings, tmp_path) -> None:
    settings.SOULSPOT_METRICS_TOKEN = TOKEN
    # The search budget file lives in the data dir: this test's own.
    settings.DATA_DIR = tmp_path


@pytest.fixture
def scraper() -> Client:
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


def scrape(client: Client) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/plain; version=")
    return parse(response.content.decode())


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


def names(samples: Samples) -> set[str]:
    return {name for name, _ in samples}


# --- who may scrape -----------------------------------------------------------------------


def test_the_metrics_token_opens_it(scraper: Client) -> None:
    assert "soulspot_build_info" in names(scrape(scraper))


def test_an_api_key_opens_it(api_client: Client) -> None:
    assert "soulspot_build_info" in names(scrape(api_client))


def test_the_environment_api_key_opens_it(settings) -> None:
    settings.SOULSPOT_API_KEY = "environment-key-0123456789"
    client = Client(headers={"X-API-Key": "environment-key-0123456789"})
    assert "soulspot_build_info" in names(scrape(client))


def test_no_credentials_is_401_without_a_single_figure(client: Client) -> None:
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"soulspot_" not in response.content


def test_a_wrong_token_is_401_and_counts_as_a_failed_login() -> None:
    from axes.models import AccessAttempt

    response = Client(headers={"Authorization": "Bearer wrong-token"}).get("/metrics")
    assert response.status_code == 401
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_a_wrong_api_key_is_401(api_key: str) -> None:
    response = Client(headers={"X-API-Key": api_key + "x"}).get("/metrics")
    assert response.status_code == 401


def test_a_bearer_token_is_refused_while_no_metrics_token_is_set(settings) -> None:
    settings.SOULSPOT_METRICS_TOKEN = ""
    assert Client(headers={"Authorization": "Bearer "}).get("/metrics").status_code == 401


def test_a_browser_session_alone_is_not_enough(logged_in_client: Client) -> None:
    # A scraper has a key or a token; a session could be ridden by another site's page.
    assert logged_in_client.get("/metrics").status_code == 401


def test_it_answers_401_not_the_setup_form_before_the_first_account(client: Client) -> None:
    # No user exists in this test: every page leads to /setup/, but a scraper must get 401.
    assert client.get("/metrics").status_code == 401


def test_repeated_wrong_tokens_lock_the_address_out(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    wrong = Client(headers={"Authorization": "Bearer wrong-token"})
    # The failure that reaches the limit is answered 429 already, like a wrong API key.
    assert [wrong.get("/metrics").status_code for _ in range(3)] == [401, 429, 429]
    right = Client(headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.get("/metrics").status_code == 429


def test_only_get_is_allowed(scraper: Client) -> None:
    assert scraper.post("/metrics").status_code == 405


# --- what it answers ----------------------------------------------------------------------


def test_every_named_series_is_present(scraper: Client) -> None:
    WorkerHeartbeat.record("worker-1")
    TrackFileFactory(quality="flac")  # files are counted per format and quality found
    scraper.get("/metrics")  # the first request is counted after it is answered
    missing = set(SERIES) - names(scrape(scraper))
    assert not missing, sorted(missing)


def test_job_gauges_follow_the_database(scraper: Client) -> None:
    DownloadJobFactory.create_batch(3)
    DownloadJobFactory(status=DownloadJob.Status.FAILED)
    DownloadJobFactory(
        status=DownloadJob.Status.DOWNLOADING,
        bytes_transferred=400,
        bytes_total=1000,
        speed_bps=50,
    )
    samples = scrape(scraper)
    assert value(samples, "soulspot_download_jobs", status="queued", kind="track") == 3
    assert value(samples, "soulspot_download_jobs", status="failed", kind="track") == 1
    assert value(samples, "soulspot_download_jobs", status="completed", kind="album") == 0
    assert value(samples, "soulspot_transfers_active") == 1
    assert value(samples, "soulspot_transfer_received_bytes") == 400
    assert value(samples, "soulspot_transfer_size_bytes") == 1000
    assert value(samples, "soulspot_transfer_speed_bytes_per_second") == 50

    DownloadJob.objects.filter(status=DownloadJob.Status.QUEUED).update(
        status=DownloadJob.Status.COMPLETED, bytes_total=2000
    )
    samples = scrape(scraper)
    assert value(samples, "soulspot_download_jobs", status="queued", kind="track") == 0
    assert value(samples, "soulspot_download_jobs", status="completed", kind="track") == 3
    assert value(samples, "soulspot_downloaded_bytes") == 6000


def test_searches_and_their_results_are_counted(scraper: Client) -> None:
    job = DownloadJobFactory()
    history.record(history.Type.SEARCHED, "one", job_id=job.pk, query="a b", files=12, accepted=3)
    history.record(history.Type.SEARCHED, "two", job_id=job.pk, query="a", files=5, accepted=0)
    history.record(history.Type.GRABBED, "grab", job_id=job.pk)
    CandidateFactory.create_batch(2, job=job)
    CandidateFactory(job=job, state="rejected")
    ManualSearch.objects.create(artist="A", title="B", status=ManualSearch.Status.DONE)
    samples = scrape(scraper)
    assert value(samples, "soulspot_searches_total") == 2
    assert value(samples, "soulspot_search_result_files_total") == 17
    assert value(samples, "soulspot_search_accepted_files_total") == 3
    assert value(samples, "soulspot_history_events_total", type="grabbed") == 1
    assert value(samples, "soulspot_search_candidates", state="pending") == 2
    assert value(samples, "soulspot_search_candidates", state="rejected") == 1
    assert value(samples, "soulspot_manual_searches", status="done") == 1


def test_the_search_budget_left_is_the_shared_one(scraper: Client, settings) -> None:
    settings.SLSKD_SEARCH_BUDGET = 5
    budget = budget_from_settings()
    budget.try_acquire()
    budget.try_acquire()
    samples = scrape(scraper)
    assert value(samples, "soulspot_search_budget_remaining") == 3
    assert value(samples, "soulspot_search_budget_limit") == 5


def test_imports_by_outcome(scraper: Client) -> None:
    for state in ("imported", "imported", "quarantined", "failed"):
        ImportItem.objects.create(source_path=f"/in/{state}", state=state)
    samples = scrape(scraper)
    assert value(samples, "soulspot_import_items", state="imported") == 2
    assert value(samples, "soulspot_import_items", state="quarantined") == 1
    assert value(samples, "soulspot_import_items", state="skipped") == 0


def test_the_library_by_format_and_quality_and_its_health(scraper: Client) -> None:
    for _ in range(2):
        TrackFileFactory(format=TrackFile.Format.FLAC, quality="flac", size=30)
    TrackFileFactory(format=TrackFile.Format.MP3, quality="mp3_320", size=7)
    TrackFileFactory(format=TrackFile.Format.MP3, quality="mp3_320", size=7, is_broken=True)
    TrackFileFactory(format=TrackFile.Format.MP3, quality="mp3_320", is_missing=True)
    DuplicateGroupFactory(files=2)
    TrackFactory(status="wanted")
    samples = scrape(scraper)
    assert value(samples, "soulspot_library_files", format="flac", quality="flac") == 2
    assert value(samples, "soulspot_library_file_bytes", format="flac", quality="flac") == 60
    assert value(samples, "soulspot_library_files", format="mp3", quality="mp3_320") == 2
    assert value(samples, "soulspot_library_file_bytes", format="mp3", quality="mp3_320") == 14
    assert value(samples, "soulspot_library_broken_files") == 1
    assert value(samples, "soulspot_library_missing_files") == 1
    assert value(samples, "soulspot_library_duplicate_groups", kind="exact") == 1
    assert value(samples, "soulspot_library_duplicate_files") == 2
    assert value(samples, "soulspot_library_tracks", status="wanted") == 1


def test_the_last_completed_scan_and_its_duration(scraper: Client) -> None:
    finished = timezone.now() - timedelta(minutes=10)
    LibraryScanFactory(started_at=finished - timedelta(seconds=95), finished_at=finished)
    samples = scrape(scraper)
    assert value(samples, "soulspot_library_last_scan_duration_seconds") == 95
    assert value(samples, "soulspot_library_last_scan_timestamp_seconds") == pytest.approx(
        finished.timestamp()
    )
    assert 599 < value(samples, "soulspot_library_last_scan_age_seconds") < 700
    assert value(samples, "soulspot_library_scan_running") == 0


def test_provider_requests_errors_and_cache_hit_ratio(scraper: Client) -> None:
    now = timezone.now()
    ProviderResponse.objects.create(
        kind="musicbrainz.lookup", key="a", fetched_at=now, expires_at=now, hits=3, loads=1
    )
    MetadataGap.objects.create(track=TrackFactory(), kind=MetadataGap.Kind.COVER)
    samples = scrape(scraper)
    kind = {"kind": "musicbrainz.lookup"}
    assert value(samples, "soulspot_provider_requests_total", **kind) == 1
    assert value(samples, "soulspot_provider_cache_hits_total", **kind) == 3
    assert value(samples, "soulspot_provider_cache_hit_ratio", **kind) == 0.75
    assert value(samples, "soulspot_provider_errors", kind="cover") == 1
    assert value(samples, "soulspot_provider_errors", kind="lyrics") == 0


def test_the_task_queue_and_the_age_of_its_oldest_task(scraper: Client) -> None:
    enqueue("soulspot.tasks.heartbeat")
    enqueue("soulspot.tasks.heartbeat")
    OrmQ.objects.filter(pk=OrmQ.objects.order_by("pk").first().pk).update(
        lock=timezone.now() - timedelta(minutes=5)
    )
    samples = scrape(scraper)
    assert value(samples, "soulspot_task_queue_length") == 2
    assert 299 < value(samples, "soulspot_task_queue_oldest_age_seconds") < 400
    OrmQ.objects.update(lock=timezone.now() + timedelta(minutes=15))  # a worker took them
    samples = scrape(scraper)
    assert value(samples, "soulspot_task_queue_length") == 0
    assert value(samples, "soulspot_task_queue_running") == 2
    assert value(samples, "soulspot_task_queue_oldest_age_seconds") == 0


def test_the_worker_heartbeat_age(scraper: Client) -> None:
    assert value(scrape(scraper), "soulspot_worker_heartbeat_age_seconds") == float("inf")
    WorkerHeartbeat.objects.create(pk=1, beat_at=timezone.now() - timedelta(seconds=42))
    assert 41 < value(scrape(scraper), "soulspot_worker_heartbeat_age_seconds") < 60


def test_http_requests_are_counted_by_route_pattern_never_by_path(
    scraper: Client, logged_in_client: Client
) -> None:
    job = DownloadJobFactory()
    route = {"route": "/downloads/search/<id:search_id>/", "method": "GET"}
    before = parse_or_zero(scrape(scraper), "soulspot_http_requests_total", status="404", **route)
    logged_in_client.get(f"/downloads/search/{job.pk + 1000}/")
    logged_in_client.get("/no/such/page/4711")
    samples = scrape(scraper)
    after = value(samples, "soulspot_http_requests_total", status="404", **route)
    assert after == before + 1
    assert value(samples, "soulspot_http_request_duration_seconds_count", **route) >= 1
    labels = {dict(labels).get("route") for name, labels in samples if "http" in name}
    assert "unmatched" in labels
    assert not [label for label in labels if label and ("4711" in label or "1000" in label)]


def parse_or_zero(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_an_invented_method_is_counted_as_other(scraper: Client) -> None:
    Client().generic("BREW", "/metrics")
    samples = scrape(scraper)
    assert (
        parse_or_zero(
            samples, "soulspot_http_requests_total", route="/metrics", method="other", status="405"
        )
        >= 1
    )


def test_a_scrape_makes_the_same_queries_however_many_rows(scraper: Client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            scrape(scraper)
        return len(captured)

    DownloadJobFactory.create_batch(2)
    TrackFileFactory.create_batch(2)
    HistoryEvent.objects.create(type="searched", detail={"files": 1, "accepted": 1})
    queries()  # the first scrape creates the search budget's window row (once per install)
    few = queries()
    DownloadJobFactory.create_batch(20, status=DownloadJob.Status.FAILED)
    TrackFileFactory.create_batch(20, format=TrackFile.Format.MP3, quality="mp3_320")
    CandidateFactory.create_batch(10)
    ImportItem.objects.create(source_path="/in/x", state="imported")
    assert queries() == few
    assert few < 30


@pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool missing: apt-get install prometheus (.ci/install-system-deps installs it)",
)
def test_promtool_accepts_the_output(scraper: Client) -> None:
    WorkerHeartbeat.record("worker-1")
    DownloadJobFactory()
    TrackFileFactory(quality="flac")
    scraper.get("/metrics")
    text = scraper.get("/metrics").content
    checked = subprocess.run(
        ["promtool", "check", "metrics"], input=text, capture_output=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()


def test_the_grafana_dashboard_uses_only_series_that_exist(scraper: Client, settings) -> None:
    dashboard = json.loads(
        (Path(settings.BASE_DIR) / "docs" / "grafana-dashboard.json").read_text()
    )
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    used = {name for expr in expressions for name in re.findall(r"\bsoulspot_\w+", expr)}
    rows = {panel["title"] for panel in dashboard["panels"] if panel["type"] == "row"}
    WorkerHeartbeat.record("worker-1")
    TrackFileFactory(quality="flac")
    scraper.get("/metrics")
    assert used - names(scrape(scraper)) == set()
    assert len(used) > 30
    assert {"Downloads", "Searches", "Imports", "Library", "Metadata providers", "HTTP"} <= rows


@pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool missing: apt-get install prometheus (.ci/install-system-deps installs it)",
)
def test_promtool_parses_every_query_of_the_grafana_dashboard(settings, tmp_path: Path) -> None:
    # Each panel query becomes a recording rule: `promtool check rules` parses its PromQL.
    dashboard = json.loads(
        (Path(settings.BASE_DIR) / "docs" / "grafana-dashboard.json").read_text()
    )
    rules = [
        {"record": f"soulspot:panel{n}", "expr": target["expr"]}
        for n, target in enumerate(
            target for panel in dashboard["panels"] for target in panel.get("targets", [])
        )
    ]
    rules_file = tmp_path / "rules.json"  # YAML is a superset of JSON
    rules_file.write_text(json.dumps({"groups": [{"name": "dashboard", "rules": rules}]}))
    checked = subprocess.run(
        ["promtool", "check", "rules", str(rules_file)], capture_output=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
    assert f"{len(rules)} rules found" in checked.stdout.decode()
