"""Quality profiles as the pages see them: who uses each one, deleting one, choosing the default.

Saving a profile's name, ladder and cutoff stays in `library.services.save_quality_profile`
(the API, the admin and the pages all call it).

"Used" is found through Django's model registry rather than by importing the apps that point at
a profile (downloads and automation sit to our right): every foreign key to `QualityProfile` is
counted, whatever model holds it. Rows whose queryset offers `terminal()` (download jobs) count
until they are finished (paused ones too): a finished job's profile is history, and it must not
pin the profile forever. Tracks without a profile follow the default one, so they count for it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import models, transaction

from library import quality
from library.models import QualityProfile, Track
from library.services import ProfileError, save_quality_profile
from soulspot.lib.errors import Conflict


class ProfileInUse(ProfileError, Conflict):
    """The profile is the default or something still uses it, so it cannot be deleted (409)."""


@dataclass
class Usage:
    """What points at one profile: tracks (explicit or through the default) and other rows."""

    tracks: int = 0
    others: Counter[str] = field(default_factory=Counter)  # verbose name (plural) -> count

    def words(self) -> list[str]:
        """What uses the profile, in words ("2 tracks", "1 filter rule"); empty when unused."""
        return [
            text
            for text in [_count_words(self.tracks, "track", "tracks"), *self.others_words()]
            if text
        ]

    def others_words(self) -> list[str]:
        """The same without the tracks ("3 download jobs")."""
        counted = sorted(self.others.items())
        return [_count_words(count, *names.split("|")) for names, count in counted if count]


@dataclass(frozen=True)
class ProfileRow:
    """One line of the profiles page."""

    profile: QualityProfile
    usage: Usage
    explicit_tracks: int  # tracks that name this profile; the rest follow the default

    @property
    def labels(self) -> list[str]:
        return [quality.QUALITIES.get(key, key) for key in self.profile.ladder]

    @property
    def cutoff_label(self) -> str:
        return quality.QUALITIES.get(self.profile.cutoff, self.profile.cutoff or "none")

    @property
    def deletable(self) -> bool:
        return not self.profile.is_default and not self.usage.words()


def profile_rows() -> list[ProfileRow]:
    """Every profile, default first, with its usage; a fixed number of queries for any size."""
    default = QualityProfile.get_default()
    profiles = list(QualityProfile.objects.order_by("-is_default", "name", "pk"))
    explicit: dict[int | None, int] = {}
    usages = {profile.pk: Usage() for profile in profiles}
    for relation in _relations():
        for profile_id, count in _counts(relation).items():
            if relation.related_model is Track:
                explicit[profile_id] = count
            elif profile_id in usages:
                usages[profile_id].others[_names(relation)] += count
    for profile in profiles:
        usages[profile.pk].tracks = explicit.get(profile.pk, 0)
        if profile.pk == default.pk:
            usages[profile.pk].tracks += explicit.get(None, 0)
    return [ProfileRow(p, usages[p.pk], explicit.get(p.pk, 0)) for p in profiles]


def usage_of(profile: QualityProfile) -> Usage:
    """What uses this one profile (tracks without a profile count only for the default)."""
    usage = Usage()
    for relation in _relations():
        rows = _in_use(relation).filter(**{relation.field.name: profile})
        if relation.related_model is Track:
            usage.tracks = rows.count()
            if profile.is_default:
                usage.tracks += Track.objects.filter(quality_profile__isnull=True).count()
        else:
            usage.others[_names(relation)] += rows.count()
    return usage


def delete_quality_profile(profile: QualityProfile) -> None:
    """Delete a profile nothing uses; the default and profiles in use are refused (409)."""
    with transaction.atomic():
        # Locked, so a concurrent "make default" cannot land between the check and the delete;
        # on PostgreSQL a row inserted meanwhile with a key to this profile waits for us too.
        profile = QualityProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.is_default:
            raise ProfileInUse(
                f"{profile.name} is the default profile: make another one the default first"
            )
        blocking = usage_of(profile).words()
        if blocking:
            raise ProfileInUse(f"{profile.name} is still used by {_join(blocking)}")
        profile.delete()


def make_default_profile(profile: QualityProfile) -> QualityProfile:
    """Make this profile the default (the previous default stops being it)."""
    return save_quality_profile(
        profile,
        name=profile.name,
        ladder=list(profile.ladder),
        cutoff=profile.cutoff,
        is_default=True,
    )


def _relations() -> list[models.ForeignObjectRel]:
    # include_hidden: Track's key has related_name="+", which `related_objects` leaves out.
    return [
        rel
        for rel in QualityProfile._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ForeignObjectRel) and (rel.one_to_many or rel.one_to_one)
    ]


def _in_use(relation: models.ForeignObjectRel) -> models.QuerySet:
    rows = relation.related_model._default_manager.all()
    if hasattr(rows, "terminal"):
        rows = rows.exclude(pk__in=rows.terminal().values("pk"))
    return rows


def _counts(relation: models.ForeignObjectRel) -> dict[int | None, int]:
    """Rows per profile id (None: rows without a profile) in one grouped query."""
    column = relation.field.attname
    rows = _in_use(relation).order_by().values(column).annotate(n=models.Count("pk"))
    return {row[column]: row["n"] for row in rows}


def _names(relation: models.ForeignObjectRel) -> str:
    meta = relation.related_model._meta
    return f"{meta.verbose_name}|{meta.verbose_name_plural}"


def _count_words(count: int, singular: str, plural: str) -> str:
    if not count:
        return ""
    return f"{count} {singular if count == 1 else plural}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
