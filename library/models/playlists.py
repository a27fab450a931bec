"""Playlists and their ordered entries."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from library.models.base import TimeStamped
from library.models.events import HistoryEvent
from library.models.files import TrackFile
from soulspot.lib.fields import NameField


def _count_of(entries: models.QuerySet) -> Coalesce:
    """A correlated COUNT of one playlist's entries: evaluated only for the page's rows."""
    counted = entries.order_by().values("playlist").annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted), 0)


class PlaylistQuerySet(models.QuerySet):
    def with_counts(self) -> PlaylistQuerySet:
        """`entry_count`, `owned_count` (a healthy file) and `wanted_count` (monitored, no
        healthy file) per playlist; a track listed twice counts twice, as it is listed."""
        healthy = TrackFile.objects.healthy().filter(track__isnull=False).values("track_id")
        entries = PlaylistEntry.objects.filter(playlist=models.OuterRef("pk"))
        wanted = entries.filter(track__monitored=True).exclude(track__in=healthy)
        return self.annotate(
            entry_count=_count_of(entries),
            owned_count=_count_of(entries.filter(track__in=healthy)),
            wanted_count=_count_of(wanted),
        )


class Playlist(TimeStamped):
    """A named, ordered list of tracks, mirrored as `<playlist dir>/<file_name>` (M3U8).

    `file_name` is the file SoulSpot last wrote for it (relative to the playlist dir), so a
    rename or a delete can remove that file, and only that one. Write through the services in
    `library.playlists`, which keep the file in step with the rows.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", "Manual"
        SPOTIFY = "spotify", "Spotify"
        MUSICBRAINZ = "musicbrainz", "MusicBrainz"
        IMPORT = "import", "Imported list"

    name = NameField(max_length=500)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    spotify_id = models.CharField(max_length=64, blank=True, db_index=True)
    tracks = models.ManyToManyField("Track", through="PlaylistEntry", related_name="playlists")
    file_name = models.CharField(
        max_length=255, blank=True, editable=False, help_text="The .m3u8 file last written."
    )

    objects = PlaylistQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EntryState(models.TextChoices):
    """Where a playlist entry's track stands: what the user has, wants, or gave up on."""

    OWNED = "owned", "Owned"
    WANTED = "wanted", "Wanted"
    NOT_FOUND = "not_found", "Not found"
    NOT_WANTED = "not_wanted", "Not wanted"


class PlaylistEntryQuerySet(models.QuerySet):
    def with_state(self) -> PlaylistEntryQuerySet:
        """Entries with their track and artist, `has_healthy_file` and `last_event` (the type
        of the track's latest history event); `entry_state()` reads the state from them."""
        healthy = TrackFile.objects.healthy().filter(track=models.OuterRef("track"))
        latest = HistoryEvent.objects.filter(track=models.OuterRef("track")).order_by("-at", "-pk")
        return self.select_related("track", "track__artist").annotate(
            has_healthy_file=models.Exists(healthy),
            last_event=models.Subquery(latest.values("type")[:1]),
        )


class PlaylistEntry(models.Model):
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    track = models.ForeignKey("Track", on_delete=models.CASCADE, related_name="playlist_entries")
    position = models.PositiveIntegerField()
    added_at = models.DateTimeField(default=timezone.now)

    objects = PlaylistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["playlist", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["playlist", "position"], name="unique_playlist_position"
            )
        ]
        verbose_name_plural = "playlist entries"

    def __str__(self) -> str:
        return f"{self.playlist} #{self.position}: {self.track}"

    def entry_state(self) -> str:
        """owned (a healthy file) · wanted (monitored, none) · not found (wanted, and the last
        thing that happened to it was a failure) · not wanted (known, unmonitored)."""
        if getattr(self, "has_healthy_file", False):
            return EntryState.OWNED
        if not self.track.monitored:
            return EntryState.NOT_WANTED
        if getattr(self, "last_event", None) == HistoryEvent.Type.FAILED:
            return EntryState.NOT_FOUND
        return EntryState.WANTED
