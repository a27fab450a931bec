"""The filter rules pages: list, add (with the refusal shown and the input kept), edit, switch
off and delete."""

from __future__ import annotations

import pytest

from downloads.models import FilterRule
from downloads.services.rules import save_filter_rule
from library.models import QualityProfile

pytestmark = pytest.mark.django_db
FORM = {
    "name": "No live",
    "kind": "deny",
    "field": "folder",
    "pattern": r"\\Live\\",
    "enabled": "on",
}


def _rule(**values: object) -> FilterRule:
    return save_filter_rule(None, **{**FORM, "enabled": True, **values})


def test_a_rule_added_on_the_page_is_listed_with_what_it_does(logged_in_client) -> None:
    response = logged_in_client.post("/downloads/rules/", FORM)

    assert response.status_code == 302 and response["Location"] == "/downloads/rules/"
    page = logged_in_client.get("/downloads/rules/").content.decode()
    assert "No live" in page and r"deny folder \\Live\\" in page and "all profiles" in page


def test_a_bad_regex_is_shown_with_its_position_and_the_input_is_kept(logged_in_client) -> None:
    response = logged_in_client.post("/downloads/rules/", {**FORM, "pattern": "(live"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "bad regular expression at position 0" in page and 'value="(live"' in page
    assert not FilterRule.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "maybe", "kind must be one of"),
        ("min_size", "lots", "min_size must be a whole number"),
        ("bonus", "500", "bonus must be a whole number from -100 to 100"),
    ],
)
def test_unreadable_form_values_are_refused_by_name(
    logged_in_client, field: str, value: str, message: str
) -> None:
    response = logged_in_client.post("/downloads/rules/", {**FORM, field: value})
    assert response.status_code == 400 and message in response.content.decode()


def test_a_size_and_a_prefer_rule_are_added_from_the_form(logged_in_client) -> None:
    profile = QualityProfile.objects.create(name="Hi-res")
    size = {"name": "Sane", "kind": "allow", "field": "size", "min_size": "1000"}
    prefer = {
        "name": "WEB",
        "kind": "prefer",
        "field": "folder",
        "words": "web, 24bit",
        "bonus": "5",
        "quality_profile_id": str(profile.pk),
        "enabled": "on",
    }
    logged_in_client.post("/downloads/rules/", size)
    logged_in_client.post("/downloads/rules/", prefer)

    sane, web = FilterRule.objects.order_by("name")
    assert (sane.min_size, sane.max_size, sane.enabled) == (1000, None, False)
    assert (web.words, web.bonus, web.quality_profile) == (["web", "24bit"], 5, profile)


def test_a_rule_is_edited_switched_off_and_deleted(logged_in_client) -> None:
    rule = _rule()
    edit = logged_in_client.get(f"/downloads/rules/{rule.pk}/").content.decode()
    assert 'value="No live"' in edit

    logged_in_client.post(f"/downloads/rules/{rule.pk}/", {**FORM, "pattern": r"\bLive\b"})
    rule.refresh_from_db()
    assert rule.pattern == r"\bLive\b"

    logged_in_client.post(f"/downloads/rules/{rule.pk}/toggle/")
    rule.refresh_from_db()
    assert rule.enabled is False

    logged_in_client.post(f"/downloads/rules/{rule.pk}/delete/")
    assert not FilterRule.objects.exists()
    assert logged_in_client.get(f"/downloads/rules/{rule.pk}/").status_code == 404


def test_a_refused_edit_keeps_the_rule_as_it_was(logged_in_client) -> None:
    rule = _rule()
    response = logged_in_client.post(f"/downloads/rules/{rule.pk}/", {**FORM, "pattern": "[x"})
    assert response.status_code == 400 and "at position 0" in response.content.decode()
    rule.refresh_from_db()
    assert rule.pattern == r"\\Live\\"


def test_the_blocklist_links_to_the_rules(logged_in_client) -> None:
    assert (
        'href="/downloads/rules/"' in logged_in_client.get("/downloads/blocklist/").content.decode()
    )


def test_the_page_costs_the_same_queries_for_many_rules(
    logged_in_client, django_assert_max_num_queries
) -> None:
    profile = QualityProfile.objects.create(name="Hi-res")

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            _rule(name=f"Rule {n}", quality_profile_id=profile.pk if n % 2 else None)

    grow(0, 2)
    with django_assert_max_num_queries(30) as few:
        logged_in_client.get("/downloads/rules/")
    grow(2, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = logged_in_client.get("/downloads/rules/").content.decode()
    assert page.count("<td>Hi-res only</td>") == 16


def test_the_admin_refuses_a_bad_regex_and_saves_through_the_service(logged_in_client) -> None:
    url = "/admin/downloads/filterrule/add/"
    form = {**FORM, "bonus": "0", "words": "[]", "pattern": "(live"}
    refused = logged_in_client.post(url, form)
    assert refused.status_code == 200 and "bad regular expression at position 0" in (
        refused.content.decode()
    )
    logged_in_client.post(url, {**form, "pattern": r"\\Live\\", "words": '["stale"]'})
    rule = FilterRule.objects.get()
    assert rule.words == []  # the service dropped what a deny rule does not use
