"""Where each catalogue value came from: every source's offer per field, the user's conflicts,
the metadata settings, and files waiting to be re-tagged after a value changed.

The catalogue columns (Track.title, Album.label...) hold the *chosen* value; `FieldValue` rows
hold every source's offer for it, one row per (object, field, source), and mark the chosen one.
"""

from __future__ import annotations

import time

from django.conf import settings as django_settings
from django.db import models
from django.utils import timezone


class Source(models.TextChoices):
    """A source of metadata. `CATALOGUE` is what SoulSpot held before any source was recorded
    for the field (a want, an earlier import, an admin edit made before provenance existed)."""

    MANUAL = "manual", "Manual"
    MUSICBRAINZ = "musicbrainz", "MusicBrainz"
    SPOTIFY = "spotify", "Spotify"
    LASTFM = "lastfm", "Last.fm"
    CATALOGUE = "catalogue", "SoulSpot catalogue"
    FILE_TAGS = "file_tags", "File tags"


class Kind(models.TextChoices):
    TRACK = "track", "Track"
    ALBUM = "album", "Album"
    ARTIST = "artist", "Artist"


class FieldValueQuerySet(models.QuerySet):
    def of(self, kind: str, object_id: int) -> FieldValueQuerySet:
        return self.filter(kind=kind, object_id=object_id)


class FieldValue(models.Model):
    """One source's value for one field of one track, album or artist (JSON: text, number or
    list). `chosen` marks the offer the catalogue column currently follows."""

    kind = models.CharField(max_length=6, choices=Kind.choices)
    object_id = models.BigIntegerField()
    field = models.CharField(max_length=40)
    source = models.CharField(max_length=12, choices=Source.choices)
    value = models.JSONField()
    fetched_at = models.DateTimeField(default=timezone.now)
    chosen = models.BooleanField(default=False, db_default=False)

    objects = FieldValueQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "field", "source"], name="one_value_per_source"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.field} from {self.source}"


class FieldConflictQuerySet(models.QuerySet):
    def open(self) -> FieldConflictQuerySet:
        return self.filter(status=FieldConflict.Status.OPEN)


class FieldConflict(models.Model):
    """Two sources disagree in words on a field that matters; the catalogue keeps its value
    until the user settles it.

    Transitions: open → resolved (the user picked a source, which the field then follows, or
    typed a value, which becomes a manual edit); open → superseded (the disagreement went
    away, e.g. a manual edit or a refresh made the sources agree).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        SUPERSEDED = "superseded", "Superseded"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    object_id = models.BigIntegerField()
    field = models.CharField(max_length=40)
    # The album the conflict belongs to (the track's album, or the album itself), for filters
    # and "apply to the whole album".
    album_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    label = models.CharField(max_length=1100, help_text="What the conflict is about.")
    # [{"source", "value"}] at the time of the last change, highest authority first.
    offers = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    # Resolved: the source the field follows from now on (manual for a typed value).
    resolved_source = models.CharField(max_length=12, choices=Source.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = FieldConflictQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "object_id", "field"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "field"],
                condition=models.Q(status="open"),
                name="one_open_conflict_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.label} ({self.status})"


SETTINGS_TTL_SECONDS = 5.0
_loaded: dict[str, tuple[float, MetadataSettings]] = {}


class MetadataSettings(models.Model):
    """How chosen values are picked and shaped; one row, changed at runtime (API, admin)."""

    class FeatStyle(models.TextChoices):
        ARTIST = "artist", "In the artist: “A feat. X” – “Song”"
        TITLE = "title", "In the title: “A” – “Song (feat. X)”"

    # {field: [source, ...]} for fields whose order differs from the default.
    authority = models.JSONField(default=dict, blank=True)
    genre_count = models.PositiveSmallIntegerField(default=3)
    feat_style = models.CharField(max_length=6, choices=FeatStyle.choices, default="artist")
    artist_separator = models.CharField(max_length=10, default="; ")
    # The scheduled refresh from MusicBrainz asks again about items older than this; 0 = never.
    refresh_after_days = models.PositiveSmallIntegerField(default=90)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "metadata settings"
        verbose_name_plural = "metadata settings"

    def __str__(self) -> str:
        return "Metadata settings"

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)
        _loaded.clear()

    @classmethod
    def load(cls) -> MetadataSettings:
        """The one row, created on first use with the environment's defaults. Kept for a few
        seconds per process (imports settle many fields a second); a change made by another
        process is seen within that time, and a change here at once."""
        cached = _loaded.get("row")
        if cached and cached[0] > time.monotonic():
            return cached[1]
        seed = {"artist_separator": django_settings.SOULSPOT_ARTIST_SEPARATOR}
        settings, _ = cls.objects.get_or_create(pk=1, defaults=seed)
        _loaded["row"] = (time.monotonic() + SETTINGS_TTL_SECONDS, settings)
        return settings


class RetagRequestQuerySet(models.QuerySet):
    def due(self, now: object = None) -> RetagRequestQuerySet:
        now = now or timezone.now()
        return self.filter(next_attempt_at__lte=now).order_by("next_attempt_at", "pk")


class RetagRequest(models.Model):
    """A track whose files must be re-tagged (and maybe renamed) because a chosen value changed.

    Deleted once every file of the track carries the catalogue's tags; a failed write keeps the
    row with the error and a later `next_attempt_at`, so it is retried, never forgotten.
    """

    track = models.OneToOneField(
        "library.Track", on_delete=models.CASCADE, related_name="retag_request"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    reason = models.CharField(max_length=200, blank=True)

    objects = RetagRequestQuerySet.as_manager()

    def __str__(self) -> str:
        return f"re-tag track {self.track_id}"
