"""Text helpers for the matcher: one normal form for names, titles and paths.

Everything the matcher compares goes through `normalize` first, so comparisons are plain string
operations (`in`, `==`) and rapidfuzz calls with `processor=None`. The normal form is lower-case,
without diacritics, with `&` and ` + ` spelled "and", apostrophes dropped ("Don't" -> "dont") and
every other punctuation mark turned into a single space. Non-Latin scripts are kept as they are.
"""

from __future__ import annotations

import re
import string
import unicodedata

# Apostrophes vanish ("Guns N' Roses" == "Guns N Roses"); every other ASCII mark splits words.
_ASCII_TABLE = str.maketrans(
    {c: " " for c in string.punctuation if c not in "'`"} | {"'": None, "`": None}
)
# Letters NFKD does not decompose into base + combining mark.
_LETTER_TABLE = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "Ð": "d",
        "\u0131": "i",
        "\u2019": None,
        "\u2018": None,
        "\u00b4": None,
        "\u02bc": None,
    }
)
_NON_WORD = re.compile(r"[^\w]+|_+")

BRACKETS = re.compile(r"[(\[{]([^)\]}]*)[)\]}]?")
# A dash (hyphen, en or em dash) between spaces, or the underscore style "_-_", separates
# artist, album, track number and title in file names.
SEPARATORS = re.compile(r"\s+[-\u2013\u2014]+\s+|_-_|\s*[\u2013\u2014]\s*")

FEAT_TOKENS = frozenset({"feat", "ft", "featuring"})
# Words that say nothing about which recording a file is; ignored when comparing titles.
NOISE_TOKENS = frozenset(
    {
        "remaster",
        "remastered",
        "remastering",
        "explicit",
        "clean",
        "version",
        "album",
        "original",
        "mono",
        "stereo",
        "digital",
        "deluxe",
        "edition",
        "bonus",
        "track",
        "single",
        "lp",
        "ep",
        "flac",
        "mp3",
        "kbps",
        "320",
        "320kbps",
        "hq",
        "hd",
        "official",
        "audio",
        "remasterizado",
        "vinyl",
        "rip",
        "cd",
        "web",
        "24bit",
        "16bit",
        "hi",
        "res",
        "hires",
    }
)


def normalize(text: str) -> str:
    """The comparable form of `text`: see the module docstring."""
    if "&" in text or "+" in text:
        text = text.replace("&", " and ").replace(" + ", " and ")
    text = _fold_unicode(text) if not text.isascii() else text.lower()
    return " ".join(text.translate(_ASCII_TABLE).split())


def _fold_unicode(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_LETTER_TABLE))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    # After folding, whatever is still non-ASCII punctuation (「」, …, ¿) splits words too.
    return _NON_WORD.sub(" ", text)


def strip_the(key: str) -> str:
    """'the beatles' -> 'beatles': paths say "The Beatles", "Beatles, The" or "Beatles".

    A short single word stays whole ("the who", "the band", "the the"): on its own it would
    match far too many paths.
    """
    if not key.startswith("the "):
        return key
    rest = key[4:]
    return rest if " " in rest or len(rest) >= 6 else key


def cut_at_feat(tokens: list[str]) -> list[str]:
    """Tokens before the first "feat"/"ft"/"featuring" (guest artists are not the title)."""
    for index, token in enumerate(tokens):
        if token in FEAT_TOKENS and index > 0:
            return tokens[:index]
    return tokens


def split_qualifiers(title: str) -> tuple[str, list[str]]:
    """('Song', ['Live', '2011 Remaster']) from 'Song (Live) - 2011 Remaster'."""
    qualifiers = [m.group(1) for m in BRACKETS.finditer(title)]
    base = BRACKETS.sub(" ", title)
    parts = SEPARATORS.split(base)
    return parts[0].strip(), qualifiers + [p for p in parts[1:] if p.strip()]


def is_number_token(token: str) -> bool:
    """A track/disc number token: '01', '1', 'a1' (vinyl side), 'cd1', 'd2', '1x01'."""
    if token.isdigit():
        return len(token) <= 4
    # Vinyl sides: "a1", "b12".
    if token[:1] in "abcd" and token[1:].isdigit() and len(token) <= 3:
        return True
    if token.startswith(("cd", "disc", "disk")):
        return token.lstrip("cdisk").isdigit()
    return "x" in token and token.replace("x", "", 1).isdigit()


def remove_phrase(padded: str, phrase: str) -> str:
    """`padded` (" a b c ") without the word-boundary phrase; both already normalized."""
    if phrase and f" {phrase} " in padded:
        return padded.replace(f" {phrase} ", " ", 1)
    return padded


def compact_window_match(tokens: list[str], compact: str) -> bool:
    """True if consecutive tokens spell `compact` without spaces ('ac dc' for 'acdc').

    This keeps word boundaries, unlike a plain substring test on space-less text.
    """
    for start in range(len(tokens)):
        joined = ""
        for token in tokens[start:]:
            joined += token
            if joined == compact:
                return True
            if len(joined) >= len(compact) or not compact.startswith(joined):
                break
    return False
