"""Recording what sources say and settling each field on one chosen value.

The rule, per field: a manual edit wins; else the source the user picked when settling a
conflict; else the first source in the field's authority order (Manual > MusicBrainz >
Spotify > Last.fm > catalogue > file tags by default, changeable per field). The engine never
silently replaces words: when the winner differs in words (not just case, punctuation or the
spelling of "feat.") from the value the catalogue holds, on a field that matters, it records a
`FieldConflict` and keeps the current value until the user settles it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from library import normalize
from library.models import Album, FieldConflict, FieldValue, MetadataSettings, Source, Track
from library.provenance import retag
from library.provenance.fields import MODELS, FieldSpec, Row, coerce, is_empty, kind_of, spec_for

DEFAULT_ORDER = [
    Source.MANUAL,
    Source.MUSICBRAINZ,
    Source.SPOTIFY,
    Source.LASTFM,
    Source.CATALOGUE,
    Source.FILE_TAGS,
]
T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """A chosen value that changed (or, in a preview, would change)."""

    kind: str
    object_id: int
    label: str
    field: str
    old: Any
    new: Any
    source: str


@dataclass(frozen=True)
class Decision:
    source: str | None
    value: Any
    conflict: list[dict] | None = None


def authority(field: str, settings: MetadataSettings) -> list[str]:
    """The sources for `field`, best first: the settings' order for it (manual always first,
    sources it leaves out after it in the default order)."""
    custom = [s for s in settings.authority.get(field, []) if s in Source.values]
    order = [Source.MANUAL, *[s for s in custom if s != Source.MANUAL]]
    return order + [s for s in DEFAULT_ORDER if s not in order]


def record(
    row: Row, source: str, values: dict[str, Any], *, fetched_at: datetime | None = None
) -> list[Change]:
    """Store what `source` says about fields of `row` (None/empty: it offers nothing now) and
    settle those fields. Returns the chosen values that changed."""
    kind = kind_of(row)
    with transaction.atomic():
        # What each field followed before this source spoke: a source that changes its own
        # answer in words (a refresh) is a conflict like any other.
        before = {
            o.field: o.value
            for o in FieldValue.objects.of(kind, row.pk).filter(field__in=list(values), chosen=True)
        }
        for name, raw in values.items():
            spec = spec_for(kind, name)
            _keep_baseline(row, spec)
            value = coerce(spec, raw)
            if value is None and source == Source.MANUAL and raw in ("", [], None):
                # The user wants it empty (0 stands for "no number": JSON has no empty int).
                value = {"list": [], "int": 0}.get(spec.type, "")
            offers = FieldValue.objects.of(kind, row.pk).filter(field=name, source=source)
            if value is None:
                offers.delete()
            else:
                offers.update_or_create(
                    kind=kind,
                    object_id=row.pk,
                    field=name,
                    source=source,
                    defaults={"value": value, "fetched_at": fetched_at or timezone.now()},
                )
        return settle(row, list(values), before=before)


def settle(row: Row, names: Iterable[str], *, before: dict[str, Any] | None = None) -> list[Change]:
    """Choose each named field's value from its offers; update the row, its conflicts and the
    `chosen` marks; ask for the files to be re-tagged when a value changed."""
    kind, names = kind_of(row), list(names)
    settings = MetadataSettings.load()
    offers: dict[str, dict[str, FieldValue]] = {}
    for offer in FieldValue.objects.of(kind, row.pk).filter(field__in=names):
        offers.setdefault(offer.field, {})[offer.source] = offer
    pins = _pins(kind, row.pk, names)
    open_fields = set(
        FieldConflict.objects.open()
        .filter(kind=kind, object_id=row.pk, field__in=names)
        .values_list("field", flat=True)
    )
    finals: dict[str, tuple[Any, str]] = {}
    with transaction.atomic():
        for name in names:
            spec = spec_for(kind, name)
            field_offers = offers.get(name, {})
            previous = (before or {}).get(name)
            decision = decide(
                spec,
                field_offers,
                pins.get(name),
                settings,
                column=spec.get(row),
                previous=previous,
                in_conflict=name in open_fields,
            )
            _keep_conflict(row, spec, decision)
            if decision.source is not None:
                finals[name] = (_shaped(spec, decision.value), decision.source)
                _mark_chosen(kind, row.pk, name, decision.source, field_offers)
        if kind == "track":
            _place_featured(row, finals, settings)
        changes = [c for name, (v, s) in finals.items() if (c := _apply(row, name, v, s))]
        if changes:
            retag.request_for(row, reason=", ".join(sorted({c.field for c in changes})))
    return changes


def decide(
    spec: FieldSpec,
    offers: dict[str, FieldValue],
    pin: str | None,
    settings: MetadataSettings,
    *,
    column: Any = None,
    previous: Any = None,
    in_conflict: bool = False,
) -> Decision:
    """Which offer the field follows (see the module docstring); source None = leave it."""
    values = {source: offer.value for source, offer in offers.items()}
    if Source.MANUAL in values:
        return Decision(Source.MANUAL, values[Source.MANUAL])
    if pin in values:
        return Decision(pin, values[pin])
    ranked = [(s, values[s]) for s in authority(spec.name, settings) if s in values]
    if not ranked:
        return Decision(None, None)
    source, value = ranked[0]
    # The offer the field follows now; none after a manual edit was cleared (the user asked
    # for the sources to decide again) or before any source was recorded.
    current = next((o for o in offers.values() if o.chosen), None)
    held = previous if previous is not None else (current.value if current else None)
    if not spec.conflicts:
        return Decision(source, value)
    disagree = in_conflict and not is_empty(column) and differs(spec, value, column)
    if disagree or (not in_conflict and current and differs(spec, value, held)):
        # Keep what the catalogue holds (source None) until the user settles it.
        offered = [{"source": s, "value": v} for s, v in ranked]
        if not any(o["value"] == column for o in offered):
            offered.append({"source": "current", "value": column})
        return Decision(None, column, conflict=offered)
    return Decision(source, value)


def differs(spec: FieldSpec, a: Any, b: Any) -> bool:
    """Whether two values differ in substance: words, numbers, or the date as far as both go."""
    if spec.type == "int":
        return a != b
    if spec.type == "date":
        size = min(len(str(a)), len(str(b)))
        return str(a)[:size] != str(b)[:size]
    if spec.type == "list":
        return {normalize.fold(str(v)) for v in a} != {normalize.fold(str(v)) for v in b}
    if spec.kind == "track" and spec.name in ("title", "artist"):
        return _differs_with_guests(str(a), str(b), artist=spec.name == "artist")
    return normalize.differs_in_words(str(a), str(b))


def _differs_with_guests(a: str, b: str, *, artist: bool) -> bool:
    """A featured artist named by one source and not the other is more detail, not another
    song: compare the main part, and the guests only when both name some."""
    main_a, guests_a = normalize.split_featured(a, artist=artist)
    main_b, guests_b = normalize.split_featured(b, artist=artist)
    if normalize.differs_in_words(main_a, main_b):
        return True
    folded = [{normalize.fold(g) for g in guests} for guests in (guests_a, guests_b)]
    return bool(guests_a and guests_b) and folded[0] != folded[1]


def dry_run(work: Callable[[], T]) -> T:
    """Run `work` and undo everything it wrote (a preview); queued follow-ups are dropped too."""
    with transaction.atomic():
        result = work()
        transaction.set_rollback(True)
    return result


def label_of(row: Row) -> str:
    return str(row)[:1000]


def _keep_baseline(row: Row, spec: FieldSpec) -> None:
    """Before the first source is recorded for a field, keep what the catalogue already holds
    (a want, an admin edit, an earlier import) as the "catalogue" offer: it ranks above file
    tags, so a peer's tags never silently replace what the user asked for."""
    kind = kind_of(row)
    if FieldValue.objects.of(kind, row.pk).filter(field=spec.name).exists():
        return
    current = coerce(spec, spec.get(row))
    if current is not None:
        FieldValue.objects.create(
            kind=kind,
            object_id=row.pk,
            field=spec.name,
            source=Source.CATALOGUE,
            value=current,
            chosen=True,
        )


def _pins(kind: str, object_id: int, names: list[str]) -> dict[str, str]:
    """The source each field follows since the user settled a conflict on it (latest wins)."""
    resolved = FieldConflict.objects.filter(
        kind=kind,
        object_id=object_id,
        field__in=names,
        status=FieldConflict.Status.RESOLVED,
    ).exclude(resolved_source__in=["", Source.MANUAL])
    return {c.field: c.resolved_source for c in resolved.order_by("resolved_at", "pk")}


def _keep_conflict(row: Row, spec: FieldSpec, decision: Decision) -> None:
    kind = kind_of(row)
    open_ones = FieldConflict.objects.open().filter(kind=kind, object_id=row.pk, field=spec.name)
    now = timezone.now()
    if decision.conflict is None:
        open_ones.update(status=FieldConflict.Status.SUPERSEDED, updated_at=now)
        return
    offers = decision.conflict
    if not open_ones.update(offers=offers, updated_at=now, label=label_of(row)):
        FieldConflict.objects.create(
            kind=kind,
            object_id=row.pk,
            field=spec.name,
            album_id=_album_id(row),
            label=label_of(row),
            offers=offers,
        )


def _album_id(row: Row) -> int | None:
    if isinstance(row, Track):
        return row.album_id
    return row.pk if isinstance(row, Album) else None


def _apply(row: Row, name: str, new: Any, source: str) -> Change | None:
    spec = spec_for(kind_of(row), name)
    old = spec.get(row)
    if new == old or (is_empty(new) and is_empty(old)):
        return None
    spec.set(row, new)
    row.save()
    return Change(kind_of(row), row.pk, label_of(row), name, old, new, source)


def _shaped(spec: FieldSpec, value: Any) -> Any:
    """The chosen value as the catalogue stores it: text cleaned (whitespace, quotes, dashes)."""
    if spec.type == "text":
        return normalize.clean_text(str(value)).value
    if spec.type == "list":
        return [normalize.clean_text(str(v)).value for v in value]
    if spec.type == "int":
        return value or None
    return value


def _mark_chosen(
    kind: str, object_id: int, field: str, source: str, offers: dict[str, FieldValue]
) -> None:
    if all(o.chosen == (s == source) for s, o in offers.items()):
        return
    FieldValue.objects.of(kind, object_id).filter(field=field).update(
        chosen=models.Case(
            models.When(source=source, then=models.Value(True)), default=models.Value(False)
        )
    )


def _place_featured(
    track: Track, finals: dict[str, tuple[Any, str]], settings: MetadataSettings
) -> None:
    """Put a featured artist where the settings want it ("Song (feat. X)" or "A feat. X"),
    deciding title and credit together: the featured part moves from one to the other."""
    title, title_source = finals.get("title", (track.title, Source.CATALOGUE))
    credit, credit_source = finals.get(
        "artist", (track.artist_credit or track.artist.name, Source.CATALOGUE)
    )
    new_title, new_credit, _ = normalize.apply_feat_style(title, credit, settings.feat_style)
    if new_title != track.title or "title" in finals:
        finals["title"] = (new_title, title_source)
    if new_credit != (track.artist_credit or track.artist.name) or "artist" in finals:
        finals["artist"] = (new_credit, credit_source)


def row_of(kind: str, object_id: int) -> Row:
    """The track, album or artist `object_id`; DoesNotExist when it is gone."""
    return MODELS[kind].objects.get(pk=object_id)


def row_exists(kind: str, object_id: int) -> bool:
    return MODELS[kind].objects.filter(pk=object_id).exists()
