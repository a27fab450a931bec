"""A `Want` turned once into the normalized keys every candidate is compared against."""

from __future__ import annotations

from dataclasses import dataclass

from downloads.matching.candidates import MatchContext, Want
from downloads.matching.text import (
    FEAT_TOKENS,
    NOISE_TOKENS,
    cut_at_feat,
    normalize,
    split_qualifiers,
    strip_the,
)
from downloads.matching.versions import count_markers

# Qualifier words that do not pick a different recording: "(From "Frozen")", "(2011 Edit)".
_QUALIFIER_NOISE = NOISE_TOKENS | {
    "from",
    "the",
    "a",
    "of",
    "to",
    "and",
    "soundtrack",
    "motion",
    "picture",
    "ost",
    "theme",
    "film",
    "movie",
    "series",
    "edit",
    "music",
    "mix",
    "original",
}
# Separators inside an artist credit that introduce a second artist ("A feat. B", "A, B").
_CREDIT_SPLIT = FEAT_TOKENS | {"vs"}


@dataclass(slots=True)
class WantKeys:
    """Normalized forms of a want, computed once per ranking call."""

    artist: str  # normalized, leading "the " dropped
    artist_variants: tuple[str, ...]  # padded with spaces for word-boundary `in` tests
    artist_tokens: tuple[str, ...]
    artist_compact: str  # "acdc" for "AC/DC", matched against token windows
    title_base: str  # title without brackets, dash suffixes and "feat." parts
    title_full: str  # plus the dash-suffix qualifiers that name a version ("Live at X")
    title_tokens: frozenset[str]  # every word of the wanted title, qualifiers included
    title_lead_numbers: int  # how many leading number tokens belong to the title ("99 Problems")
    title_has_artist: bool  # the title contains the artist name (don't strip it from stems)
    qualifier_tokens: frozenset[str]  # words of "(Taylor's Version)" that a file should carry
    allowed: dict[str, int]  # version markers the wanted title itself carries
    allowed_folder: dict[str, int]  # ... or the wanted album name (a live album want)
    required: tuple[str, ...]  # markers the wanted title asks for: the file must carry them
    base_counts: dict[str, int]  # markers inside the base title ("Live Forever": 1 live)
    album: str  # normalized album, "" when unknown
    skip_segments: frozenset[str]  # stem segments that are artist/album, not title
    duration_s: float | None
    tolerance_s: float
    ladder_index: dict[str, int]
    ladder_len: int


def prepare(want: Want, ctx: MatchContext) -> WantKeys:
    """Normalize the want and the context's ladder once for a whole ranking call."""
    artist_key, variants = _artist_keys(want.artist)
    title_key, full_key, qualifiers = _title_keys(want.title)
    album_key = strip_the(normalize(want.album or ""))
    qualifier_text = normalize(" ".join(qualifiers)).split()
    allowed = count_markers(normalize(want.title).split())
    album_markers = count_markers(album_key.split())
    return WantKeys(
        artist=artist_key,
        artist_variants=tuple(f" {v} " for v in variants),
        artist_tokens=tuple(artist_key.split()),
        artist_compact=artist_key.replace(" ", "") if len(artist_key.replace(" ", "")) >= 4 else "",
        title_base=title_key,
        title_full=full_key,
        title_tokens=frozenset(normalize(want.title).split()),
        title_lead_numbers=_leading_numbers(title_key.split()),
        title_has_artist=bool(artist_key) and f" {artist_key} " in f" {title_key} ",
        qualifier_tokens=_qualifier_tokens(qualifiers),
        allowed=allowed,
        allowed_folder={
            k: max(allowed.get(k, 0), album_markers.get(k, 0))
            for k in allowed.keys() | album_markers.keys()
        },
        required=tuple(count_markers(qualifier_text)),
        base_counts=count_markers(title_key.split()),
        album=album_key,
        skip_segments=frozenset(
            v for v in (*variants, album_key, normalize(want.album or "")) if v and v != title_key
        ),
        duration_s=want.duration_ms / 1000 if want.duration_ms else None,
        tolerance_s=max(float(ctx.length_tolerance_s), 0.0),
        ladder_index={key: index for index, key in enumerate(ctx.ladder)},
        ladder_len=len(ctx.ladder),
    )


def _artist_keys(artist: str) -> tuple[str, tuple[str, ...]]:
    """The main key and every spelling that counts as the artist in a path."""
    full = normalize(artist)
    tokens = full.split()
    primary = full
    for index, token in enumerate(tokens):
        if token in _CREDIT_SPLIT and index > 0:
            primary = " ".join(tokens[:index])
            break
    # "A, B" credits: the part before the first comma is the main artist.
    names = {full, primary, normalize(artist.split(",")[0])}
    variants = {strip_the(name) for name in names}
    # "The Who" stays whole, so also accept the library-sorted "Who, The".
    variants |= {f"{v[4:]} the" for v in variants if v.startswith("the ")}
    ordered = sorted((v for v in variants if v), key=len, reverse=True)
    return strip_the(primary), tuple(ordered)


def _title_keys(title: str) -> tuple[str, str, list[str]]:
    base_raw, qualifiers = split_qualifiers(title)
    base = " ".join(cut_at_feat(normalize(base_raw).split())) or normalize(title)
    # Dash suffixes that name something ("- Live at Wembley") stay in the full key; pure noise
    # ("- 2011 Remaster") does not.
    dash_parts = [q for q in qualifiers if f"({q})" not in title and f"[{q}]" not in title]
    extra = [normalize(p) for p in dash_parts if _qualifier_tokens([p])]
    return base, " ".join([base, *extra]).strip(), qualifiers


def _qualifier_tokens(qualifiers: list[str]) -> frozenset[str]:
    tokens: set[str] = set()
    for qualifier in qualifiers:
        words = normalize(qualifier).split()
        # "(feat. X)" and "(with X)" name guests, not a version.
        if not words or words[0] in FEAT_TOKENS or words[0] == "with":
            continue
        tokens.update(w for w in words if w not in _QUALIFIER_NOISE and not w.isdigit())
    return frozenset(tokens)


def _leading_numbers(tokens: list[str]) -> int:
    count = 0
    for token in tokens:
        if not token.isdigit():
            break
        count += 1
    return count
