"""The settings page (`/settings/`): the runtime settings by group, each form saved on its
own, secrets write-only, a reset per setting and for all, and slskd's "test connection"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from soulspot import runtime_settings
from soulspot.lib.schemas import MAX_PATH
from soulspot.runtime_settings.registry import GROUPS, MAX_IMPORT_DIRS, SettingField
from soulspot.runtime_settings.slskd_check import check_slskd_connection


def settings_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request)
    changes = _changes(request.POST, request.POST.get("group", ""))
    try:
        stored = runtime_settings.update_settings(changes, only_changed=True)
    except runtime_settings.SettingsInvalid as exc:
        return _render(request, errors=exc.errors, submitted=changes, status=400)
    if stored:
        messages.success(request, f"Saved: {', '.join(stored)}. In force now.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect("settings")


@require_POST
def settings_reset(request: HttpRequest) -> HttpResponse:
    key = request.POST.get("key", "").strip()
    try:
        count = runtime_settings.reset_settings([key] if key else None)
    except runtime_settings.SettingsInvalid as exc:
        messages.error(request, str(exc))
        return redirect("settings")
    what = key or "every setting"
    messages.success(request, f"Reset {what}: the environment's value applies ({count} removed).")
    return redirect("settings")


@require_POST
def settings_slskd_test(request: HttpRequest) -> HttpResponse:
    report = check_slskd_connection()
    if request.htmx:
        return render(request, "soulspot/settings.html#slskd-report", {"report": report})
    return _render(request, report=report)


def _changes(data: QueryDict, group: str) -> dict[str, Any]:
    """The submitted values of one group's form, as the service takes them. A secret left
    empty is unchanged; its "clear" box stores an empty one; an unchecked box is off; any
    other field the form did not send is left as it is."""
    changes: dict[str, Any] = {}
    for key, field in runtime_settings.FIELDS.items():
        if field.group != group or (key not in data and field.kind != "bool"):
            continue
        if field.kind == "bool":
            changes[key] = data.get(key) == "on"
        elif field.kind == "paths":
            lines = data.get(key, "")[: MAX_PATH * MAX_IMPORT_DIRS].splitlines()
            changes[key] = [line.strip() for line in lines if line.strip()]
        elif field.secret:
            if data.get(f"{key}__clear") == "on":
                changes[key] = ""
            elif data.get(key):
                changes[key] = data[key]
        else:
            changes[key] = data.get(key, "")
    return changes


def _render(
    request: HttpRequest,
    *,
    errors: dict[str, str] | None = None,
    submitted: dict[str, Any] | None = None,
    report: object = None,
    status: int = 200,
) -> HttpResponse:
    context = {"groups": _groups(errors or {}, submitted or {}), "report": report}
    return render(request, "soulspot/settings.html", context, status=status)


def _groups(errors: dict[str, str], submitted: dict[str, Any]) -> list[dict]:
    groups: dict[str, dict] = {
        name: {"name": name, "label": label, "rows": []} for name, label in GROUPS.items()
    }
    for view in runtime_settings.current_settings():
        field = view.field
        value = submitted.get(field.key, view.value) if not field.secret else None
        groups[field.group]["rows"].append(
            {
                "field": field,
                "view": view,
                "value": _display(field, value),
                "error": errors.get(field.key, ""),
            }
        )
    return list(groups.values())


def _display(field: SettingField, value: Any) -> Any:
    if field.kind == "paths" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return value
