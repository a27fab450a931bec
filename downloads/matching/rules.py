"""Filter rules in the matcher: allow, deny and prefer candidates by path, folder, user or size.

Pure Python like the rest of the matcher: the service layer reads the enabled rules once per
search, `RuleSet` compiles them once, and the judges ask it two questions per file:

- `refusal(file)`: a deny rule that matches, or an allow list (the allow rules of one field)
  that the file misses, refuses it; the reason names the rule ("refused by rule 'No live'
  (deny folder \\Live\\)") so the user sees which of their rules cost the candidate.
- `preferred(file)`: the prefer rules whose words appear in the file's field; their bonuses are
  added to the score and listed in the explanation.

Fields: `path` is the full remote path, `folder` the remote folder *with* its trailing separator
(so `\\Live\\` matches a folder named exactly "Live" anywhere in the path), `user` the peer's
name, `size` the file's size in bytes. Regular expressions are case-insensitive and `search`ed,
not anchored. A size rule "matches" a file whose size is within its bounds (either may be open).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from downloads.matching.candidates import SearchFile

KINDS = ("allow", "deny", "prefer")
FIELDS = ("path", "folder", "user", "size")
TEXT_FIELDS = ("path", "folder", "user")
# Folder and user verdicts repeat across thousands of files of one search: cache them.
_CACHED_FIELDS = frozenset({"folder", "user"})
# Cheapest first: a set look-up of a name beats a regex over a long path.
_GATE_ORDER = ("user", "size", "folder", "path")


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One filter rule as the matcher sees it (the `FilterRule` row, without Django)."""

    name: str
    kind: str
    field: str
    pattern: str = ""
    min_size: int | None = None
    max_size: int | None = None
    words: tuple[str, ...] = ()
    bonus: int = 0

    @property
    def label(self) -> str:
        """What the rule does, in a few words: "deny folder \\Live\\", "prefer path web (+5)"."""
        if self.kind == "prefer":
            return f"prefer {self.field} {', '.join(self.words)} ({self.bonus:+d})"
        if self.field == "size":
            return f"{self.kind} size {_size_bounds(self.min_size, self.max_size)}"
        return f"{self.kind} {self.field} {self.pattern}"

    @property
    def described(self) -> str:
        return f"{self.name!r} ({self.label})"


def rule_problem(spec: RuleSpec) -> str | None:
    """Why the rule cannot be saved, in words for the user; None when it is sound.

    A bad regular expression is named with the position Python's `re` reports.
    """
    if not spec.name.strip():
        return "a rule needs a name"
    if spec.kind not in KINDS or spec.field not in FIELDS:
        return f"kind must be one of {', '.join(KINDS)} and field one of {', '.join(FIELDS)}"
    if spec.kind == "prefer":
        return _prefer_problem(spec)
    if spec.field == "size":
        return _size_problem(spec.min_size, spec.max_size)
    if not spec.pattern:
        return f"a {spec.kind} rule on the {spec.field} needs a pattern"
    try:
        re.compile(spec.pattern, re.IGNORECASE)
    except re.error as exc:
        return f"bad regular expression at position {exc.pos}: {exc.msg}"
    except (OverflowError, RecursionError) as exc:
        return f"bad regular expression: {exc}"
    return None


def _prefer_problem(spec: RuleSpec) -> str | None:
    if spec.field not in TEXT_FIELDS:
        return "a prefer rule looks for words: its field is the path, folder or user"
    if not any(word.strip() for word in spec.words):
        return "a prefer rule needs at least one word"
    if spec.bonus == 0:
        return "a prefer rule needs a non-zero score bonus"
    return None


def _size_problem(low: int | None, high: int | None) -> str | None:
    if low is None and high is None:
        return "a size rule needs a minimum, a maximum or both (bytes)"
    if low is not None and high is not None and low > high:
        return f"the minimum size ({low} bytes) is above the maximum ({high} bytes)"
    return None


def _size_bounds(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}–{high} bytes"
    return f">= {low} bytes" if low is not None else f"<= {high} bytes"


def field_value(file: SearchFile, field: str) -> str | int:
    """The part of the file a rule on `field` looks at."""
    if field == "user":
        return file.username
    if field == "size":
        return file.size
    if field == "folder":
        sep = "\\" if "\\" in file.filename else "/"
        return file.filename[: file.filename.rfind(sep) + 1]
    return file.filename


def _matcher(spec: RuleSpec) -> Callable[[Any], bool]:
    if spec.kind == "prefer":
        words = "|".join(re.escape(w.strip()) for w in spec.words if w.strip())
        found = re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE).search
        return lambda value: found(value) is not None
    if spec.field == "size":
        low = spec.min_size if spec.min_size is not None else 0
        high = spec.max_size
        return lambda value: value >= low and (high is None or value <= high)
    search = re.compile(spec.pattern, re.IGNORECASE).search
    return lambda value: search(value) is not None


class RuleSet:
    """The rules of one search, compiled once; empty (and falsy) when there are none."""

    def __init__(self, specs: Iterable[RuleSpec] = ()) -> None:
        self.specs = tuple(specs)
        compiled = [(spec, _matcher(spec)) for spec in self.specs]
        self._deny = {
            f: [c for c in compiled if c[0].kind == "deny" and c[0].field == f] for f in FIELDS
        }
        self._allow = {
            f: [c for c in compiled if c[0].kind == "allow" and c[0].field == f] for f in FIELDS
        }
        self._prefer = [c for c in compiled if c[0].kind == "prefer"]
        self._gated = [f for f in _GATE_ORDER if self._deny[f] or self._allow[f]]
        self._refusals: dict[tuple[str, object], str | None] = {}
        self._preferences: dict[tuple[int, object], bool] = {}

    def __bool__(self) -> bool:
        return bool(self.specs)

    @property
    def prefers(self) -> bool:
        """Whether any prefer rule may change a score."""
        return bool(self._prefer)

    @property
    def gates(self) -> bool:
        """Whether any allow or deny rule may refuse a file."""
        return bool(self._gated)

    def refusal(self, file: SearchFile) -> str | None:
        """Why the rules refuse this file (the rule named), or None when they let it pass."""
        for field in self._gated:
            value = field_value(file, field)
            if field not in _CACHED_FIELDS:
                reason = self._field_refusal(field, value)
            elif (field, value) in self._refusals:
                reason = self._refusals[(field, value)]
            else:
                reason = self._refusals[(field, value)] = self._field_refusal(field, value)
            if reason:
                return reason
        return None

    def _field_refusal(self, field: str, value: object) -> str | None:
        for spec, matches in self._deny[field]:
            if matches(value):
                return f"refused by rule {spec.described}"
        allow = self._allow[field]
        if allow and not any(matches(value) for _, matches in allow):
            names = ", ".join(spec.described for spec, _ in allow)
            plural = "rules" if len(allow) > 1 else "rule"
            return f"refused by {plural} {names}: the {field} matches no allowed {field}"
        return None

    def preferred(self, file: SearchFile) -> tuple[RuleSpec, ...]:
        """The prefer rules whose words the file's field contains, in the rules' order."""
        found: list[RuleSpec] = []
        for index, (spec, matches) in enumerate(self._prefer):
            value = field_value(file, spec.field)
            if spec.field not in _CACHED_FIELDS:
                hit = matches(value)
            elif (index, value) in self._preferences:
                hit = self._preferences[(index, value)]
            else:
                hit = self._preferences[(index, value)] = matches(value)
            if hit:
                found.append(spec)
        return tuple(found)


def bonus_of(matched: Iterable[RuleSpec]) -> float:
    """The points the matched prefer rules add to a score."""
    return float(sum(spec.bonus for spec in matched))


def rules_component(matched: Iterable[RuleSpec]) -> dict[str, Any]:
    """The explanation entry of the prefer rules: their points and which rules gave them."""
    matched = tuple(matched)
    return {
        "value": None,
        "weight": None,
        "points": bonus_of(matched),
        "matched": [
            {"name": spec.name, "bonus": spec.bonus, "rule": spec.label} for spec in matched
        ],
    }
