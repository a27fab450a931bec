"""Why a track is wanted: one row per source that asked for it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from library.models.catalogue import Track, WantSource


class TrackWant(models.Model):
    """One reason the user wants a track: a source (typed in, an album, a Spotify playlist, an
    imported list...) and, within that source, which one (`key`, e.g. "playlist:<spotify id>").

    A track stops being wanted automatically only when its last reason goes away, so a song
    removed from one playlist stays wanted while another playlist, an album or the user's own
    want still asks for it.
    """

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="want_reasons")
    source = models.CharField(max_length=12, choices=WantSource.choices)
    key = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["track", "source", "key"], name="one_want_per_reason")
        ]
        indexes = [models.Index(fields=["source", "key"])]

    def __str__(self) -> str:
        reason = f"{self.source}:{self.key}" if self.key else self.source
        return f"{self.track_id} wanted by {reason}"
