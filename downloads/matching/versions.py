"""Version markers: the words that say a file is a live take, a remix, a karaoke cover...

A marker in a candidate only counts as a mismatch when it appears more often than in the wanted
title. Counting (rather than "is it there") keeps "Live Forever" matching "Live Forever" while
still rejecting "Live Forever (Live)". "Remaster" is deliberately not a marker: a remaster is the
same recording.
"""

from __future__ import annotations

# phrase (normalized) -> label used in counts and messages.
_PHRASES: dict[str, str] = {
    "live": "live",
    "unplugged": "unplugged",
    "acoustic": "acoustic",
    "remix": "remix",
    "remixed": "remix",
    "rmx": "remix",
    "remixes": "remix",
    "bootleg": "bootleg",
    "mashup": "remix",
    "instrumental": "instrumental",
    "instrumentals": "instrumental",
    "instr": "instrumental",
    "inst": "instrumental",
    "off vocal": "instrumental",
    "karaoke": "karaoke",
    "in the style of": "karaoke",
    "originally performed by": "karaoke",
    "made famous by": "karaoke",
    "backing track": "karaoke",
    "cover": "cover",
    "covers": "cover",
    "tribute": "cover",
    "demo": "demo",
    "demos": "demo",
    "extended": "extended",
    "sped up": "sped up",
    "speed up": "sped up",
    "spedup": "sped up",
    "slowed": "slowed",
    "nightcore": "nightcore",
    "daycore": "nightcore",
    "8d": "8D",
    "reverb": "reverb",
    "radio edit": "radio edit",
    "radio version": "radio edit",
    "radio mix": "radio edit",
    "acapella": "a cappella",
    "acappella": "a cappella",
    "a cappella": "a cappella",
    "a capella": "a cappella",
    "rehearsal": "rehearsal",
    "alternate": "alternate",
    "chopped and screwed": "slowed",
    "screwed": "slowed",
}
_SINGLE = {p: label for p, label in _PHRASES.items() if " " not in p}
# For each multi-word phrase, its rarest word: only texts holding one of these get the slow path.
_MULTI_TRIGGERS = {
    "off": ("off vocal",),
    "style": ("in the style of",),
    "originally": ("originally performed by",),
    "famous": ("made famous by",),
    "backing": ("backing track",),
    "sped": ("sped up",),
    "speed": ("speed up",),
    "radio": ("radio edit", "radio version", "radio mix"),
    "cappella": ("a cappella",),
    "capella": ("a capella",),
    "chopped": ("chopped and screwed",),
}
TRIGGERS = frozenset(_SINGLE) | frozenset(_MULTI_TRIGGERS) | {"mix"}
# Words that are markers on their own; the title comparison ignores them ("Creep - RMX" is
# the title "Creep" plus a marker, and the version gate, not the title gate, rejects it).
MARKER_WORDS = frozenset(_SINGLE) | {"mix"}
# "Original Mix" is the normal version of an electronic track, not a remix.
_PLAIN_MIX_BEFORE = frozenset({"original", "album", "main", "radio", "extended"})
# After one of these words "live" names a concert folder ("Live at Wembley", "Live 1975").
_LIVE_NEXT = frozenset({"at", "in", "from", "on", "and", "aus", "au", "en", "im", "vol", "volume"})


def count_markers(tokens: list[str]) -> dict[str, int]:
    """Version label -> how many times it occurs in a normalized token list."""
    if TRIGGERS.isdisjoint(tokens):
        return {}
    counts: dict[str, int] = {}
    for index, token in enumerate(tokens):
        label = _SINGLE.get(token)
        if (
            label is None
            and token == "mix"
            and (index == 0 or tokens[index - 1] not in _PLAIN_MIX_BEFORE)
        ):
            label = "remix"
        if label is not None:
            counts[label] = counts.get(label, 0) + 1
        for phrase in _MULTI_TRIGGERS.get(token, ()):
            if _phrase_at(tokens, phrase, index):
                counts[_PHRASES[phrase]] = counts.get(_PHRASES[phrase], 0) + 1
    return counts


def _phrase_at(tokens: list[str], phrase: str, index: int) -> bool:
    words = phrase.split()
    anchor = next(i for i, w in enumerate(words) if w == tokens[index])
    start = index - anchor
    return start >= 0 and tokens[start : start + len(words)] == words


def folder_markers(tokens: list[str]) -> dict[str, int]:
    """Markers of an album folder name, where a bare "live" needs context.

    "Live at Wembley", "Live 1975-85" and "Greatest Hits (Live)" mark every file in them live;
    "Live Through This" (a studio album) does not.
    """
    counts = count_markers(tokens)
    if _is_live_folder(tokens):
        counts["live"] = max(counts.get("live", 0), 1)
    else:
        counts.pop("live", None)
    return counts


def _is_live_folder(tokens: list[str]) -> bool:
    if "concert" in tokens:  # "In Concert", "Concert for Bangladesh"
        return True
    for index, token in enumerate(tokens):
        if token != "live":
            continue
        if index == len(tokens) - 1:
            return True
        following = tokens[index + 1]
        if following in _LIVE_NEXT or following.isdigit():
            return True
    return False


def first_excess(found: dict[str, int], allowed: dict[str, int]) -> str | None:
    """The first label `found` more often than `allowed` permits, or None."""
    for label, count in found.items():
        if count > allowed.get(label, 0):
            return label
    return None
