"""Looking after the provider cache: `manage.py metadata cache`, the daily prune, the admin
list and the hit-rate figures on the dashboard's System card."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from metadata import tasks
from metadata.models import ProviderResponse
from metadata.providers import cache
from metadata.providers.base import NotFound
from soulspot.lib.schedules import PREFIX, sync_schedules

pytestmark = pytest.mark.django_db


def _answer(kind: str, key: str, *, hits: int = 0) -> None:
    cache.remember(kind, key, lambda: {"key": key})
    for _ in range(hits):
        cache.remember(kind, key, lambda: pytest.fail("answered from the cache"))


def _not_found(kind: str, key: str) -> None:
    def gone() -> None:
        raise NotFound(key)

    with pytest.raises(NotFound):
        cache.remember(kind, key, gone)


def _expire(**filters: object) -> None:
    past = timezone.now() - timedelta(seconds=1)
    ProviderResponse.objects.filter(**filters).update(expires_at=past)


def _command(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("metadata", "cache", *args, stdout=out)
    return [" ".join(line.split()) for line in out.getvalue().splitlines()]


@pytest.fixture
def remembered() -> None:
    """Lookups: 2 answers, 3 hits, 1 expired; a search: 1 answer, no hits."""
    _answer("musicbrainz.lookup", "a", hits=3)
    _not_found("musicbrainz.lookup", "gone")
    _answer("musicbrainz.search", "q")
    _expire(key="gone")


def test_the_command_prints_figures_per_kind(remembered) -> None:
    assert _command() == [
        "kind rows fresh expired hits misses hit rate",
        "musicbrainz.lookup 2 1 1 3 2 60%",
        "musicbrainz.search 1 1 0 0 1 0%",
    ]


def test_an_empty_cache_says_so() -> None:
    assert _command() == ["The cache is empty."]


def test_clear_expired_keeps_fresh_answers_and_the_counts(remembered) -> None:
    lines = _command("--clear-expired")

    assert lines[0] == "1 expired answers deleted."
    assert lines[2] == "musicbrainz.lookup 1 1 0 3 2 60%"
    assert set(ProviderResponse.objects.values_list("key", flat=True)) == {"a", "q"}


def test_clear_forgets_everything_and_resets_the_counts(remembered) -> None:
    assert _command("--clear") == ["Cache cleared: 3 answers forgotten.", "The cache is empty."]
    assert not ProviderResponse.objects.exists()


def test_the_command_refuses_both_clears_at_once() -> None:
    with pytest.raises(CommandError):
        call_command("metadata", "cache", "--clear", "--clear-expired")


def test_the_daily_prune_deletes_expired_answers(remembered) -> None:
    assert tasks.prune_provider_cache() == "1 expired provider answers deleted"
    assert not ProviderResponse.objects.filter(key="gone").exists()


def test_the_prune_is_scheduled_daily() -> None:
    sync_schedules()

    schedule = Schedule.objects.get(name=PREFIX + "prune-provider-cache")
    assert schedule.func == "metadata.tasks.prune_provider_cache"
    assert schedule.minutes == 24 * 60


def test_the_system_card_shows_the_hit_rate_per_kind(logged_in_client, remembered) -> None:
    page = logged_in_client.get(reverse("system-status"), headers={"HX-Request": "true"})

    html = " ".join(page.content.decode().split())
    assert "Provider cache" in html
    assert "<td>musicbrainz.lookup</td><td>2</td><td>3</td><td>2</td> <td>60%</td>" in html
    assert "<td>musicbrainz.search</td><td>1</td><td>0</td><td>1</td> <td>0%</td>" in html


def test_the_system_card_has_no_cache_table_before_any_answer(logged_in_client) -> None:
    page = logged_in_client.get(reverse("system-status"), headers={"HX-Request": "true"})

    assert "Provider cache" not in page.content.decode()


def test_the_admin_lists_answers_read_only_and_filters_them(logged_in_client, remembered) -> None:
    url = reverse("admin:metadata_providerresponse_changelist")

    listing = logged_in_client.get(url, {"kind": "musicbrainz.lookup", "q": "gone"})

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list.values_list("key", flat=True)) == ["gone"]
    assert logged_in_client.get(reverse("admin:metadata_providerresponse_add")).status_code == 403
    row = ProviderResponse.objects.get(key="a")
    change = reverse("admin:metadata_providerresponse_change", args=[row.pk])
    response = logged_in_client.post(change, {"key": "edited", "kind": "x"})
    assert response.status_code == 403 and ProviderResponse.objects.get(pk=row.pk).key == "a"


def test_the_admin_clears_the_selected_answers(logged_in_client, remembered) -> None:
    chosen = ProviderResponse.objects.get(key="a")

    response = logged_in_client.post(
        reverse("admin:metadata_providerresponse_changelist"),
        {"action": "clear_selected", "_selected_action": [chosen.pk]},
    )

    assert response.status_code == 302
    assert set(ProviderResponse.objects.values_list("key", flat=True)) == {"gone", "q"}
    lookup = next(f for f in cache.cache_figures() if f.kind == "musicbrainz.lookup")
    assert (lookup.entries, lookup.hits, lookup.misses) == (1, 3, 2)  # counts kept
