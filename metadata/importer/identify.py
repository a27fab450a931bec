"""Which track is this file? For files the user already has: tags first, then the file name.

A file is matched to a track we know (a want above all) by MusicBrainz recording id, Spotify
id or ISRC, then by artist and title (accents, case, punctuation and "feat." ignored, lengths
within 10 s). A file that matches nothing becomes a new catalogue entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Case, IntegerField, QuerySet, Value, When

from library import catalog
from library.audio import AudioInfo
from library.models import Album, Artist, Track
from library.tagging import TagSet, read_tags
from metadata.importer import merge

MAX_LENGTH_GAP_MS = 10_000
_NUMBERED = re.compile(
    r"^(?:(?P<disc>\d{1,2})[-.])?(?P<track>\d{1,3})(?:\s*[-._)]\s*|\s+)(?P<rest>\S.*)$"
)
_YEAR = re.compile(r"\s*[(\[]((?:19|20)\d{2})[)\]]")
_TRAILING_BRACKETS = re.compile(r"(\s*[(\[][^)\]]*[)\]])+\s*$")
_FEATURING = re.compile(r"\s*[(\[]?\b(feat|ft|featuring)\b\.?.*$", re.I)


@dataclass(frozen=True)
class Guess:
    """What a file's path suggests (used only where tags are silent)."""

    artist: str = ""
    album: str = ""
    title: str = ""
    year: int | None = None
    track_number: int | None = None
    disc_number: int | None = None


class Lookup:
    """What a batch keeps in memory instead of asking the database once per file: the wanted
    tracks by folded title, and the artists and albums it has already found or created."""

    def __init__(self) -> None:
        self.wanted: dict[str, list[Track]] = {}
        for track in Track.objects.wanted().select_related("artist").order_by("pk"):
            self.wanted.setdefault(fold_title(track.title), []).append(track)
        # Folded titles of every track: most files of a batch are new, and a title not in here
        # cannot match (iexact cannot use an index, so asking would scan the whole table).
        titles = Track.objects.values_list("title", flat=True).iterator(chunk_size=5000)
        self.titles = {fold_title(title) for title in titles}
        self._artists: dict[str, Artist] = {}
        self._albums: dict[tuple[int, str], Album] = {}
        self.tried_embedded_cover: set[int | None] = set()  # albums (by id) already looked at
        self.album_years: dict[tuple[str, str], int] = {}

    def plan_albums(self, sources: Iterable[Path]) -> None:
        """Decide each album's year from all of the batch's files before any is placed.

        The year is part of the album's folder name; taken from whichever file comes first, an
        undated first file put the album in "Album/" and a dated later one in "Album (2005)/".
        The year most of the album's files give wins (the earliest on a tie). A file that cannot
        be read here is judged later, when it is imported.
        """
        years: dict[tuple[str, str], Counter[int]] = {}
        for source in sources:
            try:
                tags = read_tags(source)
            except Exception:  # any unreadable file is verified (and reported) when imported
                continue
            key = _album_key(_album_artist_of(tags), tags.album or "")
            if key is not None and tags.year:
                years.setdefault(key, Counter())[tags.year] += 1
        for key, counts in years.items():
            self.album_years[key] = min(counts, key=lambda year: (-counts[year], year))

    def album_year(self, artist: str, album: str) -> int | None:
        """The year `plan_albums` chose for this album (None when it has no say)."""
        key = _album_key(artist, album)
        return self.album_years.get(key) if key else None

    def find_wanted(self, title: str, artist: str, duration_ms: int | None) -> Track | None:
        for track in self.wanted.get(fold_title(title), []):
            if _fits(track, artist, duration_ms):
                return track
        return None

    def artist(self, name: str) -> Artist:
        key = name.strip().casefold()
        if key not in self._artists:
            self._artists[key] = catalog.artist_named(name[:500])
        return self._artists[key]

    def album(self, artist: Artist, title: str, year: int | None) -> Album:
        key = (artist.pk, title.strip().casefold())
        if key not in self._albums:
            planned = self.album_year(artist.name, title)
            album = catalog.album_named(artist, title[:500], year=planned or year)
            album.artist = artist  # same row: saves a query whenever the album is named
            self._albums[key] = album
        return self._albums[key]


@dataclass(frozen=True)
class Identified:
    track: Track
    created: bool  # a new catalogue entry: nobody can want it or list it yet


def identify(
    info: AudioInfo, source: Path, root: Path | None = None, lookup: Lookup | None = None
) -> Identified:
    """The track for a file, matched to a known one or created from its tags and name.

    A tagged file is described by its tags alone; the path only helps for untagged files.
    """
    lookup = lookup or Lookup()
    tags = info.tags
    guess = guess_from_path(source, root) if not tags.title else Guess()
    title = (tags.title or guess.title or source.stem).strip()[:500]
    credit = (tags.artist or tags.album_artist or guess.artist).strip()[:1000]
    # Several credited artists: the first is the track's Artist (as the scanner decides).
    artist = (tags.primary_artist if tags.artist else credit.split("; ")[0]).strip()[:500]
    album = (tags.album or guess.album).strip()
    year = lookup.album_year(_album_artist_of(tags), album) or tags.year or guess.year
    track = match_track(info, title, artist, lookup)
    if track is None:
        track = _new_track(info, title, (artist, credit), album, year, guess, lookup)
        lookup.titles.add(fold_title(title))
        merge.fill_track_from_tags(track, tags, duration_ms=info.duration_ms)
        return Identified(track, created=True)
    merge.attach_album(track, album, artist=tags.album_artist or "", year=year)
    track = Track.objects.with_relations().get(pk=track.pk)
    merge.fill_track_from_tags(track, tags, duration_ms=info.duration_ms)
    if guess.track_number:
        merge.fill_blanks(
            track, {"track_number": guess.track_number, "disc_number": guess.disc_number}
        )
    return Identified(track, created=False)


def _album_artist_of(tags: TagSet) -> str:
    """The artist whose album a tagged file belongs to (as `_new_track` names it)."""
    return tags.album_artist or (tags.primary_artist if tags.artist else "") or ""


def _album_key(artist: str, album: str) -> tuple[str, str] | None:
    artist, album = " ".join(artist.casefold().split()), " ".join(album.casefold().split())
    return (artist, album) if artist and album else None


def _new_track(
    info: AudioInfo,
    title: str,
    artist_and_credit: tuple[str, str],
    album: str,
    year: int | None,
    guess: Guess,
    lookup: Lookup,
) -> Track:
    """A catalogue entry for a file nobody asked for, created with everything in one INSERT."""
    tags = info.tags
    artist, credit = artist_and_credit
    artist_row = lookup.artist(artist)
    album_artist = lookup.artist(tags.album_artist) if tags.album_artist else artist_row
    return Track.objects.create(
        title=title,
        artist=artist_row,
        artist_credit=credit,
        album=lookup.album(album_artist, album, year) if album else None,
        track_number=tags.track_number or guess.track_number,
        disc_number=tags.disc_number or guess.disc_number,
        duration_ms=info.duration_ms,
        isrc=merge.normalize_isrc(tags.isrc),
        musicbrainz_recording_id=merge.normalize_mbid(tags.musicbrainz_recording_id),
        spotify_id=(tags.spotify_id or "")[:64],
    )


def match_track(info: AudioInfo, title: str, artist: str, lookup: Lookup) -> Track | None:
    """A known track this file is, preferring wanted tracks; None when nothing fits."""
    tags = info.tags
    by_id = {
        "musicbrainz_recording_id": merge.normalize_mbid(tags.musicbrainz_recording_id),
        "spotify_id": (tags.spotify_id or "").strip(),
        "isrc": merge.normalize_isrc(tags.isrc),
    }
    for field, value in by_id.items():
        if value:
            found = _wanted_first(Track.objects.filter(**{field: value})).first()
            if found is not None:
                return found
    found = lookup.find_wanted(title, artist, info.duration_ms)
    if found is not None:
        return found
    if fold_title(title) not in lookup.titles:
        return None
    known = Track.objects.select_related("artist").filter(title__iexact=title).order_by("pk")
    return next((t for t in known[:50] if _fits(t, artist, info.duration_ms)), None)


def _fits(track: Track, artist: str, duration_ms: int | None) -> bool:
    wanted_artist = fold_name(artist)
    same_artist = wanted_artist in {fold_name(track.artist.name), fold_name(track.credit)}
    return same_artist and _lengths_fit(track.duration_ms, duration_ms)


def guess_from_path(path: Path, root: Path | None = None) -> Guess:
    """Artist, album, title and numbers from "Artist/Album (1999)/01 - Title.flac" and kin."""
    stem = path.stem.replace("_", " ").strip()
    numbered = _NUMBERED.match(stem)
    rest = numbered["rest"] if numbered else stem
    folders = _folders_below(path.parent, root)
    album_dir = folders[-1] if folders else ""
    artist_dir = folders[-2] if len(folders) >= 2 else ""
    if not artist_dir and " - " in album_dir:
        artist_dir, album_dir = (part.strip() for part in album_dir.split(" - ", 1))
    year_match = _YEAR.search(album_dir)
    artist, title = artist_dir, rest
    parts = [p.strip() for p in rest.split(" - ") if p.strip()]
    if len(parts) >= 2 and (not numbered or not artist or fold_name(parts[0]) == fold_name(artist)):
        artist, title = parts[0], " - ".join(parts[1:])
    return Guess(
        artist=artist,
        album=_TRAILING_BRACKETS.sub("", album_dir).strip(),
        title=title.strip(),
        year=int(year_match.group(1)) if year_match else None,
        track_number=int(numbered["track"]) or None if numbered else None,
        disc_number=int(numbered["disc"]) if numbered and numbered["disc"] else None,
    )


def fold_name(text: str) -> str:
    """Case, accents and punctuation folded away: "Beyoncé" == "beyonce"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain.casefold()).split())


def fold_title(text: str) -> str:
    """A title folded like a name, without "(feat. ...)" credits."""
    return fold_name(_FEATURING.sub("", text or ""))


def _folders_below(folder: Path, root: Path | None) -> tuple[str, ...]:
    if root is None:
        return folder.parts[-2:]
    try:
        return folder.relative_to(root).parts
    except ValueError:
        return ()


def _lengths_fit(a: int | None, b: int | None) -> bool:
    return a is None or b is None or abs(a - b) <= MAX_LENGTH_GAP_MS


def _wanted_first(queryset: QuerySet[Track]) -> QuerySet[Track]:
    rank = Case(
        When(status=Track.Status.WANTED, then=Value(0)), default=1, output_field=IntegerField()
    )
    return queryset.annotate(want_rank=rank).order_by("want_rank", "pk")
