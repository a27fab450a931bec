"""The want history: one append-only row per decision."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class HistoryEventQuerySet(models.QuerySet):
    def newest_first(self) -> HistoryEventQuerySet:
        return self.order_by("-at", "-pk")

    def filtered(
        self, *, track_id: int | None = None, job_id: int | None = None, type: str | None = None
    ) -> HistoryEventQuerySet:
        """The history list's filters; None means "any"."""
        wanted = {"track_id": track_id, "job_id": job_id, "type": type}
        return self.filter(**{name: value for name, value in wanted.items() if value is not None})

    def with_track(self) -> HistoryEventQuerySet:
        return self.select_related("track", "track__artist")


class HistoryEvent(models.Model):
    """One thing that happened to a want, appended and never changed (Lidarr's history).

    `job_id` names the download job involved, if any, as a plain number: the library does not
    know download jobs, and an event outlives the job it mentions.
    """

    class Type(models.TextChoices):
        WANTED = "wanted", "Wanted"
        SEARCHED = "searched", "Searched"
        GRABBED = "grabbed", "Grabbed"
        IMPORTED = "imported", "Imported"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"
        UPGRADED = "upgraded", "Upgraded"
        RECYCLED = "recycled", "Recycled"
        UNMONITORED = "unmonitored", "Unmonitored"
        MONITORED = "monitored", "Monitored"

    type = models.CharField(max_length=12, choices=Type.choices, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    track = models.ForeignKey(
        "Track", on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    job_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # What happened, in words, and its facts (query, result counts, user, file, quality...).
    message = models.CharField(max_length=1000, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = HistoryEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["track", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.type}: {self.message}"
