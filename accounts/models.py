"""API keys for the REST API (stored hashed, shown once), and the audit log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

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


class AuditEntryQuerySet(models.QuerySet):
    def filtered(
        self,
        actor: str | None = None,
        actor_kind: str | None = None,
        action: str | None = None,
        outcome: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> AuditEntryQuerySet:
        """The filters of `GET /api/audit`; `action` matches a prefix (`admin`, `api:`)."""
        entries = self
        if actor:
            entries = entries.filter(actor=actor)
        if actor_kind:
            entries = entries.filter(actor_kind=actor_kind)
        if action:
            entries = entries.filter(action__startswith=action)
        if outcome:
            entries = entries.filter(outcome=outcome)
        if since:
            entries = entries.filter(at__gte=since)
        if until:
            entries = entries.filter(at__lt=until)
        return entries

    def newest_first(self) -> AuditEntryQuerySet:
        return self.order_by("-at", "-pk")


class AuditEntry(models.Model):
    """One write, login, logout, lockout or key change: who, what, when, from where, outcome.

    Rows are only ever added (by `accounts.audit`) and removed by age (`prune_audit_log`);
    nothing edits them, and the admin shows them read-only.
    """

    class ActorKind(models.TextChoices):
        USER = "user"
        API_KEY = "api_key", "API key"
        ANONYMOUS = "anonymous"

    class Outcome(models.TextChoices):
        OK = "ok"  # 1xx-3xx, or an event that succeeded
        REFUSED = "refused"  # 4xx: bad input, no permission, wrong password, locked out
        ERROR = "error"  # 5xx: our bug or a broken disk

    at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.CharField(
        max_length=160, help_text="Username, “api key: NAME”, or the attempted username."
    )
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    action = models.CharField(max_length=200)
    object_repr = models.CharField(max_length=200, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        # One per filter of the list: each is an equality (or prefix) plus the time order.
        indexes = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["outcome", "at"], name="audit_outcome_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.outcome}"


class SpotifyAuthRequestQuerySet(models.QuerySet):
    def claimable(self, state: str, now: datetime) -> SpotifyAuthRequestQuerySet:
        """The request with this state, if it is neither used nor expired."""
        return self.filter(state=state, used_at=None, expires_at__gt=now)


class SpotifyAuthRequest(models.Model):
    """One "Connect Spotify" attempt: the OAuth `state` sent to Spotify and the PKCE verifier
    that must go with the code it returns (encrypted: with the code it is a token).

    Lifecycle: created when the authorize URL is built; expires 10 minutes later; `used_at` is
    set exactly once by the callback that claims it (a replayed callback finds it used).
    Rows older than a day are pruned whenever a new attempt starts.
    """

    LIFETIME = timedelta(minutes=10)

    state = models.CharField(max_length=64, unique=True, editable=False)
    encrypted_verifier = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SpotifyAuthRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Spotify authorization request"

    def __str__(self) -> str:
        return f"Spotify authorization of {self.created_at:%Y-%m-%d %H:%M}"


class SpotifyConnection(models.Model):
    """The Spotify account SoulSpot reads from. There is at most one row (pk 1).

    `encrypted_token` holds the token JSON (access and refresh token, expiry, scope) encrypted
    with `soulspot.lib.secret_box`; `expires_at` repeats the expiry in clear for scheduling.
    The refresh lease (`refresh_owner`, `refresh_started_at`) lets one process at a time
    refresh: Spotify rotates the refresh token, so two refreshes at once would lose one.
    `error` is set when Spotify refused the refresh token (or the key to read it is gone):
    the user must reconnect; a successful connection clears it.
    """

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    spotify_user_id = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    encrypted_token = models.TextField(blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    refresh_owner = models.CharField(max_length=64, blank=True, editable=False)
    refresh_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    connected_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why Spotify must be reconnected, if it must.")

    class Meta:
        verbose_name = "Spotify connection"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="spotify_connection_singleton"),
        ]

    def __str__(self) -> str:
        return f"Spotify: {self.display_name or self.spotify_user_id or 'not connected'}"

    @property
    def has_tokens(self) -> bool:
        return bool(self.encrypted_token)

    @property
    def needs_reconnect(self) -> bool:
        return bool(self.error)
