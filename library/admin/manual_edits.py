"""Admin edits of catalogue fields are manual edits: recorded as the manual source (they win
over every source until cleared) and followed by the files, like edits made through the pages
or the API. Without this an admin edit would change the column and leave the files behind."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from library.provenance import edits
from library.provenance.fields import SPECS, is_empty, kind_of


class ManualEditsAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        values = manual_values(obj, form) if change else {}
        for column in _columns(obj, values):
            setattr(obj, column, form.initial.get(column))  # the engine writes these below
        super().save_model(request, obj, form, change)
        if values:
            obj.refresh_from_db()
            edits.set_manual(obj, values)


def manual_values(obj: Model, form: Any) -> dict[str, Any]:
    """The engine's fields the form changed, with their new values."""
    values: dict[str, Any] = {}
    for name, spec in SPECS[kind_of(obj)].items():
        if spec.column not in form.changed_data:
            continue
        value, before = form.cleaned_data.get(spec.column), form.initial.get(spec.column)
        if value == before or (is_empty(value) and is_empty(before)):
            continue  # e.g. a JSON list the form calls changed because it re-parsed it
        values[name] = value.name if isinstance(value, Model) else value  # the album's artist
    if "year" in form.changed_data and "date" in SPECS[kind_of(obj)]:
        year = form.cleaned_data.get("year")
        values["date"] = str(year) if year else ""
    return {name: ("" if value is None else value) for name, value in values.items()}


def _columns(obj: Model, values: dict[str, Any]) -> list[str]:
    specs = SPECS[kind_of(obj)]
    columns = [specs[name].column for name in values if name != "date"]
    columns = ["artist_id" if c == "artist" else c for c in columns]  # initial: the artist's pk
    return columns + (["year", "release_date"] if "date" in values else [])
