"""Automation's records: the Spotify sources the user chose and what each sync found."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from library.models import Album, Artist, Playlist


class SpotifySources(models.Model):
    """The one row (pk=1) of Spotify sync choices and state.

    Nothing is wanted until the user says so: every source starts off. `next_call_at` is
    Spotify's Retry-After (no call before it, by any worker); `paused_until` is set by a
    QUOTA_EXCEEDED answer (the daily quota: no Spotify work until then, with the reason shown).
    """

    liked_songs = models.BooleanField(default=False)
    saved_albums = models.BooleanField(default=False)
    followed_artists = models.BooleanField(default=False)
    # Followed artists become watched artists (found on MusicBrainz by exact name).
    watch_followed_artists = models.BooleanField(default=False)
    sync_interval_hours = models.PositiveSmallIntegerField(default=6)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    next_sync_at = models.DateTimeField(null=True, blank=True)
    next_call_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    paused_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Spotify sources"

    def __str__(self) -> str:
        return "Spotify sources"

    @classmethod
    def get(cls) -> SpotifySources:
        defaults = {"sync_interval_hours": settings.SPOTIFY_SYNC_INTERVAL_HOURS}
        row, _ = cls.objects.get_or_create(pk=1, defaults=defaults)
        return row

    def is_paused(self) -> bool:
        return self.paused_until is not None and self.paused_until > timezone.now()


class SpotifyPlaylistQuerySet(models.QuerySet):
    def followed(self) -> SpotifyPlaylistQuerySet:
        return self.filter(followed=True)

    def due(self) -> SpotifyPlaylistQuerySet:
        """Followed, readable playlists whose content changed since their last sync."""
        return (
            self.followed()
            .exclude(readable=False)
            .exclude(snapshot_id=models.F("synced_snapshot_id"))
        )


class SpotifyPlaylist(models.Model):
    """One of the user's Spotify playlists (own, collaborative or followed), as last listed.

    Readable: owned or collaborative. In Development Mode Spotify answers 403 for the items of
    any other playlist; such a playlist is listed, never synced.
    """

    spotify_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=500)
    owner_id = models.CharField(max_length=128, blank=True)
    owner_name = models.CharField(max_length=500, blank=True)
    owned = models.BooleanField(default=False)
    collaborative = models.BooleanField(default=False)
    readable = models.BooleanField(null=True, default=None)
    tracks_total = models.PositiveIntegerField(default=0)
    snapshot_id = models.CharField(max_length=200, blank=True)
    # The snapshot whose items were last read: equal to snapshot_id → nothing to read.
    synced_snapshot_id = models.CharField(max_length=200, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    followed = models.BooleanField(default=False)
    playlist = models.OneToOneField(
        Playlist, on_delete=models.SET_NULL, null=True, blank=True, related_name="spotify_source"
    )
    last_result = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    # One sync of a playlist at a time: a worker claims it until this moment.
    claimed_until = models.DateTimeField(null=True, blank=True)
    listed_at = models.DateTimeField(default=timezone.now)

    objects = SpotifyPlaylistQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def want_key(self) -> str:
        return f"playlist:{self.spotify_id}"


class SpotifySavedAlbum(models.Model):
    """An album saved in the user's Spotify library, recorded when its album want was made:
    a later sync never wants it again, whatever became of that want."""

    spotify_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=500)
    artist_name = models.CharField(max_length=500, blank=True)
    album = models.ForeignKey(Album, on_delete=models.SET_NULL, null=True, blank=True)
    wanted_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["artist_name", "name"]

    def __str__(self) -> str:
        return f"{self.artist_name} – {self.name}"


class SpotifyFollowedArtist(models.Model):
    """An artist the user follows on Spotify (the automation issue turns them into watches)."""

    spotify_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=500)
    artist = models.ForeignKey(Artist, on_delete=models.SET_NULL, null=True, blank=True)
    seen_at = models.DateTimeField(default=timezone.now)
    # What turning it into a watched artist came to ("watched", "no MusicBrainz match"...);
    # empty: not tried yet.
    watch_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecordingLookup(models.Model):
    """An ISRC SoulSpot asked MusicBrainz about, and the answer: asked once, never again."""

    isrc = models.CharField("ISRC", max_length=12, unique=True)
    recording_id = models.CharField(max_length=36, blank=True)
    looked_up_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.isrc} → {self.recording_id or self.outcome}"


# --- watched artists ------------------------------------------------------------------------

PRIMARY_TYPES = ["album", "ep", "single", "broadcast", "other"]
SECONDARY_TYPES = [
    "compilation",
    "live",
    "remix",
    "soundtrack",
    "dj-mix",
    "mixtape/street",
    "demo",
    "interview",
    "audiobook",
    "spokenword",
]


def default_release_types() -> list[str]:
    return ["album", "ep"]


class WatchedArtist(models.Model):
    """An artist the user asked SoulSpot to keep up with, and what to do with its releases.

    `want`: `future` wants release groups first released after `watched_since`; `all` the
    whole discography of the chosen types; `none` only records them (calendar, notifications).
    Release types are MusicBrainz's primary types; a release group with any excluded secondary
    type (compilation, live...) is never wanted.
    """

    class Want(models.TextChoices):
        FUTURE = "future", "New releases"
        ALL = "all", "Whole discography"
        NONE = "none", "Nothing (calendar and notifications only)"

    class Source(models.TextChoices):
        LIBRARY = "library", "Library artist"
        MUSICBRAINZ = "musicbrainz", "MusicBrainz search"
        SPOTIFY = "spotify", "Followed on Spotify"

    artist = models.OneToOneField(Artist, on_delete=models.CASCADE, related_name="watch")
    musicbrainz_id = models.CharField("MusicBrainz artist id", max_length=36, unique=True)
    release_types = models.JSONField(default=default_release_types)
    excluded_secondary_types = models.JSONField(default=list, blank=True)
    want = models.CharField(max_length=10, choices=Want.choices, default=Want.FUTURE)
    quality_profile = models.ForeignKey(
        "library.QualityProfile", on_delete=models.SET_NULL, null=True, blank=True
    )
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.LIBRARY)
    watched_since = models.DateTimeField(default=timezone.now)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_result = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    # One check of an artist at a time: a worker claims it until this moment.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["artist__name"]

    def __str__(self) -> str:
        return f"watching {self.artist}"


class ReleaseGroup(models.Model):
    """A release group of a watched artist, as MusicBrainz listed it, and what SoulSpot did.

    Transitions: found → wanted (an album want was made), waiting (first released in the
    future: wanted on its release date), skipped (`reason` says why: type not watched, released
    before the watch began, its tracks are owned on another album...), owned; never wanted twice.
    """

    class State(models.TextChoices):
        FOUND = "found", "Found"
        WAITING = "waiting", "Waiting for its release date"
        WANTED = "wanted", "Wanted"
        SKIPPED = "skipped", "Skipped"
        OWNED = "owned", "Owned"

    watch = models.ForeignKey(WatchedArtist, on_delete=models.CASCADE, related_name="releases")
    musicbrainz_id = models.CharField("MusicBrainz release group id", max_length=36)
    title = models.CharField(max_length=500)
    primary_type = models.CharField(max_length=20, blank=True)
    secondary_types = models.JSONField(default=list, blank=True)
    # MusicBrainz's date as given ("2024", "2024-05", "2024-05-01") and as a day for sorting.
    first_release_date = models.CharField(max_length=10, blank=True)
    release_date = models.DateField(null=True, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.FOUND)
    reason = models.CharField(max_length=500, blank=True)
    release_id = models.CharField("chosen release id", max_length=36, blank=True)
    release_choice = models.CharField("why that release", max_length=500, blank=True)
    album = models.ForeignKey(Album, on_delete=models.SET_NULL, null=True, blank=True)
    found_at = models.DateTimeField(default=timezone.now)
    wanted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-release_date", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["watch", "musicbrainz_id"], name="one_release_group_per_watch"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.first_release_date or 'no date'})"


class AutomationEvent(models.Model):
    """Something automation noticed that the user may want to hear of (a new release, a want,
    a library problem), appended and never changed. Written through `automation.events.emit`;
    the notification dispatcher reads new rows after its cursor."""

    kind = models.CharField(max_length=40, db_index=True)
    message = models.CharField(max_length=1000)
    facts = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}: {self.message}"


class NotificationTargetQuerySet(models.QuerySet):
    def enabled(self) -> NotificationTargetQuerySet:
        return self.filter(enabled=True)


class NotificationTarget(models.Model):
    """One Apprise URL and the events it wants.

    The URL carries tokens, so it is stored only encrypted (`soulspot.lib.secret_box`) and shown
    as `masked` (its scheme and the start of its host). `url_digest` (an HMAC of the URL under
    SECRET_KEY) lets the environment seeding recognise a URL it already added without decrypting.
    `last_*` describe the newest delivery attempt, for the page and the API.
    """

    class Event(models.TextChoices):
        WANT_GRABBED = "want_grabbed", "Want grabbed"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed after all attempts"
        NEW_RELEASE = "new_release", "New release found"
        RELEASE_WANTED = "release_wanted", "Release wanted"
        UPGRADED = "upgraded", "Upgrade done"
        LIBRARY_PROBLEM = "library_problem", "Library problem found"

    name = models.CharField(max_length=200, blank=True)
    encrypted_url = models.TextField(editable=False)
    url_digest = models.CharField(max_length=64, db_index=True, editable=False)
    masked = models.CharField(max_length=200, editable=False)
    events = models.JSONField(default=list, blank=True)
    enabled = models.BooleanField(default=True)
    from_environment = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    last_result = models.CharField(max_length=1000, blank=True)

    objects = NotificationTargetQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name or self.masked


class NotificationDelivery(models.Model):
    """One message for one target, sent by its own task with retries.

    Transitions: queued → sent, or queued → (retrying, queued again) → failed after
    `MAX_TRIES` attempts. Each attempt claims the row race-safely (`tries` moves by one).
    A delivery still queued long after `next_try_at` lost its task and is queued again.
    """

    MAX_TRIES = 3

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Given up"

    target = models.ForeignKey(
        NotificationTarget, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    title = models.CharField(max_length=250)
    body = models.CharField(max_length=2000)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    tries = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the next try is due: a queued delivery long past it lost its task (a worker died
    # mid-send) and is queued again by the dispatcher.
    next_try_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "notification deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.target}: {self.state}"


class NotificationState(models.Model):
    """The one row (pk=1) of the notifier's own state.

    The cursors are the newest `library.HistoryEvent` and `AutomationEvent` already turned into
    deliveries; they start at the newest rows when the row is created, so an install's old
    history is never sent. `seeded_digests` are the SOULSPOT_NOTIFY_URLS entries already added
    (a target the user deleted stays deleted). The rest is what the library-problem check
    remembers so that each problem is told once per occurrence.
    """

    history_cursor = models.BigIntegerField(default=0)
    event_cursor = models.BigIntegerField(default=0)
    seeded_digests = models.JSONField(default=list, blank=True)
    problems_checked_at = models.DateTimeField(null=True, blank=True)
    disk_low = models.BooleanField(default=False)
    slskd_down_since = models.DateTimeField(null=True, blank=True)
    slskd_reported = models.BooleanField(default=False)
    spotify_reported = models.BooleanField(default=False)

    def __str__(self) -> str:
        return "Notification state"

    @classmethod
    def get(cls) -> NotificationState:
        from library.models import HistoryEvent

        row = cls.objects.filter(pk=1).first()
        if row is not None:
            return row
        newest_history = HistoryEvent.objects.aggregate(m=models.Max("pk"))["m"] or 0
        newest_event = AutomationEvent.objects.aggregate(m=models.Max("pk"))["m"] or 0
        defaults = {
            "history_cursor": newest_history,
            "event_cursor": newest_event,
            "problems_checked_at": timezone.now(),
        }
        row, _ = cls.objects.get_or_create(pk=1, defaults=defaults)
        return row


# --- calendar feed ---------------------------------------------------------------------------


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a user's iCal feed URL (`/api/calendar.ics?token=`).

    Phone calendars cannot send an API key header, so the URL itself is the credential: it
    shows the release calendar only, and the user can rotate it from the calendar page.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"
