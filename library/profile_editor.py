"""The ladder editor's state between form posts: every known quality in order, which are allowed,
the cutoff and the unknown-bitrate policy.

The page has no script of its own (the CSP forbids inline script): each click on "up", "down",
"allowed" or the policy posts the whole form, this module rebuilds the draft from it, applies
the click and the page is drawn again (swapped in by HTMX, or reloaded without it). Nothing is
saved until "Save", which goes through `library.services.save_quality_profile`.

The unknown-bitrate policy is not a profile field: a peer that does not report an MP3's bitrate
gets the quality "mp3_unknown", a rung like any other, so the policy is where that rung sits.
"Reject" leaves it off the ladder, "lowest" keeps it last, "rung" leaves it where it was moved.
AAC, Opus and Ogg files without a bitrate already rank as their format's lowest rung.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.http import QueryDict

from library import quality
from library.models import QualityProfile
from soulspot.lib.params import BadParameter, text_param

UNKNOWN_BITRATE = "mp3_unknown"
NAME_MAX = QualityProfile._meta.get_field("name").max_length


class UnknownBitrate(models.TextChoices):
    """What a profile does with an MP3 whose bitrate the peer does not report."""

    RUNG = "rung", "Accept, ranked where its rung sits in the ladder"
    LOWEST = "lowest", "Accept as the lowest rung"
    REJECT = "reject", "Reject"


@dataclass(frozen=True)
class Rung:
    """One row of the editor."""

    key: str
    label: str
    allowed: bool
    position: int | None  # 1 for the best allowed rung; None when not allowed
    first: bool
    last: bool

    @property
    def is_unknown_bitrate(self) -> bool:
        return self.key == UNKNOWN_BITRATE


@dataclass
class LadderDraft:
    """A profile being edited; `order` holds every known quality, the allowed ones first."""

    name: str
    order: list[str]
    allowed: set[str]
    cutoff: str
    unknown_bitrate: str
    is_default: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, profile: QualityProfile) -> LadderDraft:
        """The draft of a stored profile (or of a new, unsaved one with the default ladder)."""
        ladder = [key for key in profile.ladder if key in quality.QUALITIES]
        if UNKNOWN_BITRATE not in ladder:
            policy = UnknownBitrate.REJECT
        elif ladder[-1] == UNKNOWN_BITRATE:
            policy = UnknownBitrate.LOWEST
        else:
            policy = UnknownBitrate.RUNG
        draft = cls(profile.name, ladder, set(ladder), profile.cutoff, policy, profile.is_default)
        draft.normalise()
        return draft

    @classmethod
    def from_form(cls, data: QueryDict, *, is_default: bool) -> LadderDraft:
        """The draft a form post describes; forged or unknown values are dropped, never trusted."""
        known = quality.QUALITIES
        order = list(dict.fromkeys(k for k in data.getlist("order")[: len(known)] if k in known))
        allowed = {key for key in data.getlist("allowed")[: len(known)] if key in known}
        policy = data.get("unknown_bitrate", "")
        if policy not in UnknownBitrate.values:
            policy = (
                UnknownBitrate.REJECT if UNKNOWN_BITRATE not in allowed else UnknownBitrate.RUNG
            )
        cutoff = data.get("cutoff", "")
        draft = cls("", order, allowed, cutoff if cutoff in known else "", policy, is_default)
        try:
            draft.name = text_param(data, "name", NAME_MAX)
        except BadParameter as exc:
            draft.name = ""
            draft.errors["name"] = [str(exc)]
        draft.normalise()
        return draft

    def normalise(self) -> None:
        """Apply the policy, put every known quality in the list once, the allowed ones first,
        and drop a cutoff that is no longer allowed (the picker offers allowed rungs only)."""
        if self.unknown_bitrate == UnknownBitrate.REJECT:
            self.allowed.discard(UNKNOWN_BITRATE)
        else:
            self.allowed.add(UNKNOWN_BITRATE)
        order = self.order + [key for key in quality.QUALITIES if key not in self.order]
        ladder = [key for key in order if key in self.allowed]
        if self.unknown_bitrate == UnknownBitrate.LOWEST:
            ladder = [key for key in ladder if key != UNKNOWN_BITRATE] + [UNKNOWN_BITRATE]
        self.order = ladder + [key for key in order if key not in self.allowed]
        if self.cutoff not in self.allowed:
            self.cutoff = ""

    def move(self, command: str) -> None:
        """Apply "up:<key>" or "down:<key>": swap an allowed rung with its neighbour."""
        direction, _, key = command.partition(":")
        ladder = self.ladder()
        if key not in ladder or direction not in {"up", "down"}:
            return
        index = ladder.index(key)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(ladder):
            return
        ladder[index], ladder[other] = ladder[other], ladder[index]
        self.order = ladder + self.order[len(ladder) :]
        if (
            UNKNOWN_BITRATE in (key, ladder[index])
            and self.unknown_bitrate == UnknownBitrate.LOWEST
        ):
            # Moving the unknown-bitrate rung (or a rung past it) is choosing its place.
            self.unknown_bitrate = UnknownBitrate.RUNG

    def ladder(self) -> list[str]:
        return [key for key in self.order if key in self.allowed]

    def rows(self) -> list[Rung]:
        ladder = self.ladder()
        return [
            Rung(
                key=key,
                label=quality.QUALITIES[key],
                allowed=key in self.allowed,
                position=ladder.index(key) + 1 if key in self.allowed else None,
                first=bool(ladder) and key == ladder[0],
                last=bool(ladder) and key == ladder[-1],
            )
            for key in self.order
        ]

    def cutoff_choices(self) -> list[tuple[str, str]]:
        return [(key, quality.QUALITIES[key]) for key in self.ladder()]

    def check(self) -> bool:
        """Per-field problems before saving (the service checks again); True when none."""
        if not self.name and "name" not in self.errors:
            self.errors["name"] = ["Give the profile a name."]
        if not self.ladder():
            self.errors["ladder"] = ["Allow at least one quality."]
        elif not self.cutoff:
            self.errors["cutoff"] = ["Choose the cutoff among the allowed qualities."]
        return not self.errors
