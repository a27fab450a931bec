"""The engine's shared state: global switches and the one search slot."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class EngineSettings(models.Model):
    """The download engine's global switches (a single row, pk=1)."""

    paused = models.BooleanField(default=False, help_text="Start no new searches or transfers.")
    max_concurrent = models.PositiveSmallIntegerField(
        default=2, help_text="Jobs searching or downloading at once (1–10)."
    )
    # Only one engine pump runs at a time; it holds this lease and renews it while it works.
    pump_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    pump_lease_holder = models.CharField(max_length=200, blank=True, editable=False)
    # Set when a pump task is queued, cleared when it starts: at most one waits in the queue,
    # however many requests wake the engine (with one worker, a queue of 20-second pumps would
    # starve every other task). `downloads.services.transitions.wake_engine` claims it.
    pump_requested_at = models.DateTimeField(null=True, blank=True, editable=False)

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
