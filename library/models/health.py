"""Library health: scans and their problems, album completeness."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LibraryScanQuerySet(models.QuerySet):
    def active(self) -> LibraryScanQuerySet:
        return self.filter(is_active=True)

    def recent(self) -> LibraryScanQuerySet:
        return self.order_by("-created_at", "-pk")


class LibraryScan(models.Model):
    """One pass over the music folder (or a folder inside it) by the scanner.

    Transitions, each a race-safe `filter(status=...).update(...)`:
      queued → running        a task (or `manage.py scan`) claims it and takes a lease
      running → completed     every file was processed, missing files marked, duplicates found
      running → failed        an unexpected error (the message is in `error`)
      queued/running → cancelled   the user asked it to stop
    A running scan whose lease ran out (its worker died or hit the task timeout) is
    *interrupted*: it stays `running`, and the next claim resumes it, skipping every file it
    already processed. Only one scan is active at a time: `is_active` is unique while true, so
    a second request fails at the database even when two arrive in the same instant.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Phase(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        WALKING = "walking", "Listing files"
        READING = "reading", "Reading new and changed files"
        MISSING = "missing", "Marking removed files"
        DUPLICATES = "duplicates", "Finding duplicates"
        DONE = "done", "Done"

    TERMINAL_STATUSES = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)

    path = models.CharField(max_length=4096)
    full = models.BooleanField(default=False, help_text="Re-read every file, changed or not.")
    deep = models.BooleanField(default=False, help_text="Decode the audio of every file read.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.PENDING)
    is_active = models.BooleanField(default=True, editable=False)
    requested_by = models.CharField(max_length=40, blank=True)
    files_total = models.PositiveIntegerField(null=True, blank=True)
    files_seen = models.PositiveIntegerField(default=0)
    files_new = models.PositiveIntegerField(default=0)
    files_changed = models.PositiveIntegerField(default=0)
    files_removed = models.PositiveIntegerField(default=0)
    files_broken = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    bytes_to_read = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    # Library-wide figures taken when the scan completed.
    broken_total = models.PositiveIntegerField(null=True, blank=True)
    duplicate_groups = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    reading_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # The run holding the lease: "<token>@<host>:<pid>", so a run whose process died is taken
    # over within a minute rather than when its lease runs out (see `scanner.engine.claim`).
    runner = models.CharField(max_length=200, blank=True, editable=False)

    objects = LibraryScanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="library_one_active_scan",
            )
        ]

    def __str__(self) -> str:
        return f"Scan #{self.pk} of {self.path} ({self.status})"

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return round((end - self.started_at).total_seconds(), 1)

    @property
    def percent(self) -> float:
        if self.status == self.Status.COMPLETED:
            return 100.0
        if not self.files_total:
            return 0.0
        return round(100 * min(self.files_seen, self.files_total) / self.files_total, 1)

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left in the reading phase, from the bytes read so far."""
        if self.phase != self.Phase.READING or not self.reading_started_at or not self.bytes_read:
            return None
        elapsed = (timezone.now() - self.reading_started_at).total_seconds()
        left = max(self.bytes_to_read - self.bytes_read, 0)
        return round(elapsed * left / self.bytes_read, 1)


class ScanProblem(models.Model):
    """Something a scan could not handle, with the path it concerns (nothing is ever deleted)."""

    class Kind(models.TextChoices):
        NOT_MOUNTED = "not_mounted", "Music folder missing or empty"
        UNREADABLE_DIRECTORY = "unreadable_dir", "Folder cannot be read"
        UNREADABLE_FILE = "unreadable_file", "File cannot be read"
        SYMLINK_LOOP = "symlink_loop", "Symlink loop"
        SYMLINK_OUTSIDE = "symlink_outside", "Symlink leads outside the music folder"
        DANGLING_SYMLINK = "dangling_symlink", "Broken symlink"
        BAD_FILENAME = "bad_filename", "File name is not valid UTF-8"
        VANISHED = "vanished", "File vanished during the scan"
        CHANGED = "changed", "File changed while being read"
        BROKEN_AUDIO = "broken_audio", "Broken audio file"
        TOOL_MISSING = "tool_missing", "Deep check unavailable"

    scan = models.ForeignKey(LibraryScan, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    path = models.CharField(max_length=4096)
    detail = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["scan", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.path}"


class AlbumCompletenessQuerySet(models.QuerySet):
    def incomplete(self) -> AlbumCompletenessQuerySet:
        return self.filter(is_complete=False, expected_count__gt=0)


class AlbumCompleteness(models.Model):
    """How much of an album's release the user owns.

    `expected` is the release's track list, fetched from its source (MusicBrainz, later
    Spotify) now and then; `owned_count`/`missing` are recomputed locally after every scan.
    """

    class Source(models.TextChoices):
        MUSICBRAINZ = "musicbrainz", "MusicBrainz"
        SPOTIFY = "spotify", "Spotify"
        TAGS = "tags", "Track totals in the tags"

    album = models.OneToOneField("Album", on_delete=models.CASCADE, related_name="completeness")
    source = models.CharField(max_length=12, choices=Source.choices, blank=True)
    release_id = models.CharField(max_length=64, blank=True)
    expected = models.JSONField(default=list, blank=True)
    expected_count = models.PositiveSmallIntegerField(default=0)
    owned_count = models.PositiveSmallIntegerField(default=0)
    missing = models.JSONField(default=list, blank=True)
    is_complete = models.BooleanField(default=False, db_index=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    objects = AlbumCompletenessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "album completeness"

    def __str__(self) -> str:
        return f"{self.album_id}: {self.owned_count}/{self.expected_count}"
