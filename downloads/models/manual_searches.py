"""Searches the user runs by hand from the search page."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ManualSearch(models.Model):
    """A search the user runs from the search page to pick a file by hand.

    Transitions: running -> done | failed. Results are kept as the matcher's verdicts (JSON),
    best first, so the page can show every candidate with its score or rejection reason.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Searching"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    artist = models.CharField(max_length=500)
    title = models.CharField(max_length=500)
    album = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    query = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    # What a running search is doing, in words ("waiting for another search to finish").
    status_reason = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    results = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "manual searches"

    def __str__(self) -> str:
        return f"{self.artist} – {self.title}"
