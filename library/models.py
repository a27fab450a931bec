"""The music catalogue (Artist, Album, Track), the files on disk (TrackFile) and playlists."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TimeStamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Artist(TimeStamped):
    name = models.CharField(max_length=500)
    sort_name = models.CharField(max_length=500, blank=True)
    musicbrainz_id = models.CharField("MusicBrainz artist id", max_length=36, blank=True, db_index=True)
    spotify_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class AlbumQuerySet(models.QuerySet):
    def with_artist(self) -> AlbumQuerySet:
        return self.select_related("artist")


class Album(TimeStamped):
    class ReleaseType(models.TextChoices):
        ALBUM = "album", "Album"
        SINGLE = "single", "Single"
        EP = "ep", "EP"
        COMPILATION = "compilation", "Compilation"
        LIVE = "live", "Live"
        SOUNDTRACK = "soundtrack", "Soundtrack"
        OTHER = "other", "Other"

    title = models.CharField(max_length=500)
    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="albums")
    release_type = models.CharField(max_length=20, choices=ReleaseType.choices, default=ReleaseType.ALBUM)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    track_count = models.PositiveSmallIntegerField(null=True, blank=True)
    disc_count = models.PositiveSmallIntegerField(null=True, blank=True)
    musicbrainz_release_id = models.CharField(max_length=36, blank=True, db_index=True)
    musicbrainz_release_group_id = models.CharField(max_length=36, blank=True, db_index=True)
    spotify_id = models.CharField(max_length=64, blank=True, db_index=True)

    objects = AlbumQuerySet.as_manager()

    class Meta:
        ordering = ["artist__name", "year", "title"]
        indexes = [models.Index(fields=["title"])]

    def __str__(self) -> str:
        return f"{self.artist} – {self.title}" + (f" ({self.year})" if self.year else "")


class TrackQuerySet(models.QuerySet):
    def with_relations(self) -> TrackQuerySet:
        return self.select_related("artist", "album", "album__artist")

    def wanted(self) -> TrackQuerySet:
        return self.filter(status=Track.Status.WANTED)

    def owned(self) -> TrackQuerySet:
        return self.filter(status=Track.Status.OWNED)


class Track(TimeStamped):
    """A recording we know about. `status` says whether the user wants it or owns it.

    Transitions: known → wanted (a want is added) → owned (a verified file is imported);
    owned → wanted (its file broke or went missing and the user wants it again); any → ignored.
    """

    class Status(models.TextChoices):
        KNOWN = "known", "Known"
        WANTED = "wanted", "Wanted"
        OWNED = "owned", "Owned"
        IGNORED = "ignored", "Ignored"

    title = models.CharField(max_length=500)
    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="tracks")
    # The credit as it should be displayed and tagged, e.g. "Daft Punk feat. Pharrell Williams".
    artist_credit = models.CharField(max_length=1000, blank=True)
    album = models.ForeignKey(Album, on_delete=models.SET_NULL, null=True, blank=True, related_name="tracks")
    track_number = models.PositiveSmallIntegerField(null=True, blank=True)
    disc_number = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    isrc = models.CharField("ISRC", max_length=12, blank=True, db_index=True)
    musicbrainz_recording_id = models.CharField(max_length=36, blank=True, db_index=True)
    spotify_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.KNOWN, db_index=True)
    wanted_at = models.DateTimeField(null=True, blank=True)

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["artist__name", "album__title", "disc_number", "track_number", "title"]
        indexes = [models.Index(fields=["title"])]

    def __str__(self) -> str:
        return f"{self.credit} – {self.title}"

    @property
    def credit(self) -> str:
        return self.artist_credit or self.artist.name


class TrackFileQuerySet(models.QuerySet):
    def with_track(self) -> TrackFileQuerySet:
        return self.select_related("track", "track__artist", "track__album")

    def present(self) -> TrackFileQuerySet:
        return self.filter(is_missing=False)

    def broken(self) -> TrackFileQuerySet:
        return self.filter(is_broken=True, is_missing=False)


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
        OTHER = "other", "Other"

    track = models.ForeignKey(Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="files")
    path = models.CharField(max_length=4096, unique=True)
    size = models.BigIntegerField(default=0)
    mtime = models.FloatField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.OTHER, db_index=True)
    bitrate = models.PositiveIntegerField("bitrate (kbps)", null=True, blank=True)
    sample_rate = models.PositiveIntegerField(null=True, blank=True)
    bit_depth = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    is_broken = models.BooleanField(default=False, db_index=True)
    broken_reason = models.CharField(max_length=500, blank=True)
    # Set by the scanner when the file is gone; the row (and its history) is kept.
    is_missing = models.BooleanField(default=False, db_index=True)
    last_scanned_at = models.DateTimeField(null=True, blank=True)

    objects = TrackFileQuerySet.as_manager()

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path


class Playlist(TimeStamped):
    class Source(models.TextChoices):
        MANUAL = "manual", "Manual"
        SPOTIFY = "spotify", "Spotify"
        MUSICBRAINZ = "musicbrainz", "MusicBrainz"
        IMPORT = "import", "Imported list"

    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    spotify_id = models.CharField(max_length=64, blank=True, db_index=True)
    tracks = models.ManyToManyField(Track, through="PlaylistEntry", related_name="playlists")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaylistEntry(models.Model):
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="playlist_entries")
    position = models.PositiveIntegerField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["playlist", "position"]
        constraints = [
            models.UniqueConstraint(fields=["playlist", "position"], name="unique_playlist_position")
        ]
        verbose_name_plural = "playlist entries"

    def __str__(self) -> str:
        return f"{self.playlist} #{self.position}: {self.track}"
