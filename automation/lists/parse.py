"""Reading a list of tracks a user brings: an Exportify CSV, any CSV with a header, or pasted
"Artist - Title" lines. Pure functions: nothing here touches the database.

Exportify is how users without a Spotify developer app (2026: Premium plus a dev app) get their
playlists out; its columns are found by name, so order and extra columns (genres,
danceability...) do not matter. A generic CSV is read by its header (case-insensitive synonyms,
as sldl does); a file with no header we recognise is read as pasted lines. Every line that
cannot become a track is rejected with its line number and the reason, never dropped silently.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from library.catalog import TrackFacts, year_of
from soulspot.lib.errors import SoulSpotError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# A rejected line is shown, not stored whole: enough to recognise it.
MAX_RAW = 200
# Names longer than the catalogue's columns hold.
MAX_NAME = 500
DELIMITERS = (",", ";", "\t")
LINE_SEPARATORS = (" - ", " – ", " — ")
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
SPOTIFY_ID = re.compile(r"^spotify:(track|artist|album):([A-Za-z0-9]{22})$")
BARE_ID = re.compile(r"^[A-Za-z0-9]{22}$")
# Above this a bare number is milliseconds, below it seconds (no song lasts 2.8 hours; no
# song is shorter than 10 seconds).
MS_THRESHOLD = 10_000

Kind = Literal["exportify", "csv", "lines"]


class ListError(SoulSpotError):
    """The list cannot be read at all (not text); nothing is written."""


class ListTooLarge(ListError):
    """More rows or bytes than one import takes; nothing is written."""

    http_status = 413


@dataclass(frozen=True)
class ListRow:
    line: int
    facts: TrackFacts

    @property
    def seconds(self) -> float | None:
        """The length in seconds, for display; None when the list gives none."""
        ms = self.facts.duration_ms
        return None if ms is None else ms / 1000


@dataclass(frozen=True)
class RejectedLine:
    line: int
    text: str
    reason: str


@dataclass
class ParsedList:
    kind: Kind
    rows: list[ListRow] = field(default_factory=list)
    rejected: list[RejectedLine] = field(default_factory=list)


class RowProblem(ValueError):
    """Why one row cannot become a track, in words for the user."""


def parse_list(data: bytes | str, *, filename: str = "") -> ParsedList:
    """The tracks in `data` in order, and each line that is not one with the reason.

    Raises ListError for input that is not text, ListTooLarge beyond 5 MB or 10,000 rows.
    `filename` is only a hint: the content decides the kind.
    """
    text = decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header_at, header = _first_line(lines)
    if header is not None:
        for delimiter in _delimiters(header):
            columns = _header(header, delimiter)
            if _is_exportify(columns):
                return _parse_csv(lines, header_at, delimiter, "exportify")
            if "title" in _generic_columns(columns):
                return _parse_csv(lines, header_at, delimiter, "csv")
    return _parse_lines(lines)


# --- text ---------------------------------------------------------------------------------


def decode(data: bytes | str) -> str:
    """UTF-8 (with or without BOM), else UTF-16 with a BOM, else Windows-1252; binary is refused."""
    if isinstance(data, str):
        if len(data) > MAX_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise ListTooLarge(_too_big())
        text = data.removeprefix("\ufeff")
    else:
        if len(data) > MAX_BYTES:
            raise ListTooLarge(_too_big())
        text = _decode_bytes(data)
    if not _looks_like_text(text):
        raise ListError("this is not a text list: expected a CSV file or 'Artist - Title' lines")
    return text


def _decode_bytes(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ListError("the list is neither UTF-8 nor Windows-1252 text")


def _looks_like_text(text: str) -> bool:
    """No NUL and hardly any control characters: what cp1252 makes of a binary file has many."""
    if "\x00" in text:
        return False
    control = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n\f")
    return control <= max(2, len(text[:65536]) // 1000)


def _too_big() -> str:
    return f"the list is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into several"


def _too_many() -> str:
    return f"the list has more than {MAX_ROWS:,} rows: split it into several"


def _raw(text: str) -> str:
    return text[:MAX_RAW]


def _first_line(lines: list[str]) -> tuple[int, str | None]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            return number, line
    return 0, None


# --- headers ------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return " ".join(name.replace("_", " ").lower().split())


GENERIC = {
    "artist": {"artist", "artists", "artist name", "artist names", "artist name(s)", "artist(s)"},
    "title": {"title", "track", "name", "track name", "track title", "song", "song name"},
    "album": {"album", "album name", "album title"},
    "album_artist": {"album artist", "album artist name", "album artist name(s)"},
    "duration": {
        "duration",
        "length",
        "duration ms",
        "time",
        "duration (ms)",
        "track duration (ms)",
    },
    "isrc": {"isrc"},
}

EXPORTIFY = {
    # "Spotify ID"/"Artist IDs": the fork of Exportify that exports bare ids, not URIs.
    "uri": {"track uri", "spotify id"},
    "title": {"track name"},
    "artist": {"artist name(s)", "artist names", "artist name"},
    "artist_uri": {"artist uri(s)", "artist uris", "artist uri", "artist ids"},
    "album": {"album name"},
    "album_uri": {"album uri"},
    "album_artist": {"album artist name(s)", "album artist names"},
    "album_artist_uri": {"album artist uri(s)", "album artist uris"},
    "released": {"album release date", "release date"},
    "disc": {"disc number"},
    "number": {"track number"},
    "duration": {"track duration (ms)", "duration (ms)"},
    "isrc": {"isrc"},
}


def _delimiters(header: str) -> list[str]:
    """Candidate delimiters, the most frequent in the header first."""
    return sorted(DELIMITERS, key=lambda d: -header.count(d))


def _header(line: str, delimiter: str) -> list[str]:
    try:
        cells = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a cell past csv's field limit (128 KiB) is no header
        return []
    return [_norm(cell.removeprefix("\ufeff")) for cell in cells]


def _columns(header: list[str], synonyms: dict[str, set[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        for key, names in synonyms.items():
            if name in names and key not in found:
                found[key] = index
    return found


def _generic_columns(header: list[str]) -> dict[str, int]:
    return _columns(header, GENERIC)


def _is_exportify(header: list[str]) -> bool:
    return "track name" in header and ("track uri" in header or "spotify id" in header)


# --- CSV ----------------------------------------------------------------------------------


def _records(lines: list[str], start: int, delimiter: str) -> Iterator[tuple[int, str, list[str]]]:
    """(first line number, raw text, cells) of each record after the header line `start`."""
    body = "\n".join(lines[start:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    seen = 0
    for cells in reader:
        first, seen = seen + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        raw = "\n".join(lines[start + first - 1 : start + seen])
        yield start + first, raw, cells


def _parse_csv(lines: list[str], header_at: int, delimiter: str, kind: Kind) -> ParsedList:
    header = _header(lines[header_at - 1], delimiter)
    if kind == "exportify":
        columns, read = _columns(header, EXPORTIFY), _exportify_facts
    else:
        columns, read = _generic_columns(header), _generic_facts
    parsed, number = ParsedList(kind=kind), header_at
    try:
        for number, raw, cells in _records(lines, header_at, delimiter):
            if len(parsed.rows) + len(parsed.rejected) >= MAX_ROWS:
                raise ListTooLarge(_too_many())
            try:
                parsed.rows.append(ListRow(number, read(_Cells(cells, columns))))
            except RowProblem as problem:
                parsed.rejected.append(RejectedLine(number, _raw(raw), str(problem)))
    except csv.Error as exc:
        # csv refuses a cell past its field limit (128 KiB): no track has such a name.
        raise ListError(f"the CSV cannot be read after line {number}: {exc}") from exc
    return parsed


@dataclass(frozen=True)
class _Cells:
    """One record's cells by column key; a missing column or short row reads as blank."""

    cells: list[str]
    columns: dict[str, int]

    def __call__(self, key: str) -> str:
        index = self.columns.get(key)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].replace("\x00", "").strip()


def _generic_facts(cell: _Cells) -> TrackFacts:
    artist, title = _required(cell("artist"), cell("title"))
    return TrackFacts(
        artist=artist,
        title=title,
        album=_name(cell("album"), "album"),
        album_artist=_name(cell("album_artist"), "album artist"),
        duration_ms=parse_duration(cell("duration")),
        isrc=parse_isrc(cell("isrc")),
    )


def _exportify_facts(cell: _Cells) -> TrackFacts:
    artists = _exportify_artists(cell("artist"), cell("artist_uri"))
    artist, title = _required(artists[0] if artists else "", cell("title"))
    artist_ids = [_spotify_id(uri, "artist") for uri in cell("artist_uri").split(",")]
    album_artists = _exportify_artists(cell("album_artist"), cell("album_artist_uri"))
    return TrackFacts(
        artist=artist,
        title=title,
        artist_credit=", ".join(artists)[:1000],
        album=_name(cell("album"), "album"),
        album_artist=_name(album_artists[0] if album_artists else "", "album artist"),
        duration_ms=parse_duration(cell("duration")),
        isrc=parse_isrc(cell("isrc")),
        spotify_id=_spotify_id(cell("uri"), "track"),
        artist_spotify_id=artist_ids[0] if artist_ids else "",
        album_spotify_id=_spotify_id(cell("album_uri"), "album"),
        disc_number=_number(cell("disc"), "disc number"),
        track_number=_number(cell("number"), "track number"),
        year=year_of(cell("released")),
    )


def _exportify_artists(names: str, uris: str) -> list[str]:
    """Exportify joins several artists with commas; one artist URI means one artist, even
    when its name has a comma ("Tyler, The Creator")."""
    names = names.strip()
    if not names:
        return []
    count = len([u for u in uris.split(",") if u.strip()])
    if count == 1:
        return [names]
    parts = [part.strip() for part in names.split(",") if part.strip()]
    return parts or [names]


def _required(artist: str, title: str) -> tuple[str, str]:
    if not title:
        raise RowProblem("no title")
    if not artist:
        raise RowProblem("no artist")
    return _name(artist, "artist"), _name(title, "title")


def _name(value: str, what: str) -> str:
    if len(value) > MAX_NAME:
        raise RowProblem(f"the {what} is longer than {MAX_NAME} characters")
    return value


def _spotify_id(uri: str, kind: str) -> str:
    """The id of `spotify:<kind>:<id>` (or a bare id); blank for local files and anything else."""
    uri = uri.strip()
    if BARE_ID.match(uri):
        return uri
    match = SPOTIFY_ID.match(uri)
    return match.group(2) if match and match.group(1) == kind else ""


def _number(value: str, what: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 4:
        raise RowProblem(f"{what} is not a number")
    return int(value) or None


def parse_duration(value: str) -> int | None:
    """Milliseconds from "3:45", "1:02:03", "225" (seconds) or "225000" (ms, above 10,000)."""
    value = value.strip()
    if not value:
        return None
    try:
        if ":" in value:
            seconds = 0.0
            for part in value.split(":"):
                if not part.isdigit():
                    raise ValueError(value)
                seconds = seconds * 60 + int(part)
            if value.count(":") > 2:
                raise ValueError(value)
            ms = seconds * 1000
        else:
            number = float(value)
            ms = number if number > MS_THRESHOLD else number * 1000
    except ValueError:
        raise RowProblem("duration is not a number") from None
    if not 0 < ms < 7 * 24 * 3600 * 1000:  # longer than a week: not a track
        raise RowProblem("duration is out of range")
    return round(ms)


def parse_isrc(value: str) -> str:
    """ "USRC17607839" (hyphens and spaces allowed in the input); blank when absent."""
    isrc = value.replace("-", "").replace(" ", "").upper()
    if isrc and not ISRC.match(isrc):
        raise RowProblem("ISRC is malformed")
    return isrc


# --- pasted lines -------------------------------------------------------------------------


def _parse_lines(lines: list[str]) -> ParsedList:
    parsed = ParsedList(kind="lines")
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if len(parsed.rows) + len(parsed.rejected) >= MAX_ROWS:
            raise ListTooLarge(_too_many())
        try:
            artist, title = _split_line(text)
            row = ListRow(number, TrackFacts(artist=artist, title=title))
        except RowProblem as problem:
            parsed.rejected.append(RejectedLine(number, _raw(text), str(problem)))
        else:
            parsed.rows.append(row)
    return parsed


def _split_line(text: str) -> tuple[str, str]:
    found = [(text.find(sep), sep) for sep in LINE_SEPARATORS if sep in text]
    if not found:
        raise RowProblem("no ' - ' between artist and title")
    at, sep = min(found)
    return _required(text[:at].strip(), text[at + len(sep) :].strip())
