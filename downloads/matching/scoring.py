"""The score of an accepted candidate: documented weights, one small function per component.

The total is a weighted sum of components in [0, 1]. The weights make the ordering
lexicographic in effect without being a strict tuple:

| component | weight | value |
|---|---|---|
| title | 40 | fuzzy ratio mapped from 85 (the gate: 0) to 95 (1); x (0.5 + 0.5 x coverage) |
| artist | 10 | 1 for a word-boundary hit, the fuzzy ratio (>= 0.9) otherwise |
| album | 5 | 1 when the wanted album is in the path, fuzzy otherwise; 0 for everyone if unknown |
| length | 5 | 1 within 1 s, 0.6 at the tolerance edge, 0.2 when the file's length is unknown |
| quality | 2.5 per ladder rung | the best rung gets (rungs - 1) x 2.5, the worst 0 |
| peer | 2 | free slot 0.5, short queue up to 0.3, upload speed up to 0.2 |
| history | 4 | our own (successes - failures) / (successes + failures + 2) with that user |

Why these numbers:

- Correctness dominates once it differs *materially*: every title ratio >= 95 counts as perfect,
  so "Paranoid Android" vs "Paranoid Androids" never outweighs quality, but a title at 90
  (-20 points) loses to an exact title up to eight rungs lower, one at 93 (-8) up to three.
  "Coverage" is the share of the wanted title's qualifier words ("Taylor's Version") present
  in the file name or album folder: missing them halves the title value.
- One quality rung (2.5) is worth more than the whole peer component (2), so two correct files
  are ordered by quality and peers only break ties between equal quality. A peer that failed us
  repeatedly (history down to -4) can lose a rung or so, as in sldl's "downrank".
- Length within the tolerance is mostly encoder padding, so 1 s vs 3 s (2 points) is less than
  a rung; a file whose length is unknown (4 points below an exact one) loses to a rung or two.
"""

from __future__ import annotations

from typing import Any

W_TITLE = 40.0
W_ARTIST = 10.0
W_ALBUM = 5.0
W_LENGTH = 5.0
RUNG_POINTS = 2.5
W_PEER = 2.0
W_HISTORY = 4.0

TITLE_GATE = 85.0  # fuzzy ratio a title must reach to be accepted at all
TITLE_FLOOR = 85.0  # ratio that maps to 0 in the title value
TITLE_PERFECT = 95.0  # ratio from which the title counts as exact
SHORT_TITLE = 8  # normalized titles shorter than this must match exactly: "Love" is not "Lover"
ARTIST_FUZZY_GATE = 90.0
CLIP_SECONDS = 30  # previews shared as full songs are exactly this long or shorter
UNKNOWN_LENGTH_VALUE = 0.2


def title_value(ratio: float, coverage: float | None) -> float:
    """The title's closeness; `coverage` is the share of wanted qualifier words present."""
    value = min(max((ratio - TITLE_FLOOR) / (TITLE_PERFECT - TITLE_FLOOR), 0.0), 1.0)
    return value if coverage is None else value * (0.5 + 0.5 * coverage)


def length_value(delta_s: float | None, tolerance_s: float) -> float:
    """1 within a second, falling linearly to 0.6 at the tolerance edge."""
    if delta_s is None:
        return UNKNOWN_LENGTH_VALUE
    if delta_s <= 1 or tolerance_s <= 1:
        return 1.0
    return 1.0 - 0.4 * min((delta_s - 1) / (tolerance_s - 1), 1.0)


def quality_value(rank: int, ladder_len: int) -> float:
    """1 for the best rung, 0 for the last."""
    return 1.0 if ladder_len <= 1 else 1.0 - rank / (ladder_len - 1)


def quality_weight(ladder_len: int) -> float:
    """Weight that makes every rung worth `RUNG_POINTS`, whatever the ladder's length."""
    return RUNG_POINTS * max(ladder_len - 1, 1)


def peer_value(free_slot: bool | None, queue: int | None, speed: int | None) -> float:
    """How soon this peer is likely to start and finish the upload."""
    value = 0.5 if free_slot else 0.0
    if queue is not None:
        value += 0.3 * 10 / (10 + max(queue, 0))  # 0 -> 0.3, 10 -> 0.15, 90 -> 0.03
    if speed:
        value += 0.2 * min(speed / 2_000_000, 1.0)  # 2 MB/s and faster get it all
    return value


def history_value(successes: int, failures: int) -> float:
    """Our own record with the user: +1 after many successes, -1 after many failures."""
    return (successes - failures) / (successes + failures + 2)


def component(value: float | None, weight: float, **detail: Any) -> dict[str, Any]:
    """One breakdown entry; `points` is what it added to the score."""
    points = 0.0 if value is None else value * weight
    entry: dict[str, Any] = {
        "value": None if value is None else round(value, 4),
        "weight": weight,
        "points": round(points, 4),
    }
    entry.update(detail)
    return entry
