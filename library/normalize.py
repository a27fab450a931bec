"""Normalisation rules for chosen metadata values: pure text in, text and rule names out.

The metadata engine applies these to the value it chose for a field and records in the provenance
which rules changed it, so every rewriting function returns the new value together with the names
of the rules that changed it (empty when the value was already normal). Nothing here touches the
database, settings or the network; the engine passes the user's choices (feat. style, articles)
in as arguments.

- `clean_text`: whitespace, typographic quotes and odd hyphens ("whitespace", "quotes", "dashes").
- `split_featured` / `apply_feat_style`: "ft."/"feat"/"featuring" credits to one style ("feat").
- `sort_name`: "The Beatles" -> "Beatles, The", the fallback when MusicBrainz gives no sort name.
- `fold` / `differs_in_words`: the comparison form the conflict detector uses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple


class Normalized(NamedTuple):
    """A normalised value and the names of the rules that changed it, in the order applied."""

    value: str
    rules: tuple[str, ...]


# --- clean_text ---------------------------------------------------------------------------------

# Every Unicode space (NBSP, thin, narrow, ideographic...) and line/tab breaks become one space.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
# Invisible characters that only ever arrive by accident (zero-width space, BOM, word joiner,
# soft hyphen). ZWJ/ZWNJ and the bidi marks stay: scripts and emoji need them.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\ufeff\u2060\u00ad"))
_QUOTES = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′ (prime, typed for an apostrophe)
        "\u00b4": "'",  # ´ (acute accent, a common keyboard stand-in for an apostrophe)
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
    }
)
# Hyphens that look like "-" but sort and search differently. En and em dashes are not here: in
# titles they are chosen on purpose ("Live – 1999", "Song — Part II").
_DASHES = str.maketrans(dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2212"), "-"))


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def _clean_whitespace(value: str) -> str:
    # Tabs and line breaks are control characters too, but they separate words: space first.
    spaced = _SPACES.sub(" ", value.translate(_INVISIBLE))
    visible = "".join(c for c in spaced if not _is_control(c))
    return _SPACES.sub(" ", visible).strip()


def clean_text(value: str) -> Normalized:
    """Trim and collapse whitespace, drop control characters, ASCII quotes, plain hyphens.

    Rules: "whitespace" (edges, runs, NBSP and other spaces, control and zero-width characters),
    "quotes" (‘’‚‛′´ -> ', “”„‟″ -> "), "dashes" (U+2010, U+2011, U+2012, U+2212 -> "-"; en and
    em dashes and a spaced " - " are left as they are). Idempotent.
    """
    steps = (
        ("whitespace", _clean_whitespace),
        ("quotes", lambda text: text.translate(_QUOTES)),
        ("dashes", lambda text: text.translate(_DASHES)),
    )
    rules: list[str] = []
    for name, step in steps:
        changed = step(value)
        if changed != value:
            rules.append(name)
            value = changed
    return Normalized(value, tuple(rules))


# --- featured artists ---------------------------------------------------------------------------

FEAT_STYLES = ("title", "artist")
FEAT_RULE = "feat"

# A credit word, not part of a longer word ("Feathers", "Soft Cell", "Left Foot") nor of a
# dotted or hyphenated name. The second group says whether it was written with a dot.
_TOKEN = re.compile(r"(?<![\w.'’-])(featuring|feat|ft)(\.|\b)", re.IGNORECASE)
# Names cannot begin with another credit word ("Little Feat feat. Bonnie Raitt").
_STARTS_WITH_TOKEN = re.compile(r"(featuring|feat)\b|ft\.", re.IGNORECASE)
# After a bare "feat" these words mean the noun ("A Feat of Strength", "A Feat Of Clay" in title
# case), not a guest list. Capitalised, the others may start a name ("feat The Roots").
_NOUN_FOLLOWERS = frozenset({"the", "a", "an", "and", "in", "on", "for", "to", "is"})
_CLOSERS = {"(": ")", "[": "]"}
# Where an unbracketed title credit ends: a bracket or a spaced dash suffix ("- Radio Edit").
# An unbracketed credit also ends where another one starts ("A feat. X feat. Y").
_NEXT_CREDIT = re.compile(r"\s+(?:featuring\b|feat\.|ft\.)", re.IGNORECASE)
_TITLE_CREDIT_END = re.compile(_NEXT_CREDIT.pattern + r"|\s*[(\[]|\s+[-\u2013\u2014]\s+", re.I)
_TRAILING_BRACKET = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_SPACED_DASH = re.compile(r"\s+[-\u2013\u2014]\s+")
_TRAILING_SEPARATORS = re.compile(r"[\s,:\-\u2013\u2014]+$")
# "X, Y & Z", "X & Y", "X, Y and Z", "X, Y, and Z". Not "with", "x", "vs", "/" (AC/DC).
_NAME_SEPARATORS = re.compile(r"\s*,\s*|\s+&\s+")
_LAST_AND = re.compile(r"^(.*\S)\s+and\s+(\S.*)$")
# Separators inside a main artist credit, to spot a guest who is already a main artist.
_CREDIT_PARTS = re.compile(r"\s*[,&/]\s*|\s+(?:and|with|vs\.?|x)\s+", re.IGNORECASE)


class _Credit(NamedTuple):
    before: str  # text before the credit (with the credit's bracket closed, if it was inside one)
    after: str  # text after it
    names: str  # the guest names as written


def _open_bracket(text: str) -> int:
    """Index of the innermost bracket still open at the end of `text`, or -1."""
    stack: list[int] = []
    for index, char in enumerate(text):
        if char in _CLOSERS:
            stack.append(index)
        elif stack and char == _CLOSERS[text[stack[-1]]]:
            stack.pop()
    return stack[-1] if stack else -1


def _plausible(names: str, dotted: bool) -> bool:
    if not re.search(r"\w", names):
        return False
    if _STARTS_WITH_TOKEN.match(names):
        return False
    first = names.split()[0]
    return dotted or not (first.casefold() == "of" or first in _NOUN_FOLLOWERS)


def _credit_in_bracket(text: str, match: re.Match[str], opener: int) -> _Credit | None:
    close = text.find(_CLOSERS[text[opener]], match.end())
    close = len(text) if close < 0 else close
    names = text[match.end() : close]
    if not text[opener + 1 : match.start()].strip():
        # "Song (feat. X) [Live]": the whole bracket is the credit.
        return _Credit(text[:opener], text[close + 1 :], names)
    if match.group(2) != "." and match.group(1).lower() != "featuring":
        return None  # "(with FT Island)": a bare word inside a bracket is too weak a sign
    # "Song (X Remix feat. Y)": the bracket keeps its remix, the credit follows it.
    before = text[: match.start()].rstrip() + text[close : close + 1]
    return _Credit(before, text[close + 1 :], names)


def _credit_at(text: str, match: re.Match[str], *, artist: bool, first: bool) -> _Credit | None:
    opener = _open_bracket(text[: match.start()])
    if opener >= 0:
        credit = _credit_in_bracket(text, match, opener)
    else:
        stop = (_NEXT_CREDIT if artist else _TITLE_CREDIT_END).search(text, match.end())
        end = stop.start() if stop else len(text)
        credit = _Credit(text[: match.start()], text[end:], text[match.end() : end])
    if credit is None:
        return None
    credit = credit._replace(names=credit.names.strip())
    dotted = match.group(2) == "." or match.group(1).lower() == "featuring"
    if first and not re.search(r"\w", credit.before):
        return None  # "Feat. X" alone, "FT Island": nothing for the guest to be featured on
    return credit if _plausible(credit.names, dotted) else None


def _first_credit(text: str, *, artist: bool, first: bool) -> _Credit | None:
    for match in _TOKEN.finditer(text):
        credit = _credit_at(text, match, artist=artist, first=first)
        if credit is not None:
            return credit
    return None


def _split_names(names: str) -> list[str]:
    parts = [part.strip() for part in _NAME_SEPARATORS.split(names)]
    if len(parts) > 1 and "," in names:
        last = _LAST_AND.match(parts[-1])
        parts[-1:] = [last.group(1), last.group(2)] if last else parts[-1:]
    # "X, Y, and Z": the Oxford comma leaves "and Z".
    parts = [re.sub(r"^and\s+", "", part) if index else part for index, part in enumerate(parts)]
    return [part for part in parts if part]


def _join(before: str, after: str) -> str:
    """Glue the text around a removed credit: "Song" + "[Live]", "Song (X Remix)" + "- Edit"."""
    before = _TRAILING_SEPARATORS.sub("", before.rstrip())
    after = after.strip()
    if not before or not after:
        return before or after
    return before + after if after[0] in ")]" else f"{before} {after}"


def _split(text: str, *, artist: bool, first: bool = True) -> tuple[str, list[str]]:
    """The text without its credits, and every guest name in order.

    `first` is False for the text after a credit, which needs nothing before its own credit.
    """
    credit = _first_credit(text, artist=artist, first=first)
    if credit is None:
        return text, []
    rest, rest_names = _split(credit.after, artist=artist, first=False)
    return _join(credit.before, rest), _split_names(credit.names) + rest_names


def _join_names(names: list[str]) -> str:
    """ "X", "X & Y", "X, Y & Z"."""
    if len(names) < 3:
        return " & ".join(names)
    return f"{', '.join(names[:-1])} & {names[-1]}"


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        if fold(name) not in seen:
            seen.add(fold(name))
            kept.append(name)
    return kept


def split_featured(text: str, *, artist: bool = False) -> tuple[str, list[str]]:
    """ "Song (feat. X & Y)" -> ("Song", ["X", "Y"]); "A ft. X, Y & Z" -> ("A", ["X", "Y", "Z"]).

    Recognises "ft", "feat", "featuring" in any case, with or without a dot, in brackets or not.
    "with", "x", "&" and "vs" are not featuring. In a title an unbracketed credit ends at the next
    bracket or spaced dash ("Song feat. X - Radio Edit"); pass `artist=True` for an artist credit,
    where it runs to the end ("A feat. Bush (UK)"). Guest names split on "," and " & " (and the
    last " and " of a comma list), so "Earth, Wind & Fire" splits too: the text joined back by
    `apply_feat_style` is the same, but the list is not a source for a multi-value ARTISTS tag.
    Text without a credit comes back unchanged with no names.
    """
    main, names = _split(text, artist=artist)
    return (main, _unique(names)) if names else (text, [])


def _in_credit(name: str, credit: str) -> bool:
    """Whether a guest is already one of the main artists ("A & X" with "feat. X")."""
    parts = {fold(part) for part in _CREDIT_PARTS.split(credit)} | {fold(credit)}
    return fold(name) in parts


def _qualifiers_start(title: str) -> int:
    """Where the trailing qualifiers of a title start: brackets and dash suffixes after the name
    ("Song (Remix) - Radio Edit" -> before " (Remix)"); the length when there are none."""
    end = len(title.rstrip())
    while True:
        head = title[:end]
        found = _TRAILING_BRACKET.search(head) or _last(_SPACED_DASH.finditer(head))
        if found is None or not re.search(r"\w", head[: found.start()]):
            return end
        end = found.start()


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    found = list(matches)
    return found[-1] if found else None


def _with_credit(title: str, credit: str) -> str:
    """The credit goes right after the name, before qualifiers, as Spotify writes it: "Get Lucky
    (feat. X) [Radio Edit]", "Titanium (feat. Sia) - Alesso Remix". One place whatever the
    credit's origin, so switching styles back and forth always gives the same title."""
    end = _qualifiers_start(title)
    return f"{title[:end].rstrip()} {credit}{title[end:]}"


def apply_feat_style(title: str, artist: str, style: str) -> tuple[str, str, tuple[str, ...]]:
    """Put every featured artist of a track in one place, spelt "feat.".

    style "title": ("Song (feat. X)", "A"); style "artist": ("Song", "A feat. X"). A title credit
    goes right after the name, before qualifiers ("Song (feat. X) [Live]"). Guests found in
    both fields count once (artist's first); several are joined "X & Y" / "X, Y & Z". In the
    artist style a guest who is already a main artist ("A & X") is dropped. With an empty title
    (or artist) the credit stays in the other field. Idempotent. Rules: ("feat",) when changed.
    """
    if style not in FEAT_STYLES:
        raise ValueError(f"unknown feat. style {style!r}; expected one of {FEAT_STYLES}")
    bare_title, t_names = split_featured(title)
    main, a_names = split_featured(artist, artist=True)
    names = _unique(a_names + t_names)
    if not names or not (bare_title.strip() or main.strip()):
        return title, artist, ()
    if (style == "artist" and main.strip()) or not bare_title.strip():
        guests = [name for name in names if not _in_credit(name, main)]
        new_title = bare_title
        new_artist = f"{main} feat. {_join_names(guests)}" if guests else main
    else:
        credit = f"(feat. {_join_names(names)})"
        new_title = _with_credit(bare_title, credit)
        new_artist = main
    changed = (new_title, new_artist) != (title, artist)
    return new_title, new_artist, (FEAT_RULE,) if changed else ()


# --- sort names ---------------------------------------------------------------------------------

SORT_RULE = "sort"
# Only "The" by default. MusicBrainz (whose sort names the engine prefers, as beets and Picard
# do) also moves "A"/"An" in English band names ("Tribe Called Quest, A"), but a fallback cannot
# tell those from names where they are not articles: "A" (the band), "A Boogie wit da Hoodie",
# "An Pierlé" (a first name), and people are sorted "Surname, Given" anyway, which no rule can
# guess. A setting may pass a longer tuple (e.g. ("The", "A", "An", "Die", "Los")).
ARTICLES = ("The",)


def sort_name(name: str, articles: tuple[str, ...] = ARTICLES) -> str:
    """ "The Beatles" -> "Beatles, The"; anything without a leading article comes back as is.

    The article must be a whole word followed by a space and more text, so "Theatre of Tragedy",
    "Them", "The-Dream" and "A-ha" are untouched. Case is kept as written: "The The" -> "The,
    The", "the the" -> "the, the" (capitalising is not this rule's job). Only the main credit
    is sorted: "The Weeknd feat. Daft Punk" -> "Weeknd, The feat. Daft Punk".
    """
    text = name.strip()
    main, guests = split_featured(text, artist=True)
    tail = text[len(main) :] if guests and text.startswith(main) else ""
    head = main if tail else text
    for article in articles:
        prefix, rest = head[: len(article) + 1], head[len(article) + 1 :].strip()
        if prefix.casefold() == f"{article} ".casefold() and rest:
            return f"{rest}, {head[: len(article)]}{tail}"
    return name


def normalize_sort_name(name: str, articles: tuple[str, ...] = ARTICLES) -> Normalized:
    """`sort_name` with its rule name, for the provenance of ARTISTSORT/ALBUMARTISTSORT."""
    value = sort_name(name, articles)
    return Normalized(value, (SORT_RULE,) if value != name else ())


# --- comparison ---------------------------------------------------------------------------------

# Letters NFKD does not split into a base letter and a diacritic (after casefold).
_FOLD_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "\u0131": "i"}
)
# Marks that disappear without splitting a word: apostrophes ("Don't" = "Dont") and dots
# ("R.E.M." = "REM", "Mr. Brightside" = "Mr Brightside").
_DROPPED = re.compile(r"['\u2018\u2019\u201b`\u00b4\u02bc\u2032.]")
_NON_WORD = re.compile(r"[\W_]+")
_FEAT_SPELLINGS = {"ft": "feat", "featuring": "feat"}


def _is_diacritic(char: str) -> bool:
    """Latin/Greek/Cyrillic accents only: Japanese dakuten (ガ vs カ) change the word."""
    code = ord(char)
    return 0x0300 <= code <= 0x036F or 0x1AB0 <= code <= 0x1AFF or 0x1DC0 <= code <= 0x1DFF


def fold(value: str) -> str:
    """The comparison form: no case, diacritics, punctuation or feat. spelling differences.

    "&" and " + " read as "and"; brackets, dashes, quotes and other marks separate words;
    "ft"/"featuring" read as "feat". A value made only of punctuation ("!!!") folds to itself
    lower-cased with whitespace collapsed, so it is not equal to every other such value.
    """
    text = value.casefold().translate(_FOLD_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not _is_diacritic(c))
    text = unicodedata.normalize("NFC", text).casefold()
    text = _DROPPED.sub("", text.replace("&", " and ").replace(" + ", " and "))
    words = [_FEAT_SPELLINGS.get(word, word) for word in _NON_WORD.sub(" ", text).split()]
    return " ".join(words) or " ".join(value.casefold().split())


def differs_in_words(a: str, b: str) -> bool:
    """True when two values say different words; False when only case, diacritics, punctuation,
    quotes, dashes or the spelling of "feat." differ. The conflict detector's test of "large"."""
    return fold(a) != fold(b)
