"""Download jobs: one want on its way from Soulseek to the library, and its progress."""

from __future__ import annotations

import math

from django.db import models
from django.utils import timezone

from soulspot.lib.durations import seconds_text


class DownloadJobQuerySet(models.QuerySet):
    def with_relations(self) -> DownloadJobQuerySet:
        return self.select_related(
            "track", "track__artist", "track__album", "album", "album__artist", "candidate"
        )

    def active(self) -> DownloadJobQuerySet:
        return self.filter(status__in=DownloadJob.ACTIVE_STATUSES)

    def terminal(self) -> DownloadJobQuerySet:
        return self.filter(status__in=DownloadJob.TERMINAL_STATUSES)

    def due(self) -> DownloadJobQuerySet:
        """Queued jobs whose backoff has elapsed, most important first."""
        now = timezone.now()
        return (
            self.filter(status=DownloadJob.Status.QUEUED)
            .filter(models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now))
            .order_by("-priority", "created_at", "pk")
        )


class DownloadJob(models.Model):
    """One want (a track or a whole album) on its way from Soulseek to the library.

    Status transitions (each one made race-safely with `filter(pk, status=old).update(...)`):

        queued ──> searching ──> downloading ──> importing ──> completed
          ^            │              │              │
          │            v              v              v
          └──── (retry with backoff: next candidate first, new search after)
                   not_found        failed         failed

    * queued: waiting for a slot (concurrency limit) or for `next_attempt_at` (backoff).
    * searching: a search is running on slskd; candidates are ranked when it completes.
    * downloading: slskd has the transfer; a periodic task follows its progress.
    * importing: the file is on disk with the expected size; the import pipeline takes over.
    * completed: the file is in the library (`library_path`).
    * not_found: no candidate passed the matcher, after every fallback query.
    * failed: attempts exhausted, or an error that retrying cannot fix.
    * cancelled: the user cancelled; the slskd transfer is cancelled too.
    * paused: the user paused it; `resume` puts it back to queued.
    A terminal job (completed, not_found, failed, cancelled) can be retried: it goes back to queued.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SEARCHING = "searching", "Searching"
        DOWNLOADING = "downloading", "Downloading"
        IMPORTING = "importing", "Importing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        NOT_FOUND = "not_found", "Not found"
        CANCELLED = "cancelled", "Cancelled"
        PAUSED = "paused", "Paused"

    class Kind(models.TextChoices):
        TRACK = "track", "Track"
        ALBUM = "album", "Album"

    class Purpose(models.TextChoices):
        """Why the job runs: get a missing track, replace an owned file, or improve it."""

        WANT = "want", "Get the track"
        REDOWNLOAD = "redownload", "Download again"  # replaces the file even at equal quality
        UPGRADE = "upgrade", "Upgrade"  # only a strictly better file is taken

    ACTIVE_STATUSES = (Status.QUEUED, Status.SEARCHING, Status.DOWNLOADING, Status.IMPORTING)
    TERMINAL_STATUSES = (Status.COMPLETED, Status.FAILED, Status.NOT_FOUND, Status.CANCELLED)
    # A job with a file in hand in these states tried it without (yet) failing it.
    _IN_HAND_STATUSES = (Status.DOWNLOADING, Status.IMPORTING, Status.COMPLETED, Status.CANCELLED)
    # A job sent back to the queue says what comes next with one of these; the wait before it
    # is added when the reason is shown (`status_text`), never stored, so it is never stale.
    NEXT_FILE = "trying another file"
    NEXT_SEARCH = "searching again"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TRACK)
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.WANT)
    track = models.ForeignKey(
        "library.Track",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="download_jobs",
    )
    album = models.ForeignKey(
        "library.Album",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="download_jobs",
    )
    # The album job a track job belongs to, when it was created as part of an album want.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    quality_profile = models.ForeignKey(
        "library.QualityProfile", on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    priority = models.SmallIntegerField(default=0, help_text="Higher runs first.")
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Why the job is where it is, in words a user understands ("slskd unreachable, retrying").
    status_reason = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)

    candidate = models.ForeignKey(
        "downloads.Candidate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    search_id = models.CharField(max_length=36, blank=True)
    search_query = models.CharField(max_length=500, blank=True)
    transfer_id = models.CharField(max_length=36, blank=True, db_index=True)
    transfer_state = models.CharField(max_length=50, blank=True)
    bytes_transferred = models.BigIntegerField(default=0)
    progress = models.FloatField(default=0, help_text="Percent, 0–100.")
    # Activity figures from slskd's transfer, recorded on every engine step while downloading.
    bytes_total = models.BigIntegerField(default=0, help_text="Size of the file, in bytes.")
    speed_bps = models.PositiveBigIntegerField(
        default=0, help_text="slskd's average speed of the transfer, in bytes per second."
    )
    queue_position = models.PositiveIntegerField(
        null=True, blank=True, help_text="Our place in the peer's upload queue."
    )
    # When the peer was last asked for our place in its queue (asking costs the peer a message).
    queue_position_at = models.DateTimeField(null=True, blank=True)
    transfer_added_at = models.DateTimeField(
        null=True, blank=True, help_text="When slskd was asked for the file."
    )
    # When bytes last moved: the "no progress" timeout is measured from here.
    progress_at = models.DateTimeField(null=True, blank=True)
    # Every query searched for this job, in order; fallbacks are taken from what is left.
    tried_queries = models.JSONField(default=list, blank=True)
    local_path = models.CharField(
        max_length=4096, blank=True, help_text="Downloaded file, before import."
    )
    library_path = models.CharField(max_length=4096, blank=True)
    # The import of the file this job handed over last (its journal, should the import crash).
    import_item = models.ForeignKey(
        "metadata.ImportItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = DownloadJobQuerySet.as_manager()

    # A track has at most one live job: a database rule, so two requests at once cannot both
    # create one (the services turn the IntegrityError into "already being downloaded").
    LIVE_STATUSES = (*ACTIVE_STATUSES, Status.PAUSED)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "priority", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["track"],
                condition=models.Q(
                    track__isnull=False,
                    status__in=["queued", "searching", "downloading", "importing", "paused"],
                ),
                name="downloads_one_live_job_per_track",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.want_label} [{self.status}]"

    @property
    def want_label(self) -> str:
        if self.track_id:
            return str(self.track)
        if self.album_id:
            return str(self.album)
        return "(no want)"

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL_STATUSES

    # --- figures shown to the user, computed when shown so they are never stale -----------

    @property
    def attempts_made(self) -> int:
        """Downloads tried against `max_attempts`: the failed ones (`attempts`, which only a
        failure increments) plus the one in hand (downloading, importing, done, or cancelled
        mid-way). A file you marked wrong does not count against the limit."""
        in_hand = self.candidate_id is not None and self.status in self._IN_HAND_STATUSES
        return self.attempts + (1 if in_hand else 0)

    @property
    def bar_percent(self) -> float | None:
        """The progress bar's width; None for a job that ended without its file, which shows
        no bar at all rather than a green one."""
        if self.status in (self.Status.FAILED, self.Status.CANCELLED, self.Status.NOT_FOUND):
            return None
        return 100.0 if self.status == self.Status.COMPLETED else self.progress

    @property
    def seconds_until_next_attempt(self) -> int | None:
        if self.status != self.Status.QUEUED or self.next_attempt_at is None:
            return None
        left = math.ceil((self.next_attempt_at - timezone.now()).total_seconds())
        return left if left > 0 else None

    @property
    def status_text(self) -> str:
        """`status_reason` with the wait before the next try counted from now."""
        wait = self.seconds_until_next_attempt
        reason = self.status_reason
        if wait is None:
            return reason
        when = seconds_text(wait)
        for phrase in (self.NEXT_FILE, self.NEXT_SEARCH):
            if reason.startswith(phrase):
                return f"{phrase} in {when}{reason[len(phrase) :]}"
        return f"{reason} (next try in {when})" if reason else f"next try in {when}"

    # --- activity figures (what the transfer is doing now; None when it is not doing it) ------

    @property
    def size_bytes(self) -> int:
        """The file's size: slskd's figure once recorded, else the candidate's as searched."""
        if self.bytes_total:
            return self.bytes_total
        return self.candidate.size if self.candidate_id else 0

    @property
    def is_transferring(self) -> bool:
        return self.status == self.Status.DOWNLOADING and self.kind == self.Kind.TRACK

    @property
    def current_speed_bps(self) -> int | None:
        return self.speed_bps if self.is_transferring and self.speed_bps > 0 else None

    @property
    def eta_seconds(self) -> int | None:
        """Seconds until the file is complete at the current speed."""
        speed = self.current_speed_bps
        left = self.size_bytes - self.bytes_transferred
        if speed is None or left <= 0:
            return None
        return math.ceil(left / speed)

    @property
    def current_queue_position(self) -> int | None:
        return self.queue_position if self.is_transferring else None
