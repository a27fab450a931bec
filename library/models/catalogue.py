"""The music catalogue: artists, albums, tracks, and what is wanted of them."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone

from library import quality
from library.models.base import TimeStamped
from library.models.files import DuplicateGroup, TrackFile
from library.models.rules import QualityProfile
from soulspot.lib.fields import NameField


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
    genres = models.JSONField(default=list, blank=True, db_default=[])
    # The user wants this artist's wanted albums and tracks kept complete (Lidarr's "monitored").
    monitored = models.BooleanField(default=False, db_default=False)

    objects = ArtistQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # UPPER(name) serves `name__same` (finding an artist by name, any case).
        indexes = [
            models.Index(fields=["name"]),
            models.Index(Upper("name"), name="artist_name_upper"),
        ]

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
    # The full release date as precise as known ("1995", "1995-10", "1995-10-03"); `year` is
    # its year, kept as a column for sorting and the naming templates.
    release_date = models.CharField(max_length=10, blank=True, db_default="")
    label = models.CharField(max_length=500, blank=True, db_default="")
    catalog_number = models.CharField("catalogue number", max_length=100, blank=True, db_default="")
    country = models.CharField("release country", max_length=2, blank=True, db_default="")
    genres = models.JSONField(default=list, blank=True, db_default=[])
    track_count = models.PositiveSmallIntegerField(null=True, blank=True)
    disc_count = models.PositiveSmallIntegerField(null=True, blank=True)
    musicbrainz_release_id = models.CharField(max_length=36, blank=True, db_index=True)
    musicbrainz_release_group_id = models.CharField(max_length=36, blank=True, db_index=True)
    spotify_id = models.CharField(max_length=64, blank=True, db_index=True)
    monitored = models.BooleanField(default=False, db_default=False)

    objects = AlbumQuerySet.as_manager()

    class Meta:
        ordering = ["artist__name", "year", "title"]
        indexes = [
            models.Index(fields=["title"]),
            models.Index(Upper("title"), name="album_title_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.artist} – {self.title}" + (f" ({self.year})" if self.year else "")


class TrackQuerySet(models.QuerySet):
    def with_relations(self) -> TrackQuerySet:
        return self.select_related("artist", "album", "album__artist")

    def wanted(self) -> TrackQuerySet:
        return self.filter(status=Track.Status.WANTED)

    def under(self, row: Track | Album | Artist) -> TrackQuerySet:
        """The track itself, an album's tracks, or an artist's tracks and those on its albums."""
        if isinstance(row, Track):
            return self.filter(pk=row.pk)
        if isinstance(row, Album):
            return self.filter(album=row)
        return self.filter(models.Q(artist=row) | models.Q(album__artist=row))

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

    def due_for_search(self, now: datetime, *, searched_before: datetime) -> TrackQuerySet:
        """Tracks an automatic search may pick now: out of backoff (`next_search_at` passed or
        unset) and not searched since `searched_before`, never-searched first, then oldest."""
        out_of_backoff = models.Q(next_search_at__isnull=True) | models.Q(next_search_at__lte=now)
        not_recent = models.Q(last_searched_at__isnull=True) | models.Q(
            last_searched_at__lt=searched_before
        )
        return self.filter(out_of_backoff & not_recent).order_by(
            models.F("last_searched_at").asc(nulls_first=True), "pk"
        )

    def reset_search_backoff(self) -> int:
        """A file landed for these tracks: their next fruitless search starts the backoff anew
        (an UPDATE, kept here so every app that lands files can call it)."""
        backing_off = models.Q(search_failures__gt=0) | models.Q(next_search_at__isnull=False)
        return self.filter(backing_off).update(search_failures=0, next_search_at=None)

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
    # Each credited artist on its own (the ARTISTS tag), when there are several.
    artists = models.JSONField(default=list, blank=True, db_default=[])
    genres = models.JSONField(default=list, blank=True, db_default=[])
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
    # Searches in a row that found nothing (a job ended not found, or failed after all its
    # attempts); automatic searches wait until `next_search_at`, longer after each. A file
    # landing resets both.
    search_failures = models.PositiveSmallIntegerField(default=0, db_default=0)
    next_search_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["artist__name", "album__title", "disc_number", "track_number", "title"]
        indexes = [
            models.Index(fields=["title"]),
            models.Index(Upper("title"), name="track_title_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.credit} – {self.title}"

    @property
    def credit(self) -> str:
        return self.artist_credit or self.artist.name

    @property
    def backing_off(self) -> bool:
        """Whether scheduled searches still wait before trying this track again."""
        return self.next_search_at is not None and self.next_search_at > timezone.now()
