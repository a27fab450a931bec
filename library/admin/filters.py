"""List filters with fixed choices (never a list of all related rows)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from library.models import AlbumCompleteness, DuplicateGroup, Track, TrackFile
from library.quality import QUALITIES


class _FileFilter(admin.SimpleListFilter):
    """Tracks (any of their files) or files by a fact of the file, with fixed choices."""

    options: list[tuple[str, str]] = [("1", "Yes"), ("0", "No")]

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return self.options

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() is None:
            return queryset
        conditions, wanted = self.conditions(self.value())
        if queryset.model is Track:
            method = queryset.having_files if wanted else queryset.without_files
            return method(**conditions)
        return queryset.filter(**conditions) if wanted else queryset.exclude(**conditions)

    def conditions(self, value: str) -> tuple[dict, bool]:
        """The file conditions, and whether to keep (True) or drop (False) what matches."""
        raise NotImplementedError


class FormatFilter(_FileFilter):
    title = "file format"
    parameter_name = "file_format"
    options = TrackFile.Format.choices

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"format": value}, True


class QualityFilter(_FileFilter):
    title = "quality"
    parameter_name = "file_quality"
    options = list(QUALITIES.items())

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"quality": value}, True


class BrokenFilter(_FileFilter):
    title = "broken file"
    parameter_name = "broken"

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"is_broken": True, "is_missing": False}, value == "1"


class MissingFilter(_FileFilter):
    title = "missing file"
    parameter_name = "missing"

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"is_missing": True}, value == "1"


class DuplicateFilter(_FileFilter):
    title = "duplicate"
    parameter_name = "duplicate"

    def conditions(self, value: str) -> tuple[dict, bool]:
        return {"duplicate_group__status": DuplicateGroup.Status.OPEN}, value == "1"


class CompletenessFilter(admin.SimpleListFilter):
    title = "completeness"
    parameter_name = "complete"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("1", "Complete"), ("0", "Incomplete"), ("unchecked", "Not checked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "unchecked":
            return queryset.filter(completeness__isnull=True)
        if value == "0":
            return queryset.filter(completeness__in=AlbumCompleteness.objects.incomplete())
        if value == "1":
            return queryset.filter(completeness__is_complete=True)
        return queryset
