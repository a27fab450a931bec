"""API keys for the REST API (stored hashed, shown once)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone

KEY_PREFIX = "ss_"


def hash_key(raw: str) -> str:
    # Keys are 32 random bytes, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def matching(self, raw: str) -> ApiKeyQuerySet:
        return self.filter(hashed_key=hash_key(raw), revoked=False)


class ApiKey(models.Model):
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=12, editable=False, help_text="First characters, to recognise it."
    )
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def generate(cls, name: str) -> tuple[ApiKey, str]:
        """Create a key; the raw value is returned once and never stored."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        key = cls.objects.create(name=name, prefix=raw[:8], hashed_key=hash_key(raw))
        return key, raw


class SetupClaim(models.Model):
    """First-run setup happened. There is only ever one row (pk 1), so of concurrent setup
    requests exactly one can insert it; the first account is created in the same transaction."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    username = models.CharField(max_length=150)
    claimed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="setup_claim_singleton"),
        ]

    def __str__(self) -> str:
        return f"setup by {self.username} at {self.claimed_at:%Y-%m-%d %H:%M}"
