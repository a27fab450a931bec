"""Download wants and their progress through slskd: jobs, candidates, peers, quality profiles."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
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


class Candidate(models.Model):
    """One file (or album folder) found on Soulseek for a job, with its score and reasons."""

    class State(models.TextChoices):
        PENDING = "pending", "Not tried"
        REJECTED = "rejected", "Rejected by matcher"
        TRYING = "trying", "Being downloaded"
        FAILED = "failed", "Download failed"
        WRONG = "wrong", "Marked wrong"
        DONE = "done", "Downloaded"

    job = models.ForeignKey(DownloadJob, on_delete=models.CASCADE, related_name="candidates")
    username = models.CharField(max_length=200)
    filename = models.CharField(
        max_length=4096, help_text="Full remote path, exactly as slskd reported it."
    )
    size = models.BigIntegerField()
    extension = models.CharField(max_length=16, blank=True)
    bitrate = models.PositiveIntegerField(null=True, blank=True)
    sample_rate = models.PositiveIntegerField(null=True, blank=True)
    bit_depth = models.PositiveSmallIntegerField(null=True, blank=True)
    length_s = models.PositiveIntegerField(null=True, blank=True)
    is_vbr = models.BooleanField(null=True, blank=True)
    quality = models.CharField(max_length=20, blank=True)
    has_free_slot = models.BooleanField(default=False)
    queue_length = models.PositiveIntegerField(default=0)
    upload_speed = models.PositiveBigIntegerField(default=0)
    query = models.CharField(max_length=500, blank=True)
    score = models.FloatField(default=0)
    rank = models.PositiveIntegerField(
        null=True, blank=True, help_text="1 is the best; empty when rejected."
    )
    breakdown = models.JSONField(default=dict, blank=True)
    rejection_reason = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["job", "rank", "pk"]
        indexes = [models.Index(fields=["job", "state", "rank"])]

    def __str__(self) -> str:
        return f"{self.username}: {self.filename}"


class RejectedFile(models.Model):
    """A (want, user, path) the user or the importer said is wrong: never offered again."""

    track = models.ForeignKey(
        "library.Track", on_delete=models.CASCADE, related_name="rejected_files"
    )
    username = models.CharField(max_length=200)
    filename = models.CharField(max_length=4096)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "username", "filename"], name="unique_rejected_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.username}: {self.filename}"


class Peer(models.Model):
    """What we have learned about a Soulseek user: our transfer history and the blocklist."""

    username = models.CharField(max_length=200, unique=True)
    successes = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    is_blocked = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username


class EngineSettings(models.Model):
    """The download engine's global switches (a single row, pk=1)."""

    paused = models.BooleanField(default=False, help_text="Start no new searches or transfers.")
    max_concurrent = models.PositiveSmallIntegerField(
        default=2, help_text="Jobs searching or downloading at once (1–10)."
    )
    # Only one engine pump runs at a time; it holds this lease and renews it while it works.
    pump_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    pump_lease_holder = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = "download engine settings"
        verbose_name_plural = "download engine settings"

    def __str__(self) -> str:
        return "Download engine settings"

    def clean(self) -> None:
        if not 1 <= self.max_concurrent <= 10:
            raise ValidationError({"max_concurrent": "Concurrency must be between 1 and 10."})

    @classmethod
    def load(cls) -> EngineSettings:
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row


class SearchSlot(models.Model):
    """The one search SoulSpot may have running in slskd at a time (a single row, pk=1).

    slskd answers a concurrent search with 429 and the Soulseek server bans clients that search
    fast, so every process (web, workers, on any host) claims this lease before it posts a
    search and releases it once the search completes, fails or times out. A claim is one
    conditional UPDATE, so exactly one claimant wins on SQLite and PostgreSQL alike; `until`
    bounds how long a holder that crashed can keep the others waiting. `downloads.search_slot`
    is the only code that writes it.

    Transitions: free -> held (claim) -> free (release, or `until` passes).
    """

    # slskd's id of the search in flight; empty when the slot is free.
    search_id = models.CharField(max_length=36, blank=True)
    # Who holds it, in words: "download #12", "manual search #3".
    holder = models.CharField(max_length=200, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "search slot"

    def __str__(self) -> str:
        return f"search slot held by {self.holder}" if self.search_id else "search slot (free)"


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
