"""/api/rules: add, list, read, change and delete filter rules; unsound rules are a 400."""

from __future__ import annotations

import pytest

from downloads.models import FilterRule
from library.models import QualityProfile

pytestmark = pytest.mark.django_db
NO_LIVE = {"name": "No live", "kind": "deny", "field": "folder", "pattern": r"\\Live\\"}


def _post(api_client, body: dict):
    return api_client.post("/api/rules", body, content_type="application/json")


def _patch(api_client, rule_id: int, body: dict):
    return api_client.patch(f"/api/rules/{rule_id}", body, content_type="application/json")


def test_a_rule_is_added_and_read_back_with_its_label(api_client) -> None:
    response = _post(api_client, NO_LIVE)

    assert response.status_code == 201
    body = response.json()
    assert body["label"] == r"deny folder \\Live\\" and body["enabled"] is True
    assert body["quality_profile_id"] is None and body["quality_profile_name"] is None
    again = api_client.get(f"/api/rules/{body['id']}").json()
    assert again["pattern"] == r"\\Live\\" and again["name"] == "No live"


def test_a_bad_regex_is_a_400_naming_the_position_and_nothing_is_saved(api_client) -> None:
    response = _post(api_client, {**NO_LIVE, "pattern": "(live"})

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "at position 0" in detail and "missing ), unterminated subpattern" in detail
    assert not FilterRule.objects.exists()


def test_a_size_rule_with_min_above_max_is_a_400(api_client) -> None:
    body = {"name": "Size", "kind": "allow", "field": "size", "min_size": 10, "max_size": 5}
    response = _post(api_client, body)
    assert response.status_code == 400 and "above the maximum" in response.json()["detail"]


def test_a_prefer_rule_keeps_its_words_and_bonus_and_drops_what_it_does_not_use(
    api_client,
) -> None:
    body = {
        "name": "WEB",
        "kind": "prefer",
        "field": "path",
        "words": [" web ", "", "24bit"],
        "bonus": 5,
        "pattern": "ignored",
        "min_size": 3,
    }
    saved = _post(api_client, body).json()
    assert (saved["words"], saved["bonus"], saved["pattern"], saved["min_size"]) == (
        ["web", "24bit"],
        5,
        "",
        None,
    )
    assert saved["label"] == "prefer path web, 24bit (+5)"


def test_a_rule_can_be_scoped_to_a_profile_and_made_global_again(api_client) -> None:
    profile = QualityProfile.objects.create(name="Hi-res")
    rule = _post(api_client, {**NO_LIVE, "quality_profile_id": profile.pk}).json()
    assert rule["quality_profile_name"] == "Hi-res"

    changed = _patch(api_client, rule["id"], {"quality_profile_id": None}).json()

    assert changed["quality_profile_id"] is None
    missing = _post(api_client, {**NO_LIVE, "quality_profile_id": 999})
    assert missing.status_code == 400 and "no quality profile #999" in missing.json()["detail"]


def test_a_patch_changes_only_what_it_sends_and_is_checked_whole(api_client) -> None:
    rule = _post(api_client, NO_LIVE).json()

    off = _patch(api_client, rule["id"], {"enabled": False}).json()
    assert off["enabled"] is False and off["pattern"] == r"\\Live\\"
    bad = _patch(api_client, rule["id"], {"pattern": "a{5,2}"})
    assert bad.status_code == 400 and "at position 2" in bad.json()["detail"]
    assert FilterRule.objects.get().pattern == r"\\Live\\"
    # A name of null is not "clear the name": nulls of required fields are ignored.
    assert _patch(api_client, rule["id"], {"name": None}).json()["name"] == "No live"


def test_a_rule_is_deleted_and_then_404(api_client) -> None:
    rule = _post(api_client, NO_LIVE).json()

    assert api_client.delete(f"/api/rules/{rule['id']}").status_code == 204

    assert api_client.delete(f"/api/rules/{rule['id']}").status_code == 404
    assert api_client.get(f"/api/rules/{rule['id']}").status_code == 404
    assert _patch(api_client, rule["id"], {"enabled": True}).status_code == 404


def test_unknown_kinds_and_oversized_values_are_refused_before_any_query(api_client) -> None:
    assert _post(api_client, {**NO_LIVE, "kind": "maybe"}).status_code == 422
    assert _post(api_client, {**NO_LIVE, "pattern": "x" * 501}).status_code == 422
    assert _post(api_client, {**NO_LIVE, "bonus": 101}).status_code == 422
    assert _post(api_client, {**NO_LIVE, "words": ["w"] * 51}).status_code == 422


def test_the_list_is_paged_by_name_at_a_constant_query_count(
    api_client, django_assert_max_num_queries
) -> None:
    profile = QualityProfile.objects.create(name="Hi-res")

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            FilterRule.objects.create(
                name=f"Rule {n:02d}",
                kind="deny",
                field="path",
                pattern="x",
                quality_profile=profile if n % 2 else None,
            )

    grow(0, 2)
    with django_assert_max_num_queries(20) as few:
        api_client.get("/api/rules")
    grow(2, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = api_client.get("/api/rules?limit=10").json()
    assert page["count"] == 32 and [r["name"] for r in page["items"]][:2] == ["Rule 00", "Rule 01"]
    assert page["items"][1]["quality_profile_name"] == "Hi-res"
