"""What searches found for a job, the files the user rejected, and what we know of peers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from downloads.models.jobs import DownloadJob


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
