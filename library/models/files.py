"""The files on disk (TrackFile) and the duplicate groups they form."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from library.models.base import TimeStamped


class TrackFileQuerySet(models.QuerySet):
    def with_track(self) -> TrackFileQuerySet:
        return self.select_related("track", "track__artist", "track__album")

    def present(self) -> TrackFileQuerySet:
        return self.filter(is_missing=False)

    def broken(self) -> TrackFileQuerySet:
        return self.filter(is_broken=True, is_missing=False)

    def healthy(self) -> TrackFileQuerySet:
        return self.filter(is_broken=False, is_missing=False)

    def under(self, root: str) -> TrackFileQuerySet:
        """Files inside the folder `root`, as an index range on `path` (no LIKE scan)."""
        prefix = root.rstrip("/") + "/"
        # "0" is the character after "/", so this range is exactly the paths starting with prefix.
        return self.filter(path__gte=prefix, path__lt=prefix[:-1] + "0")

    def in_open_duplicate_group(self) -> TrackFileQuerySet:
        return self.filter(duplicate_group__status=DuplicateGroup.Status.OPEN)

    def broken_listing(self) -> TrackFileQuerySet:
        """Broken files with their track and whether that track has a healthy copy elsewhere."""
        healthy = TrackFile.objects.healthy().filter(
            track=models.OuterRef("track"), track__isnull=False
        )
        return self.broken().with_track().annotate(has_healthy_copy=models.Exists(healthy))


class TrackFile(TimeStamped):
    """One audio file on disk, as last read by the scanner or the importer."""

    class Format(models.TextChoices):
        FLAC = "flac", "FLAC"
        ALAC = "alac", "ALAC"
        WAV = "wav", "WAV"
        AIFF = "aiff", "AIFF"
        MP3 = "mp3", "MP3"
        AAC = "aac", "AAC"
        OGG = "ogg", "Ogg Vorbis"
        OPUS = "opus", "Opus"
        SPEEX = "speex", "Speex"
        APE = "ape", "Monkey's Audio (APE)"
        WAVPACK = "wv", "WavPack"
        MUSEPACK = "mpc", "Musepack"
        WMA = "wma", "WMA"
        DSD = "dsd", "DSD (DSF/DFF)"
        TAK = "tak", "TAK"
        OPTIMFROG = "ofr", "OptimFROG"
        TTA = "tta", "TTA (True Audio)"
        AC3 = "ac3", "AC-3/E-AC-3"
        OTHER = "other", "Other"

    track = models.ForeignKey(
        "Track", on_delete=models.SET_NULL, null=True, blank=True, related_name="files"
    )
    path = models.CharField(max_length=4096, unique=True)
    size = models.BigIntegerField(default=0)
    mtime = models.FloatField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    format = models.CharField(
        max_length=10, choices=Format.choices, default=Format.OTHER, db_index=True
    )
    bitrate = models.PositiveIntegerField("bitrate (kbps)", null=True, blank=True)
    sample_rate = models.PositiveIntegerField(null=True, blank=True)
    bit_depth = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    is_broken = models.BooleanField(default=False, db_index=True)
    broken_reason = models.CharField(max_length=500, blank=True)
    # Set by the scanner when the file is gone; the row (and its history) is kept.
    is_missing = models.BooleanField(default=False, db_index=True)
    last_scanned_at = models.DateTimeField(null=True, blank=True)
    # A key of library.quality.QUALITIES ("" when the format is not on any ladder).
    quality = models.CharField(max_length=20, blank=True, db_index=True)
    # How many of the tags that identify a file are set (title, artist, ISRC, MBIDs…): the
    # tie-breaker when two duplicates have the same quality.
    tag_score = models.PositiveSmallIntegerField(default=0)
    duplicate_group = models.ForeignKey(
        "DuplicateGroup", on_delete=models.SET_NULL, null=True, blank=True, related_name="files"
    )
    # Where the file went when a duplicate resolution moved it to the recycle bin.
    recycled_to = models.CharField(max_length=4096, blank=True)

    objects = TrackFileQuerySet.as_manager()

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path


class DuplicateGroupQuerySet(models.QuerySet):
    def open(self) -> DuplicateGroupQuerySet:
        return self.filter(status=DuplicateGroup.Status.OPEN)

    def with_files(self) -> DuplicateGroupQuerySet:
        files = TrackFile.objects.with_track().order_by("pk")
        return self.select_related("keeper").prefetch_related(
            models.Prefetch("files", queryset=files)
        )


class DuplicateGroup(models.Model):
    """Files holding the same recording; all but the keeper can go to the recycle bin.

    Transitions: open → resolved (the others were moved to the recycle bin) | dismissed (the
    user says they differ). Scans keep open groups up to date and delete those with fewer than
    two files left; a dismissed group stays dismissed until its set of files changes.
    """

    class Kind(models.TextChoices):
        EXACT = "exact", "Identical files"
        RECORDING = "recording", "Same recording"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    key = models.CharField(max_length=40, db_index=True)
    signature = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reasons = models.CharField(max_length=200, blank=True)
    keeper = models.ForeignKey(
        TrackFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = DuplicateGroupQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"Duplicate group #{self.pk} ({self.get_kind_display()}, {self.status})"
