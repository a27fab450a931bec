"""Finding or creating catalogue entries (Artist, Album, Track) from loose text.

Used wherever a want or a file arrives as names rather than ids: the API, CSV lists, the scanner
(files nobody asked for) and the importer. Names match case-insensitively so "the xx" and
"The xx" are one artist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from library import history
from library.models import Album, Artist, Track, TrackWant, WantSource
from library.provenance import engine


def _clean(text: str) -> str:
    """Names arrive from tags and peers: no NUL bytes (PostgreSQL refuses them), no edge space."""
    return text.replace("\x00", "").strip()


def artist_named(name: str) -> Artist:
    name = _clean(name) or "Unknown Artist"
    artist = Artist.objects.filter(name__same=name).order_by("pk").first()
    return artist or Artist.objects.create(name=name)


def album_named(artist: Artist, title: str, *, year: int | None = None) -> Album:
    title = _clean(title) or "Unknown Album"
    album = Album.objects.filter(artist=artist, title__same=title).order_by("pk").first()
    if album is None:
        album = Album.objects.create(artist=artist, title=title, year=year)
    elif year and not album.year:
        Album.objects.filter(pk=album.pk).update(year=year)
        album.year = year
    return album


@transaction.atomic
def find_or_create_track(
    *,
    artist: str,
    title: str,
    album: str = "",
    duration_ms: int | None = None,
    isrc: str = "",
    year: int | None = None,
) -> Track:
    """The one Track for this recording: by ISRC when known, else by artist and title."""
    artist, title, album, isrc = _clean(artist), _clean(title), _clean(album), _clean(isrc).upper()
    track = Track.objects.filter(isrc=isrc).order_by("pk").first() if isrc else None
    artist_row = artist_named(artist)
    if track is None:
        track = (
            Track.objects.filter(artist=artist_row, title__same=title.strip())
            .order_by("pk")
            .first()
        )
    if track is None:
        track = Track(artist=artist_row, title=title.strip(), artist_credit=artist.strip())
    if album and track.album_id is None:
        track.album = album_named(artist_row, album, year=year)
    track.duration_ms = track.duration_ms or duration_ms
    track.isrc = track.isrc or isrc
    track.save()
    return track


@dataclass(frozen=True)
class TrackFacts:
    """What a want source knows of a track (Spotify, an imported list); blanks are unknown."""

    artist: str
    title: str
    album: str = ""
    # The album's own artist when it differs from the track's ("Various Artists").
    album_artist: str = ""
    artist_credit: str = ""
    duration_ms: int | None = None
    isrc: str = ""
    spotify_id: str = ""
    artist_spotify_id: str = ""
    album_spotify_id: str = ""
    disc_number: int | None = None
    track_number: int | None = None
    year: int | None = None
    # The album's release date as the source gives it ("2003-05-01", "2003-05", "2003").
    release_date: str = ""
    # A metadata source (`library.models.Source`, e.g. "spotify") whose values these facts are:
    # recorded as its offers, so the engine weighs them against the other sources. Empty for
    # facts that are only a want (an imported list's row).
    source: str = ""


def year_of(date_text: str) -> int | None:
    """The year a source's date starts with ("1987-11-12", "1987-11", "1987" → 1987); None
    for anything else, or a year outside 1000–3000 (the bound the API puts on album years)."""
    head = (date_text or "").strip()[:4]
    return int(head) if head.isdigit() and 1000 <= int(head) <= 3000 else None


@transaction.atomic
def track_for(facts: TrackFacts) -> Track:
    """The one Track these facts describe, created when unknown; blanks are filled, never
    overwritten. Matched by Spotify id, then ISRC, then artist and title on the same album
    (or on no album yet): the same song on another album is another track."""
    isrc = _clean(facts.isrc).upper()
    track = _existing_track(facts, isrc)
    artist = track.artist if track else artist_named(facts.artist)
    if track is None:
        album = _album_for(facts, artist)
        credit = _clean(facts.artist_credit) or _clean(facts.artist)
        track = Track(artist=artist, title=_clean(facts.title), artist_credit=credit, album=album)
    elif track.album_id is None and facts.album:
        track.album = _album_for(facts, artist)
    fill = {
        "duration_ms": facts.duration_ms,
        "isrc": isrc,
        "spotify_id": facts.spotify_id,
        "disc_number": facts.disc_number,
        "track_number": facts.track_number,
    }
    for field, value in fill.items():
        if value and not getattr(track, field):
            setattr(track, field, value)
    track.save()
    if facts.artist_spotify_id and not artist.spotify_id:
        Artist.objects.filter(pk=artist.pk, spotify_id="").update(
            spotify_id=facts.artist_spotify_id
        )
    if facts.source:
        _record_offers(track, facts)
    return track


def _record_offers(track: Track, facts: TrackFacts) -> None:
    """What the source says of the track and its album, as its offers to the engine. The
    credit is the track's first artist: sources join several their own way ("A, B"), which
    would read as other words than "A feat. B"."""
    engine.record(
        track,
        facts.source,
        {
            "title": facts.title,
            "artist": facts.artist,
            "track_number": facts.track_number,
            "disc_number": facts.disc_number,
            "isrc": _clean(facts.isrc).upper() or None,
        },
    )
    if track.album is not None:
        engine.record(
            track.album,
            facts.source,
            {
                "title": facts.album,
                "artist": facts.album_artist or facts.artist,
                "date": facts.release_date or facts.year,
            },
        )


def _existing_track(facts: TrackFacts, isrc: str) -> Track | None:
    if facts.spotify_id:
        track = Track.objects.filter(spotify_id=facts.spotify_id).order_by("pk").first()
        if track is not None:
            return track
    if isrc:
        track = Track.objects.filter(isrc=isrc).order_by("pk").first()
        if track is not None:
            return track
    same_song = Track.objects.filter(
        artist__name__same=_clean(facts.artist) or "Unknown Artist",
        title__same=_clean(facts.title),
    ).order_by("pk")
    if facts.album:
        on_album = same_song.filter(album__title__same=_clean(facts.album)).first()
        return on_album or same_song.filter(album__isnull=True).first()
    return same_song.first()


def _album_for(facts: TrackFacts, artist: Artist) -> Album | None:
    if not facts.album:
        return None
    if facts.album_spotify_id:
        album = Album.objects.filter(spotify_id=facts.album_spotify_id).order_by("pk").first()
        if album is not None:
            return album
    owner = artist_named(facts.album_artist) if facts.album_artist else artist
    album = album_named(owner, facts.album, year=facts.year)
    if facts.album_spotify_id and not album.spotify_id:
        Album.objects.filter(pk=album.pk).update(spotify_id=facts.album_spotify_id)
    return album


def album_track(album: Album, title: str, *, artist: str = "") -> Track:
    """The album's own track with this title, created when the album has none.

    Never another album's track: a song the user owns on one album is a different track on
    another, and its file stays where it is.
    """
    title = _clean(title).strip()
    track = album.tracks.filter(title__same=title).order_by("pk").first()
    if track is not None:
        return track
    loose = (
        Track.objects.filter(artist=album.artist, title__same=title, album__isnull=True)
        .order_by("pk")
        .first()
    )
    if loose is not None:  # a single want of this song, not on any album yet: it is this one
        Track.objects.filter(pk=loose.pk).update(album=album)
        loose.album = album
        return loose
    credit = _clean(artist).strip() or album.artist.name
    return Track.objects.create(artist=album.artist, album=album, title=title, artist_credit=credit)


@dataclass(frozen=True)
class ReleaseFacts:
    """What an authoritative source (MusicBrainz) says about one release (edition)."""

    artist: str
    title: str
    release_id: str
    release_group_id: str = ""
    year: int | None = None
    track_count: int | None = None
    disc_count: int | None = None


@dataclass(frozen=True)
class ReleaseTrackFacts:
    """One track of a release, as the source (MusicBrainz) lists it."""

    title: str
    artist: str
    disc_number: int
    track_number: int
    duration_ms: int | None = None
    recording_id: str = ""
    isrc: str = ""


def album_for_release(facts: ReleaseFacts) -> Album:
    """The Album of this release: the one tied to its id, else the artist's album of that
    title not tied to any release yet (a want by names, files already scanned), else a new one.
    Tying it fills in the release's ids and counts; a year already known is kept."""
    album = Album.objects.filter(musicbrainz_release_id=facts.release_id).order_by("pk").first()
    if album is None:
        artist = artist_named(facts.artist)
        title = _clean(facts.title) or "Unknown Album"
        album = (
            Album.objects.filter(artist=artist, title__same=title, musicbrainz_release_id="")
            .order_by("pk")
            .first()
        ) or Album.objects.create(artist=artist, title=title)
    Album.objects.filter(pk=album.pk).update(
        musicbrainz_release_id=facts.release_id,
        musicbrainz_release_group_id=facts.release_group_id or album.musicbrainz_release_group_id,
        year=album.year or facts.year,
        track_count=facts.track_count or album.track_count,
        disc_count=facts.disc_count or album.disc_count,
    )
    album.refresh_from_db()
    return album


def release_track(album: Album, facts: ReleaseTrackFacts) -> Track:
    """The album's track at this place of the release: the one with its recording there, else
    the album's own track of that title (see `album_track`) unless that is another recording,
    else a new one. Its number, disc, recording id and (when blank) length and ISRC are set."""
    track = None
    if facts.recording_id:
        track = album.tracks.filter(
            musicbrainz_recording_id=facts.recording_id,
            disc_number=facts.disc_number,
            track_number=facts.track_number,
        ).first()
    if track is None:
        track = album_track(album, facts.title, artist=facts.artist)
        if track.musicbrainz_recording_id not in ("", facts.recording_id):
            # Same title, another recording (an "Intro" on each disc): a track of its own.
            credit = _clean(facts.artist) or album.artist.name
            title = _clean(facts.title)
            track = Track.objects.create(
                artist=album.artist, album=album, title=title, artist_credit=credit
            )
    Track.objects.filter(pk=track.pk).update(
        disc_number=facts.disc_number,
        track_number=facts.track_number,
        musicbrainz_recording_id=facts.recording_id or track.musicbrainz_recording_id,
        duration_ms=track.duration_ms or facts.duration_ms,
        isrc=track.isrc or _clean(facts.isrc).upper()[:12],
    )
    return track


def mark_wanted(
    track: Track, *, force: bool = False, source: str | None = WantSource.TYPED, key: str = ""
) -> Track:
    """Monitored, and wanted unless already owned (`force` re-wants an owned track, e.g. its
    file broke). `source` (and `key`: which playlist, list or album of it) is recorded as a
    reason for the want; None searches again for a track already wanted, adding no reason.
    A track keeps the first source that wanted it. A new want (the track was not monitored, or
    was not wanted) is recorded in the history."""
    now = timezone.now()
    before = Track.objects.filter(pk=track.pk).values("status", "monitored").first() or {}
    if source is not None:
        TrackWant.objects.get_or_create(track_id=track.pk, source=source, key=key)
        Track.objects.filter(pk=track.pk, want_source="").update(want_source=source)
    Track.objects.filter(pk=track.pk).update(monitored=True)
    if force or track.status in (Track.Status.KNOWN, Track.Status.IGNORED):
        Track.objects.filter(pk=track.pk).update(status=Track.Status.WANTED, wanted_at=now)
    track.refresh_from_db(fields=["status", "wanted_at", "monitored", "want_source"])
    if not before.get("monitored") or before.get("status") != track.status:
        again = " again" if before.get("status") == Track.Status.OWNED else ""
        history.record(
            history.Type.WANTED, f"Wanted {track}{again}", track=track, source=source or ""
        )
    return track
