"""The filter rules pages: list, add, edit, switch off and delete the matcher's rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from downloads.models import FilterRule
from downloads.services import rules as services
from library.models import QualityProfile
from soulspot.lib.errors import SoulSpotError
from soulspot.lib.params import BadParameter, int_param, text_param
from soulspot.lib.schemas import MAX_ID

MAX_WORDS = 50


def rules(request: HttpRequest) -> HttpResponse:
    """Every rule with what it does, and the form to add one (POST adds it)."""
    if request.method == "POST":
        try:
            rule = services.save_filter_rule(None, **_form_values(request.POST))
        except SoulSpotError as exc:
            return _render_form(request, None, request.POST, str(exc))
        messages.success(request, f"Added rule “{rule.name}”.")
        return redirect("downloads:rules")
    return _render_form(request, None, None, "")


def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(FilterRule, pk=rule_id)
    if request.method == "POST":
        try:
            services.save_filter_rule(rule, **_form_values(request.POST))
        except SoulSpotError as exc:
            return _render_form(request, rule, request.POST, str(exc))
        messages.success(request, f"Saved rule “{rule.name}”.")
        return redirect("downloads:rules")
    return _render_form(request, rule, None, "")


@require_POST
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(FilterRule, pk=rule_id)
    services.save_filter_rule(rule, enabled=not rule.enabled)
    state = "on" if rule.enabled else "off"
    messages.success(request, f"Rule “{rule.name}” is {state}.")
    return redirect("downloads:rules")


@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(FilterRule, pk=rule_id)
    services.delete_filter_rule(rule.pk)
    messages.success(request, f"Deleted rule “{rule.name}”.")
    return redirect("downloads:rules")


def _render_form(
    request: HttpRequest, rule: FilterRule | None, posted: QueryDict | None, error: str
) -> HttpResponse:
    """The list page (new rule) or the edit page, with the form filled from the rule or from
    what was posted (so a refused rule is not lost)."""
    form: dict[str, Any] = {"enabled": True, "kind": "deny", "field": "folder"}
    if rule is not None:
        form.update(services.rule_values(rule), words=", ".join(rule.words))
    if posted is not None:
        form.update({key: posted.get(key, "")[:500] for key in services.EDITABLE})
        form["quality_profile_id"] = int_param(posted, "quality_profile_id")
        form["enabled"] = posted.get("enabled") == "on"
    context = {
        "rule": rule,
        "form": form,
        "error": error,
        "kinds": FilterRule.Kind.choices,
        "fields": FilterRule.Field.choices,
        "profiles": QualityProfile.objects.order_by("-is_default", "name"),
        "rules": FilterRule.objects.listed() if rule is None else (),
    }
    template = "downloads/rules.html" if rule is None else "downloads/rule_edit.html"
    return render(request, template, context, status=400 if error else 200)


def _form_values(data: QueryDict) -> dict[str, Any]:
    words = [w.strip() for w in text_param(data, "words").split(",") if w.strip()]
    if len(words) > MAX_WORDS or any(len(w) > 100 for w in words):
        raise BadParameter(f"at most {MAX_WORDS} words of at most 100 characters each")
    return {
        "name": text_param(data, "name", 100),
        "kind": _choice(data, "kind", FilterRule.Kind.values),
        "field": _choice(data, "field", FilterRule.Field.values),
        "pattern": text_param(data, "pattern"),
        "words": words,
        "bonus": _number(data, "bonus", minimum=-100, maximum=100) or 0,
        "min_size": _number(data, "min_size"),
        "max_size": _number(data, "max_size"),
        "quality_profile_id": int_param(data, "quality_profile_id"),
        "enabled": data.get("enabled") == "on",
    }


def _choice(data: QueryDict, name: str, allowed: list[str]) -> str:
    value = data.get(name, "")
    if value not in allowed:
        raise BadParameter(f"{name} must be one of {', '.join(allowed)}")
    return value


def _number(data: QueryDict, name: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """An optional whole number; typed but unreadable or out of range is refused, not dropped."""
    if not data.get(name, "").strip():
        return None
    number = int_param(data, name, minimum=minimum, maximum=maximum)
    if number is None:
        raise BadParameter(f"{name} must be a whole number from {minimum} to {maximum}")
    return number
