"""Import pipeline state: folder imports, per-file import records, metadata gaps waiting for a
provider, and where an album's cover can come from."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ImportBatchQuerySet(models.QuerySet):
    def recent(self) -> ImportBatchQuerySet:
        return self.order_by("-created_at", "-pk")


class ImportBatch(models.Model):
    """A folder of files the user already has, imported into the library (adopt).

    Transitions (race-safe, `filter(pk, status=old).update(...)`):
    queued -> running -> completed | failed. A running batch whose worker died is picked up again
    by `resume_imports` (within a minute when its `runner` process is gone, see
    `adopt.is_abandoned`); files it already handled are skipped, so it simply continues.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    TERMINAL_STATUSES = (Status.COMPLETED, Status.FAILED)

    path = models.CharField(max_length=4096)
    keep_source = models.BooleanField(
        default=False, help_text="Copy the files into the library and leave the originals."
    )
    deep = models.BooleanField(
        default=False, help_text="Decode every file's audio before importing it (slower)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The process running it ("host:pid"): when that process is gone, the batch is resumed at
    # the next minute's `resume_imports` instead of after STALE_MINUTES of silence.
    runner = models.CharField(max_length=200, blank=True, editable=False)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"#{self.pk} {self.path} [{self.status}]"

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL_STATUSES

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class ImportItemQuerySet(models.QuerySet):
    def with_relations(self) -> ImportItemQuerySet:
        return self.select_related("track", "track__artist", "batch")

    def problems(self) -> ImportItemQuerySet:
        """Files that were not imported, with the reason why."""
        return self.filter(
            state__in=[
                ImportItem.State.SKIPPED,
                ImportItem.State.FAILED,
                ImportItem.State.QUARANTINED,
            ]
        )

    def warnings(self) -> ImportItemQuerySet:
        """Files that were imported but not cleanly (e.g. "tags not written: format has no tag
        support"): an imported item's reason is its warning."""
        return self.filter(state=ImportItem.State.IMPORTED).exclude(reason="")


class ImportItem(models.Model):
    """One file's way into the library; also the journal that makes a crashed import resumable.

    States: started -> staged (tagged copy ready, destination chosen) -> imported; or skipped
    (the library already has this track as good or better), failed (not audio, unreadable...),
    quarantined (a download that failed verification; the file is in the quarantine folder).
    """

    class State(models.TextChoices):
        STARTED = "started", "Started"
        STAGED = "staged", "Staged"
        IMPORTED = "imported", "Imported"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"
        QUARANTINED = "quarantined", "Quarantined"

    FINAL_STATES = (State.IMPORTED, State.SKIPPED, State.FAILED, State.QUARANTINED)

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    track = models.ForeignKey(
        "library.Track", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_path = models.CharField(max_length=4096)
    staged_path = models.CharField(max_length=4096, blank=True)
    library_path = models.CharField(max_length=4096, blank=True)
    # Where a quarantined or unneeded file was put aside (never deleted); for an imported file
    # that a better one replaced later, where the replaced file went (the recycle bin).
    set_aside_path = models.CharField(max_length=4096, blank=True)
    # The later import whose better file replaced this one's: library_path is then history.
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # SHA-256 of the tagged file as staged: proves a file at library_path is ours after a crash.
    sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.STARTED)
    reason = models.CharField(max_length=1000, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The process ("host:pid") running a download's import: when it is gone, the import is taken
    # over within a minute instead of after the quiet period another host's run needs.
    runner = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImportItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["batch", "state"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.source_path} [{self.state}]"

    @property
    def is_final(self) -> bool:
        return self.state in self.FINAL_STATES


class MetadataGapQuerySet(models.QuerySet):
    def due(self) -> MetadataGapQuerySet:
        return self.filter(next_attempt_at__lte=timezone.now()).order_by("next_attempt_at", "pk")

    def with_track(self) -> MetadataGapQuerySet:
        return self.select_related("track", "track__artist", "track__album")


class MetadataGap(models.Model):
    """Something an import could not get because a provider was down (or switched off).

    A row exists while the gap is open; the scheduled fill-in task retries it with backoff and
    deletes it once filled. "The provider answered: there is none" is not a gap.
    """

    class Kind(models.TextChoices):
        MUSICBRAINZ = "musicbrainz", "MusicBrainz data"
        COVER = "cover", "Cover art"
        LYRICS = "lyrics", "Lyrics"

    track = models.ForeignKey(
        "library.Track", on_delete=models.CASCADE, related_name="metadata_gaps"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MetadataGapQuerySet.as_manager()

    class Meta:
        ordering = ["next_attempt_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["track", "kind"], name="unique_metadata_gap")
        ]

    def __str__(self) -> str:
        return f"{self.track_id}: {self.get_kind_display()}"


class AlbumCover(models.Model):
    """Where an album's cover came from, and an image URL to use when CAA has none.

    `image_url` is filled by whoever knows one (the Spotify import, or the user in the admin).
    """

    class Source(models.TextChoices):
        NONE = "", "None yet"
        COVERART = "coverart", "Cover Art Archive"
        URL = "url", "Image URL"
        FOLDER = "folder", "Image in the source folder"
        EMBEDDED = "embedded", "Embedded in the file"
        LIBRARY = "library", "cover.jpg already in the library"

    album = models.OneToOneField("library.Album", on_delete=models.CASCADE, related_name="cover")
    image_url = models.URLField(max_length=1000, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["album_id"]

    def __str__(self) -> str:
        return f"Cover of {self.album_id}"


class ProviderPace(models.Model):
    """The next moment a request to an outside service may start, shared by every process.

    MusicBrainz allows about one request per second per IP, counted across the web process and
    every worker: each request reserves the next free slot here (`metadata.providers.pacing`).
    """

    service = models.CharField(max_length=40, primary_key=True)
    next_slot_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.service}: next request at {self.next_slot_at:%H:%M:%S.%f}"


class ProviderResponseQuerySet(models.QuerySet):
    def fresh(self) -> ProviderResponseQuerySet:
        return self.filter(expires_at__gt=timezone.now())

    def expired(self) -> ProviderResponseQuerySet:
        return self.filter(expires_at__lte=timezone.now())


class ProviderResponse(models.Model):
    """One remembered answer of an outside service (`metadata.providers.cache`).

    `key` is the request as text, or for a long one a readable start followed by the SHA-256 of
    the whole request. A `not_found` row remembers that the service answered 404. `hits` counts
    the answers served from this row, `loads` the times it was fetched (first time, after
    expiry, or bypassing the cache): per-kind figures sum them (plus `ProviderCacheTally` for
    rows already pruned).
    """

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    value = models.JSONField(null=True, blank=True)
    not_found = models.BooleanField(default=False)
    fetched_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)
    loads = models.PositiveIntegerField(default=1)

    objects = ProviderResponseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="provider_response_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.key[:80]}"


class ProviderCacheTally(models.Model):
    """Hits and misses of provider answers whose rows were pruned, per kind, so the hit rate
    stays "since the cache was last cleared" although expired rows are deleted daily."""

    kind = models.CharField(max_length=40, primary_key=True)
    hits = models.PositiveBigIntegerField(default=0)
    misses = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind}: {self.hits} hits, {self.misses} misses (pruned rows)"


class RefreshMiss(models.Model):
    """A track, album or artist whose MusicBrainz id MusicBrainz did not know at its last
    refresh (a merged or deleted entity). The daily refresh leaves it alone for
    `MetadataSettings.refresh_after_days` instead of asking again every day; a later refresh
    that finds the id removes the row."""

    kind = models.CharField(max_length=6)
    object_id = models.BigIntegerField()
    musicbrainz_id = models.CharField(max_length=36)
    missed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_refresh_miss_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: MusicBrainz has no {self.musicbrainz_id}"
