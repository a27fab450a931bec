"""System state that belongs to no domain: the worker's heartbeat."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """A single row the worker touches each time it runs the heartbeat task.

    Readiness reads it: a fresh `beat_at` proves a worker really picked a task off the queue.
    """

    beat_at = models.DateTimeField()
    worker = models.CharField(max_length=200, blank=True)

    STALE_AFTER = timedelta(minutes=3)

    class Meta:
        verbose_name = "worker heartbeat"

    def __str__(self) -> str:
        return f"heartbeat at {self.beat_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, worker: str = "") -> WorkerHeartbeat:
        beat, _ = cls.objects.update_or_create(
            pk=1, defaults={"beat_at": timezone.now(), "worker": worker[:200]}
        )
        return beat

    @classmethod
    def latest(cls) -> WorkerHeartbeat | None:
        return cls.objects.filter(pk=1).first()

    @property
    def is_fresh(self) -> bool:
        return timezone.now() - self.beat_at < self.STALE_AFTER


class WriteProbe(models.Model):
    """A single row readiness rewrites to prove the database accepts writes.

    A read (`SELECT 1`) succeeds on a full disk; only a committed write finds out, and one
    row rewritten in place keeps that write as small and short as a write can be.
    """

    written_at = models.DateTimeField()

    class Meta:
        verbose_name = "database write probe"

    def __str__(self) -> str:
        return f"write probe at {self.written_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def touch(cls) -> None:
        cls.objects.update_or_create(pk=1, defaults={"written_at": timezone.now()})


class ScheduleOverride(models.Model):
    """The interval a user chose for one of SoulSpot's schedules (`soulspot:<name>`).

    Schedules are declared in code and re-synced on every start; an override here wins over the
    code's interval there, so the user's choice survives restarts.
    """

    name = models.CharField(max_length=100, unique=True)
    minutes = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} every {self.minutes} min"


class RuntimeSetting(models.Model):
    """A setting the user changed after the first start (see `soulspot.runtime_settings`).

    The row wins over the environment variable of the same name; deleting it (reset) brings the
    environment's value back. Secrets are kept encrypted (`soulspot.lib.secret_box`).
    """

    key = models.CharField(max_length=100, unique=True)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "runtime setting"

    def __str__(self) -> str:
        return self.key
