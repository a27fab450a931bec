"""Soulseek search phrases for a want, most specific first.

Soulseek matches every term of a query against the words of a shared path, so a query is a
handful of plain words: punctuation is dropped (a leading "-" would even *exclude* a term),
case does not matter, and slskd ignores one-character terms. Each fallback relaxes one thing:
diacritics (peers often strip them), "feat." credits and bracketed/dash suffixes (rarely in
file names), and for albums the album title instead of a track title.
"""

from __future__ import annotations

import re
import unicodedata

from downloads.matching.candidates import Want
from downloads.matching.text import cut_at_feat, split_qualifiers

# Anything that is not a letter or digit in any script separates words.
_NON_WORD = re.compile(r"[\W_]+")
_CREDIT_WORDS = {"feat", "ft", "featuring"}


def build_queries(want: Want) -> list[str]:
    """Search phrases to try in order; no duplicates, never an empty phrase."""
    subject = (want.album or want.title) if want.kind == "album" else want.title
    plain_artist = _primary_artist(want.artist)
    plain_subject = _without_extras(subject)
    phrases = [
        f"{want.artist} {subject}",
        _ascii(f"{want.artist} {subject}"),
        f"{plain_artist} {plain_subject}",
        _ascii(f"{plain_artist} {plain_subject}"),
    ]
    if want.kind == "album" and want.title and want.title != subject:
        phrases.append(f"{plain_artist} {_without_extras(want.title)}")
    queries: list[str] = []
    for phrase in phrases:
        query = clean_query(phrase)
        if query and query not in queries:
            queries.append(query)
    return queries


def clean_query(text: str) -> str:
    """Lower-case words without punctuation, repeated or one-character words."""
    # Apostrophes split words too, as in sldl: sharing clients such as Nicotine+ index "Don't"
    # as "don" + "t", so "dont" would find nothing while "don" does.
    text = text.lower()
    words: list[str] = []
    for word in _NON_WORD.sub(" ", text).split():
        if len(word) > 1 and word not in words:
            words.append(word)
    return " ".join(words)


def _ascii(text: str) -> str:
    """Diacritics removed ("Sigur Rós" -> "Sigur Ros"); other scripts are left alone."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _primary_artist(artist: str) -> str:
    """ "Calvin Harris feat. Rihanna" -> "Calvin Harris"; "A, B" -> "A"."""
    head = artist.split(",")[0]
    words = head.split()
    for index, word in enumerate(words):
        if index and word.lower().rstrip(".") in _CREDIT_WORDS:
            return " ".join(words[:index])
    return head


def _without_extras(title: str) -> str:
    """ "Song (feat. X) - 2011 Remaster" -> "Song"."""
    base, _ = split_qualifiers(title)
    words = base.split()
    kept = cut_at_feat([w.lower().rstrip(".") for w in words])
    return " ".join(words[: len(kept)]) or title
