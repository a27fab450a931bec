"""Playlists and their ordered entries."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from library.models.base import TimeStamped
from soulspot.lib.fields import NameField


class Playlist(TimeStamped):
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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaylistEntry(models.Model):
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    track = models.ForeignKey("Track", on_delete=models.CASCADE, related_name="playlist_entries")
    position = models.PositiveIntegerField()
    added_at = models.DateTimeField(default=timezone.now)

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
