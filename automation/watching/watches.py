"""Adding, changing and removing watched artists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from automation.models import PRIMARY_TYPES, SECONDARY_TYPES, WatchedArtist
from automation.watching.errors import WatchError, WatchNotFound
from library.models import Artist, QualityProfile
from metadata.providers import musicbrainz

Want = WatchedArtist.Want
# Watches fall due every 12 hours, each shifted by its own offset (up to an hour) so that a
# long watchlist does not fall due at once.
CHECK_INTERVAL = timedelta(hours=12)
SPREAD_SECONDS = 3600
PICK_FROM_SEARCH = "pick the artist from a MusicBrainz search: this artist has no MusicBrainz id"


@dataclass
class WatchOptions:
    """What a watch wants; None for a field means "as it is" (or its default on a new watch).
    Excluded secondary types default to all of them: only plain albums, EPs... are wanted."""

    release_types: list[str] | None = None
    excluded_secondary_types: list[str] | None = None
    want: str | None = None
    quality_profile_id: int | None = None
    clear_quality_profile: bool = False


def watch_library_artist(artist_id: int, options: WatchOptions) -> WatchedArtist:
    """Watch a library artist; it must carry its MusicBrainz id."""
    artist = Artist.objects.filter(pk=artist_id).first()
    if artist is None:
        raise WatchNotFound(f"artist_id: there is no artist #{artist_id}")
    if not artist.musicbrainz_id:
        raise WatchError(PICK_FROM_SEARCH)
    return _create(artist, options, WatchedArtist.Source.LIBRARY)


def watch_musicbrainz_artist(
    musicbrainz_id: str, options: WatchOptions, *, source: str = WatchedArtist.Source.MUSICBRAINZ
) -> WatchedArtist:
    """Watch the MusicBrainz artist `musicbrainz_id`: the library artist with that id (or
    with its name and no id yet) is linked to it, or created."""
    mbid = musicbrainz_id.strip().lower()
    artist = Artist.objects.filter(musicbrainz_id=mbid).order_by("pk").first()
    if artist is None:
        artist = _library_artist_for(mbid)
    return _create(artist, options, source)


def _library_artist_for(mbid: str) -> Artist:
    try:
        found = musicbrainz.get_artist(mbid)  # a network call: outside transactions
    except musicbrainz.MusicBrainzNotFound as exc:
        raise WatchNotFound(f"musicbrainz_id: MusicBrainz has no artist {mbid}") from exc
    except musicbrainz.MusicBrainzError as exc:
        if isinstance(exc, musicbrainz.MusicBrainzUnavailable):
            raise
        raise WatchError(f"musicbrainz_id: {exc}") from exc
    with transaction.atomic():
        named = Artist.objects.filter(name__iexact=found.name, musicbrainz_id="").first()
        if named is not None:
            Artist.objects.filter(pk=named.pk).update(musicbrainz_id=mbid)
            return Artist.objects.get(pk=named.pk)
        return Artist.objects.create(
            name=found.name, sort_name=found.sort_name, musicbrainz_id=mbid
        )


def _create(artist: Artist, options: WatchOptions, source: str) -> WatchedArtist:
    values = validated(options)
    existing = WatchedArtist.objects.filter(artist=artist).first()
    if existing is None:
        existing = WatchedArtist.objects.filter(musicbrainz_id=artist.musicbrainz_id).first()
    if existing is not None:
        raise WatchError(f"{artist.name} is watched already (watch #{existing.pk})")
    values.setdefault("excluded_secondary_types", list(SECONDARY_TYPES))
    try:
        with transaction.atomic():
            return WatchedArtist.objects.create(
                artist=artist,
                musicbrainz_id=artist.musicbrainz_id,
                source=source,
                next_check_at=timezone.now(),
                **values,
            )
    except IntegrityError as exc:  # a concurrent request made the same watch
        raise WatchError(f"{artist.name} is watched already") from exc


def update_watch(watch: WatchedArtist, options: WatchOptions) -> WatchedArtist:
    """Change a watch's options; what was wanted already stays wanted."""
    values = validated(options)
    if options.clear_quality_profile:
        values["quality_profile"] = None
    if values:
        WatchedArtist.objects.filter(pk=watch.pk).update(**values)
    return WatchedArtist.objects.select_related("artist").get(pk=watch.pk)


def unwatch(watch: WatchedArtist) -> None:
    """Stop watching: its release-group records go, the albums and wants they made stay."""
    watch.delete()


def validated(options: WatchOptions) -> dict[str, object]:
    """The model fields for `options`, refusing unknown values with the field named."""
    values: dict[str, object] = {}
    if options.release_types is not None:
        values["release_types"] = _choices("release_types", options.release_types, PRIMARY_TYPES)
        if not values["release_types"]:
            raise WatchError("release_types: choose at least one release type")
    if options.excluded_secondary_types is not None:
        values["excluded_secondary_types"] = _choices(
            "excluded_secondary_types", options.excluded_secondary_types, SECONDARY_TYPES
        )
    if options.want is not None:
        if options.want not in Want.values:
            raise WatchError(f"want: must be one of {', '.join(Want.values)}")
        values["want"] = options.want
    if options.quality_profile_id is not None:
        profile = QualityProfile.objects.filter(pk=options.quality_profile_id).first()
        if profile is None:
            raise WatchError(
                f"quality_profile_id: there is no quality profile #{options.quality_profile_id}"
            )
        values["quality_profile"] = profile
    return values


def _choices(name: str, given: list[str], allowed: list[str]) -> list[str]:
    cleaned = [value.strip().lower() for value in given]
    unknown = [value for value in cleaned if value not in allowed]
    if unknown:
        raise WatchError(f"{name}: unknown {', '.join(unknown)} (allowed: {', '.join(allowed)})")
    return sorted(set(cleaned), key=allowed.index)


def spread_offset(watch: WatchedArtist) -> timedelta:
    """A fixed offset per watch, so watches added together fall due spread over an hour."""
    digits = "".join(c for c in watch.musicbrainz_id if c in "0123456789abcdef") or "0"
    return timedelta(seconds=int(digits[-8:], 16) % SPREAD_SECONDS)
