"""The music catalogue (Artist, Album, Track), the files on disk (TrackFile), playlists, and the
rules for those files: quality profiles and the naming scheme."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from library import quality
from library.naming import DEFAULT_TEMPLATES, validate_template
from soulspot.lib.fields import NameField


class QualityProfile(models.Model):
    """An ordered ladder of allowed qualities (best first) and the cutoff where upgrades stop."""

    name = models.CharField(max_length=100, unique=True)
    ladder = models.JSONField(default=quality.default_ladder)
    cutoff = models.CharField(max_length=20, default=quality.DEFAULT_CUTOFF)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="library_one_default_quality_profile",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems = quality.validate_ladder(self.ladder, self.cutoff)
        if problems:
            raise ValidationError({"ladder": problems})

    @classmethod
    def get_default(cls) -> QualityProfile:
        profile = cls.objects.filter(is_default=True).first() or cls.objects.first()
        if profile is None:
            # get_or_create: two processes asking at once end with one profile, not an error.
            profile, _ = cls.objects.get_or_create(
                name="Lossless first", defaults={"is_default": True}
            )
        return profile


class NamingScheme(models.Model):
    """The library's file naming templates (a single row, pk=1), Lidarr-style tokens.

    Paths are always rendered through `library.naming`, which keeps them inside the music dir
    whatever the tags say; validation here only rejects templates that cannot work.
    """

    TEMPLATE_FIELDS = ("standard", "multi_disc", "various_artists", "various_artists_multi_disc")

    standard = models.CharField(max_length=1000, default=DEFAULT_TEMPLATES["standard"])
    multi_disc = models.CharField(
        "multi-disc albums", max_length=1000, default=DEFAULT_TEMPLATES["multi_disc"]
    )
    various_artists = models.CharField(
        "various-artists albums", max_length=1000, default=DEFAULT_TEMPLATES["various_artists"]
    )
    various_artists_multi_disc = models.CharField(
        "multi-disc various-artists albums",
        max_length=1000,
        default=DEFAULT_TEMPLATES["various_artists_multi_disc"],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "naming scheme"
        verbose_name_plural = "naming scheme"

    def __str__(self) -> str:
        return "Naming scheme"

    def clean(self) -> None:
        problems = {
            name: validate_template(getattr(self, name))
            for name in self.TEMPLATE_FIELDS
            if validate_template(getattr(self, name))
        }
        if problems:
            raise ValidationError(problems)

    def templates(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.TEMPLATE_FIELDS}

    @classmethod
    def load(cls) -> NamingScheme:
        scheme, _ = cls.objects.get_or_create(pk=1)
        return scheme


class TimeStamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def _count_of(queryset: models.QuerySet, field: str) -> models.Subquery:
    """A correlated COUNT: evaluated only for the rows of the page, not the whole table."""
    counted = queryset.order_by().values(field).annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted), 0)


class ArtistQuerySet(models.QuerySet):
    def with_counts(self) -> ArtistQuerySet:
        return self.annotate(
            albums_known=_count_of(Album.objects.filter(artist=models.OuterRef("pk")), "artist"),
            tracks_known=_count_of(Track.objects.filter(artist=models.OuterRef("pk")), "artist"),
        )

    def search(self, text: str) -> ArtistQuerySet:
        return self.filter(name__icontains=text) if text else self


class Artist(TimeStamped):
    name = NameField(max_length=500)
    sort_name = NameField(max_length=500, blank=True)
    musicbrainz_id = models.CharField(
        "MusicBrainz artist id", max_length=36, blank=True, db_index=True
    )
    spotify_id = models.CharField(max_length=64, blank=True, db_index=True)
    # The user wants this artist's wanted albums and tracks kept complete (Lidarr's "monitored").
    monitored = models.BooleanField(default=False, db_default=False)

    objects = ArtistQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class AlbumQuerySet(models.QuerySet):
    def with_artist(self) -> AlbumQuerySet:
        return self.select_related("artist")

    def with_counts(self) -> AlbumQuerySet:
        tracks = Track.objects.filter(album=models.OuterRef("pk"))
        return self.with_artist().annotate(tracks_known=_count_of(tracks, "album"))

    def search(self, text: str) -> AlbumQuerySet:
        if not text:
            return self
        return self.filter(models.Q(title__icontains=text) | models.Q(artist__name__icontains=text))


class Album(TimeStamped):
    class ReleaseType(models.TextChoices):
        ALBUM = "album", "Album"
        SINGLE = "single", "Single"
        EP = "ep", "EP"
        COMPILATION = "compilation", "Compilation"
        LIVE = "live", "Live"
        SOUNDTRACK = "soundtrack", "Soundtrack"
        OTHER = "other", "Other"

    title = NameField(max_length=500)
    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="albums")
    release_type = models.CharField(
        max_length=20, choices=ReleaseType.choices, default=ReleaseType.ALBUM
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    track_count = models.PositiveSmallIntegerField(null=True, blank=True)
    disc_count = models.PositiveSmallIntegerField(null=True, blank=True)
    musicbrainz_release_id = models.CharField(max_length=36, blank=True, db_index=True)
    musicbrainz_release_group_id = models.CharField(max_length=36, blank=True, db_index=True)
    spotify_id = models.CharField(max_length=64, blank=True, db_index=True)
    monitored = models.BooleanField(default=False, db_default=False)

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

    def monitored(self) -> TrackQuerySet:
        return self.filter(monitored=True)

    def missing_from_library(self) -> TrackQuerySet:
        """Tracks without a healthy file, monitored or not."""
        return self.without_files(is_broken=False, is_missing=False)

    def missing(self) -> TrackQuerySet:
        """Monitored tracks without a healthy file: what the user wants and does not have."""
        return self.monitored().missing_from_library()

    def cutoff_unmet(self) -> TrackQuerySet:
        """Monitored tracks whose best healthy file ranks below their profile's cutoff.

        A file whose quality is not on the profile's ladder at all is left alone: nothing says
        what would be better than it.
        """
        profiles, default = _profiles_and_default()
        unmet = models.Q(pk__in=[])
        for profile in profiles:
            good, below = quality.split_at_cutoff(profile.ladder, profile.cutoff)
            of_profile = models.Q(quality_profile=profile)
            if profile.pk == default.pk:
                of_profile |= models.Q(quality_profile__isnull=True)
            unmet |= (
                of_profile
                & models.Q(pk__in=_tracks_of({"quality__in": below, **_HEALTHY}))
                & ~models.Q(pk__in=_tracks_of({"quality__in": good, **_HEALTHY}))
            )
        return self.monitored().filter(unmet)

    def wanted_rows(self) -> TrackQuerySet:
        """The wanted lists' rows: names joined in, and `best_quality`, the quality key of the
        track's best healthy file by its own profile's ladder (None when it has none)."""
        return self.with_relations().annotate(best_quality=_best_healthy_quality())

    def in_wanted_order(self, sort: str) -> TrackQuerySet:
        """Order by one of `WANTED_SORTS` ("-" first: descending); no value is ever NULL-last
        on one database and NULL-first on another: NULL sorts as the smallest."""
        descending, key = sort.startswith("-"), sort.removeprefix("-")
        fields = WANTED_SORTS[key]
        order = [
            models.F(name).desc(nulls_last=True)
            if descending
            else models.F(name).asc(nulls_first=True)
            for name in fields
        ]
        return self.order_by(*order, "-pk" if descending else "pk")

    def with_files(self) -> TrackQuerySet:
        """With their files, except those SoulSpot moved to the recycle bin on purpose."""
        files = TrackFile.objects.exclude(recycled_to__gt="").order_by("pk")
        return self.with_relations().prefetch_related(models.Prefetch("files", queryset=files))

    def search(self, text: str) -> TrackQuerySet:
        if not text:
            return self
        return self.filter(
            models.Q(title__icontains=text)
            | models.Q(artist__name__icontains=text)
            | models.Q(album__title__icontains=text)
        )

    def having_files(self, **conditions: object) -> TrackQuerySet:
        """Tracks with at least one file matching `conditions` (no duplicate rows, no DISTINCT).

        An IN subquery rather than a correlated EXISTS: the database starts from the matching
        files (using their indexes), which is what keeps filters fast on large libraries.
        """
        return self.filter(pk__in=_tracks_of(conditions))

    def without_files(self, **conditions: object) -> TrackQuerySet:
        """Tracks with no file matching `conditions`."""
        return self.exclude(pk__in=_tracks_of(conditions))

    def filtered(
        self,
        *,
        q: str = "",
        status: str | None = None,
        artist_id: int | None = None,
        album_id: int | None = None,
        format: str | None = None,
        quality: str | None = None,
        broken: bool | None = None,
        missing: bool | None = None,
        duplicate: bool | None = None,
    ) -> TrackQuerySet:
        """The track list's search and filters; file filters select tracks with such a file."""
        tracks = self.search(q)
        own = {"status": status, "artist_id": artist_id, "album_id": album_id}
        tracks = tracks.filter(**{k: v for k, v in own.items() if v is not None})
        # One file must match all file filters ("an MP3 that is not broken"), in one EXISTS.
        files = {"format": format, "quality": quality, "is_broken": broken, "is_missing": missing}
        conditions = {field: value for field, value in files.items() if value is not None}
        if conditions:
            tracks = tracks.having_files(**conditions)
        if duplicate is not None:
            in_group = {"duplicate_group__status": DuplicateGroup.Status.OPEN}
            method = tracks.having_files if duplicate else tracks.without_files
            tracks = method(**in_group)
        return tracks


_HEALTHY = {"is_broken": False, "is_missing": False}
# The wanted lists' sort keys and the columns each one orders by.
WANTED_SORTS: dict[str, list[str]] = {
    "artist": ["artist__name", "album__title", "disc_number", "track_number", "title"],
    "album": ["album__title", "disc_number", "track_number", "title"],
    "title": ["title", "artist__name"],
    "last_searched": ["last_searched_at"],
    "wanted_at": ["wanted_at"],
}


def _tracks_of(conditions: dict) -> models.QuerySet:
    # Never NULL: "id NOT IN (…, NULL)" would match no track at all.
    return TrackFile.objects.filter(track__isnull=False, **conditions).values("track_id")


def _profiles_and_default() -> tuple[list[QualityProfile], QualityProfile]:
    """Every quality profile and the default one, in one query once the default exists."""
    profiles = list(QualityProfile.objects.all())
    default = next((p for p in profiles if p.is_default), None)
    if default is None:
        default = QualityProfile.get_default()
        profiles = list(QualityProfile.objects.all())
    return profiles, default


def _best_healthy_quality() -> models.Subquery:
    """A correlated subquery: the quality of the track's best healthy file, ranked on the
    ladder of the track's profile (a quality off the ladder ranks below every rung)."""
    profiles, default = _profiles_and_default()
    rungs = []
    for profile in profiles:
        of_profile = models.Q(track__quality_profile=profile)
        if profile.pk == default.pk:
            of_profile |= models.Q(track__quality_profile__isnull=True)
        rungs += [
            models.When(of_profile & models.Q(quality=key), then=models.Value(rung))
            for rung, key in enumerate(profile.ladder)
        ]
    ranked = TrackFile.objects.healthy().filter(track=models.OuterRef("pk"))
    ranked = ranked.annotate(
        rung=models.Case(
            *rungs, default=models.Value(len(quality.QUALITIES)), output_field=models.IntegerField()
        )
    )
    return models.Subquery(ranked.order_by("rung", "pk").values("quality")[:1])


class WantSource(models.TextChoices):
    """Where a want came from (a track keeps the first source that wanted it)."""

    TYPED = "typed", "Typed in"
    ALBUM = "album", "Album want"
    IMPORT = "import", "Imported file"
    REDOWNLOAD = "redownload", "Re-download"
    SPOTIFY = "spotify", "Spotify"
    WATCHLIST = "watchlist", "Watched artist"
    LIST = "list", "Imported list"


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

    title = NameField(max_length=500)
    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="tracks")
    # The credit as it should be displayed and tagged, e.g. "Daft Punk feat. Pharrell Williams".
    artist_credit = NameField(max_length=1000, blank=True)
    album = models.ForeignKey(
        Album, on_delete=models.SET_NULL, null=True, blank=True, related_name="tracks"
    )
    track_number = models.PositiveSmallIntegerField(null=True, blank=True)
    disc_number = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    isrc = models.CharField("ISRC", max_length=12, blank=True, db_index=True)
    musicbrainz_recording_id = models.CharField(max_length=36, blank=True, db_index=True)
    spotify_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.KNOWN, db_index=True
    )
    wanted_at = models.DateTimeField(null=True, blank=True)
    # The user wants this track kept: missing while it has no healthy file, and upgraded while
    # its best file is below its profile's cutoff. Unmonitored tracks get no automatic action.
    monitored = models.BooleanField(default=False, db_default=False, db_index=True)
    want_source = models.CharField(
        max_length=12,
        choices=WantSource.choices,
        blank=True,
        db_default="",
        help_text="Where the want came from.",
    )
    quality_profile = models.ForeignKey(
        QualityProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the default profile.",
    )
    last_searched_at = models.DateTimeField(null=True, blank=True)

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
        OTHER = "other", "Other"

    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="files"
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


class HistoryEventQuerySet(models.QuerySet):
    def newest_first(self) -> HistoryEventQuerySet:
        return self.order_by("-at", "-pk")

    def filtered(
        self, *, track_id: int | None = None, job_id: int | None = None, type: str | None = None
    ) -> HistoryEventQuerySet:
        """The history list's filters; None means "any"."""
        wanted = {"track_id": track_id, "job_id": job_id, "type": type}
        return self.filter(**{name: value for name, value in wanted.items() if value is not None})

    def with_track(self) -> HistoryEventQuerySet:
        return self.select_related("track", "track__artist")


class HistoryEvent(models.Model):
    """One thing that happened to a want, appended and never changed (Lidarr's history).

    `job_id` names the download job involved, if any, as a plain number: the library does not
    know download jobs, and an event outlives the job it mentions.
    """

    class Type(models.TextChoices):
        WANTED = "wanted", "Wanted"
        SEARCHED = "searched", "Searched"
        GRABBED = "grabbed", "Grabbed"
        IMPORTED = "imported", "Imported"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"
        UPGRADED = "upgraded", "Upgraded"
        RECYCLED = "recycled", "Recycled"
        UNMONITORED = "unmonitored", "Unmonitored"
        MONITORED = "monitored", "Monitored"

    type = models.CharField(max_length=12, choices=Type.choices, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    track = models.ForeignKey(
        "Track", on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    job_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # What happened, in words, and its facts (query, result counts, user, file, quality...).
    message = models.CharField(max_length=1000, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = HistoryEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["track", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.type}: {self.message}"


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
            models.UniqueConstraint(
                fields=["playlist", "position"], name="unique_playlist_position"
            )
        ]
        verbose_name_plural = "playlist entries"

    def __str__(self) -> str:
        return f"{self.playlist} #{self.position}: {self.track}"


# --- library health: scans, duplicates, completeness -----------------------------------------


class LibraryScanQuerySet(models.QuerySet):
    def active(self) -> LibraryScanQuerySet:
        return self.filter(is_active=True)

    def recent(self) -> LibraryScanQuerySet:
        return self.order_by("-created_at", "-pk")


class LibraryScan(models.Model):
    """One pass over the music folder (or a folder inside it) by the scanner.

    Transitions, each a race-safe `filter(status=...).update(...)`:
      queued → running        a task (or `manage.py scan`) claims it and takes a lease
      running → completed     every file was processed, missing files marked, duplicates found
      running → failed        an unexpected error (the message is in `error`)
      queued/running → cancelled   the user asked it to stop
    A running scan whose lease ran out (its worker died or hit the task timeout) is
    *interrupted*: it stays `running`, and the next claim resumes it, skipping every file it
    already processed. Only one scan is active at a time: `is_active` is unique while true, so
    a second request fails at the database even when two arrive in the same instant.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Phase(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        WALKING = "walking", "Listing files"
        READING = "reading", "Reading new and changed files"
        MISSING = "missing", "Marking removed files"
        DUPLICATES = "duplicates", "Finding duplicates"
        DONE = "done", "Done"

    TERMINAL_STATUSES = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)

    path = models.CharField(max_length=4096)
    full = models.BooleanField(default=False, help_text="Re-read every file, changed or not.")
    deep = models.BooleanField(default=False, help_text="Decode the audio of every file read.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.PENDING)
    is_active = models.BooleanField(default=True, editable=False)
    requested_by = models.CharField(max_length=40, blank=True)
    files_total = models.PositiveIntegerField(null=True, blank=True)
    files_seen = models.PositiveIntegerField(default=0)
    files_new = models.PositiveIntegerField(default=0)
    files_changed = models.PositiveIntegerField(default=0)
    files_removed = models.PositiveIntegerField(default=0)
    files_broken = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    bytes_to_read = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    # Library-wide figures taken when the scan completed.
    broken_total = models.PositiveIntegerField(null=True, blank=True)
    duplicate_groups = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    reading_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    runner = models.CharField(max_length=32, blank=True, editable=False)

    objects = LibraryScanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="library_one_active_scan",
            )
        ]

    def __str__(self) -> str:
        return f"Scan #{self.pk} of {self.path} ({self.status})"

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return round((end - self.started_at).total_seconds(), 1)

    @property
    def percent(self) -> float:
        if self.status == self.Status.COMPLETED:
            return 100.0
        if not self.files_total:
            return 0.0
        return round(100 * min(self.files_seen, self.files_total) / self.files_total, 1)

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left in the reading phase, from the bytes read so far."""
        if self.phase != self.Phase.READING or not self.reading_started_at or not self.bytes_read:
            return None
        elapsed = (timezone.now() - self.reading_started_at).total_seconds()
        left = max(self.bytes_to_read - self.bytes_read, 0)
        return round(elapsed * left / self.bytes_read, 1)


class ScanProblem(models.Model):
    """Something a scan could not handle, with the path it concerns (nothing is ever deleted)."""

    class Kind(models.TextChoices):
        NOT_MOUNTED = "not_mounted", "Music folder missing or empty"
        UNREADABLE_DIRECTORY = "unreadable_dir", "Folder cannot be read"
        UNREADABLE_FILE = "unreadable_file", "File cannot be read"
        SYMLINK_LOOP = "symlink_loop", "Symlink loop"
        DANGLING_SYMLINK = "dangling_symlink", "Broken symlink"
        BAD_FILENAME = "bad_filename", "File name is not valid UTF-8"
        VANISHED = "vanished", "File vanished during the scan"
        CHANGED = "changed", "File changed while being read"
        BROKEN_AUDIO = "broken_audio", "Broken audio file"
        TOOL_MISSING = "tool_missing", "Deep check unavailable"

    scan = models.ForeignKey(LibraryScan, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    path = models.CharField(max_length=4096)
    detail = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["scan", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.path}"


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


class AlbumCompletenessQuerySet(models.QuerySet):
    def incomplete(self) -> AlbumCompletenessQuerySet:
        return self.filter(is_complete=False, expected_count__gt=0)


class AlbumCompleteness(models.Model):
    """How much of an album's release the user owns.

    `expected` is the release's track list, fetched from its source (MusicBrainz, later
    Spotify) now and then; `owned_count`/`missing` are recomputed locally after every scan.
    """

    class Source(models.TextChoices):
        MUSICBRAINZ = "musicbrainz", "MusicBrainz"
        SPOTIFY = "spotify", "Spotify"
        TAGS = "tags", "Track totals in the tags"

    album = models.OneToOneField(Album, on_delete=models.CASCADE, related_name="completeness")
    source = models.CharField(max_length=12, choices=Source.choices, blank=True)
    release_id = models.CharField(max_length=64, blank=True)
    expected = models.JSONField(default=list, blank=True)
    expected_count = models.PositiveSmallIntegerField(default=0)
    owned_count = models.PositiveSmallIntegerField(default=0)
    missing = models.JSONField(default=list, blank=True)
    is_complete = models.BooleanField(default=False, db_index=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    objects = AlbumCompletenessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "album completeness"

    def __str__(self) -> str:
        return f"{self.album_id}: {self.owned_count}/{self.expected_count}"
