"""Filter rules in real searches: the engine's automatic ones and the manual search page, against
the fake slskd; which rules a search reads (scope, enabled) and what reading them costs."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads import searches, services
from downloads.engine.wants import context_for
from downloads.models import Candidate, DownloadJob, FilterRule, ManualSearch
from downloads.services.rules import save_filter_rule
from fakes.audio import make_audio
from fakes.slskd import Network
from library.models import QualityProfile
from tests.engine_support import all_settled, run_engine_until
from tests.factories import DownloadJobFactory

Status = DownloadJob.Status
LIVE_PATH = "Music\\Rho\\Live\\Rho - One.flac"
STUDIO_PATH = "Music\\Rho\\Rho - One.flac"
NO_LIVE_REASON = r"refused by rule 'No live' (deny folder \\Live\\)"


def _network(root: Path) -> Network:
    """The same song twice: in a live folder from a fast peer, plain from a slow one."""
    net = Network.build(root)
    audio = make_audio(root / "one.flac", seconds=5, seed=1)
    net.add_user("livefan", upload_speed=9_000_000).share(LIVE_PATH, audio)
    net.add_user("studio", upload_speed=100_000).share(STUDIO_PATH, audio)
    return net


def _no_live(**values: object) -> FilterRule:
    return save_filter_rule(
        None, name="No live", kind="deny", field="folder", pattern=r"\\Live\\", **values
    )


@pytest.mark.django_db(transaction=True)
def test_a_deny_rule_refuses_the_live_folders_file_and_names_itself(
    logged_in_client, slskd_factory, tmp_path
) -> None:
    slskd_factory(_network(tmp_path / "net"))
    _no_live()
    job = services.queue_track_download(artist="Rho", title="One", duration_ms=5000)

    run_engine_until(all_settled)

    job.refresh_from_db()
    assert job.status == Status.IMPORTING and job.candidate.username == "studio"
    live = Candidate.objects.get(job=job, username="livefan")
    assert live.state == Candidate.State.REJECTED
    assert live.rejection_reason == NO_LIVE_REASON
    assert live.breakdown == {"rejected_by": "rule"}
    page = logged_in_client.get(f"/downloads/{job.pk}/").content.decode()
    assert r"refused by rule &#x27;No live&#x27; (deny folder \\Live\\)" in page


@pytest.mark.django_db(transaction=True)
def test_a_manual_search_applies_deny_and_prefer_rules(
    logged_in_client, slskd_factory, tmp_path, monkeypatch
) -> None:
    net = _network(tmp_path / "net")
    net.add_user("webfan", upload_speed=10_000, has_free_upload_slot=False).share(
        "Music\\Rho\\One [WEB]\\Rho - One.flac", tmp_path / "net" / "one.flac"
    )
    slskd_factory(net)
    monkeypatch.setattr(searches, "enqueue", lambda *args: None)
    _no_live()
    save_filter_rule(None, name="WEB first", kind="prefer", field="folder", words=["web"], bonus=20)
    found = searches.start_manual_search(artist="Rho", title="One", duration_ms=5000)

    found = searches.run_manual_search(found)

    by_user = {r["username"]: r for r in found.results}
    assert by_user["livefan"]["reason"] == NO_LIVE_REASON
    assert found.results[0]["username"] == "webfan"  # slowest peer, first by its bonus
    assert found.results[0]["breakdown"]["rules"]["matched"][0]["name"] == "WEB first"
    assert found.status == ManualSearch.Status.DONE
    page = logged_in_client.get(f"/downloads/search/{found.pk}/").content.decode()
    assert "preferred by rule “WEB first” (+20)" in page
    assert r"refused by rule &#x27;No live&#x27; (deny folder \\Live\\)" in page


@pytest.mark.django_db
def test_a_search_reads_global_rules_and_its_own_profiles_only() -> None:
    QualityProfile.objects.create(name="Standard", is_default=True)
    hires = QualityProfile.objects.create(name="Hi-res")
    save_filter_rule(None, name="Everywhere", kind="deny", field="user", pattern="^bad$")
    save_filter_rule(
        None,
        name="Hi-res only",
        kind="allow",
        field="path",
        pattern="24bit",
        quality_profile_id=hires.pk,
    )

    hires_job = DownloadJobFactory(quality_profile=hires)
    default_job = DownloadJobFactory(quality_profile=None)

    assert [r.name for r in context_for(hires_job).rules.specs] == ["Everywhere", "Hi-res only"]
    assert [r.name for r in context_for(default_job).rules.specs] == ["Everywhere"]


@pytest.mark.django_db
def test_a_disabled_rule_is_ignored_by_every_search() -> None:
    rule = _no_live(enabled=False)
    assert not context_for(DownloadJob()).rules
    save_filter_rule(rule, enabled=True)
    assert [r.name for r in context_for(DownloadJob()).rules.specs] == ["No live"]


@pytest.mark.django_db
def test_reading_the_rules_costs_the_same_queries_however_many_there_are(
    django_assert_max_num_queries,
) -> None:
    job = DownloadJobFactory()
    _no_live()
    with django_assert_max_num_queries(10) as few:
        assert len(context_for(job).rules.specs) == 1
    for n in range(30):
        save_filter_rule(None, name=f"Rule {n}", kind="deny", field="path", pattern=f"x{n}y")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(context_for(job).rules.specs) == 31
