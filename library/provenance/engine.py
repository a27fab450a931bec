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


Offers = dict[str, dict[str, FieldValue]]  # field -> source -> offer


def record(
    row: Row, source: str, values: dict[str, Any], *, fetched_at: datetime | None = None
) -> list[Change]:
    """Store what `source` says about fields of `row` (None/empty: it offers nothing now) and
    settle those fields. Returns the chosen values that changed.

    A handful of queries whatever the number of fields (imports record every file's tags)."""
    kind, names, now = kind_of(row), list(values), fetched_at or timezone.now()
    with transaction.atomic():
        offers = load_offers(kind, row.pk, names)
        # What each field followed before this source spoke: a source that changes its own
        # answer in words (a refresh) is a conflict like any other.
        before = {f: o.value for f, by in offers.items() for o in by.values() if o.chosen}
        new: list[FieldValue] = []
        gone: list[int] = []
        unchanged: list[int] = []
        for name, raw in values.items():
            spec = spec_for(kind, name)
            value = _offered(spec, source, raw)
            mine = offers.get(name, {}).get(source)
            if value is None:
                if mine is not None:
                    gone.append(mine.pk)
                    del offers[name][source]
                continue
            if not offers.get(name) and source != Source.CATALOGUE:
                new += _baseline(row, spec, offered=value)
            if mine is None:
                new.append(FieldValue(kind=kind, object_id=row.pk, field=name, source=source))
                new[-1].value, new[-1].fetched_at = value, now
            elif mine.value == value:
                unchanged.append(mine.pk)
            else:
                FieldValue.objects.filter(pk=mine.pk).update(value=value, fetched_at=now)
                mine.value = value
        for offer in FieldValue.objects.bulk_create(new):
            offers.setdefault(offer.field, {})[offer.source] = offer
        if gone:
            FieldValue.objects.filter(pk__in=gone).delete()
        if unchanged:  # asked again: the answer is as fresh as now (the refresh schedule)
            FieldValue.objects.filter(pk__in=unchanged).update(fetched_at=now)
        return settle(row, names, before=before, offers=offers)


def load_offers(kind: str, object_id: int, names: list[str]) -> Offers:
    offers: Offers = {}
    for offer in FieldValue.objects.of(kind, object_id).filter(field__in=names):
        offers.setdefault(offer.field, {})[offer.source] = offer
    return offers


def settle(
    row: Row,
    names: Iterable[str],
    *,
    before: dict[str, Any] | None = None,
    offers: Offers | None = None,
) -> list[Change]:
    """Choose each named field's value from its offers; update the row, its conflicts and the
    `chosen` marks; ask for the files to be re-tagged when a value changed."""
    kind, names = kind_of(row), list(names)
    settings = MetadataSettings.load()
    offers = offers if offers is not None else load_offers(kind, row.pk, names)
    # A conflict (open, or settled into a pin) needs two offers for its field: with at most
    # one offer everywhere (a track made from its tags) there is nothing to look up.
    contested = [n for n in names if len(offers.get(n, {})) > 1]
    pins, open_fields = _conflict_state(kind, row.pk, contested) if contested else ({}, set())
    finals: dict[str, tuple[Any, str]] = {}
    with transaction.atomic():
        for name in names:
            spec = spec_for(kind, name)
            field_offers = offers.get(name, {})
            decision = decide(
                spec,
                field_offers,
                pins.get(name),
                settings,
                column=spec.get(row),
                previous=(before or {}).get(name),
                in_conflict=name in open_fields,
            )
            if decision.conflict is not None or name in open_fields:
                _keep_conflict(row, spec, decision)
            if decision.source is not None:
                finals[name] = (_shaped(spec, decision.value), decision.source)
        _mark_chosen(kind, row.pk, {n: s for n, (_v, s) in finals.items()}, offers)
        if kind == "track":
            _place_featured(row, finals, settings)
        changes = _apply(row, finals)
        if changes:
            retag.request_for(row, reason=", ".join(sorted({c.field for c in changes})))
    return changes


def _offered(spec: FieldSpec, source: str, raw: Any) -> Any:
    """The offer to store for `raw`; None when the source offers nothing."""
    value = coerce(spec, raw)
    if value is None and source == Source.MANUAL and raw in ("", [], None):
        # The user wants it empty (0 stands for "no number": JSON has no empty int).
        value = {"list": [], "int": 0}.get(spec.type, "")
    return value


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


def _baseline(row: Row, spec: FieldSpec, *, offered: Any) -> list[FieldValue]:
    """Before the first source is recorded for a field, keep what the catalogue already holds
    (a want, an admin edit, an earlier import) as the "catalogue" offer: it ranks above file
    tags, so a peer's tags never silently replace what the user asked for. Not needed when the
    first source says exactly what the catalogue holds (a track made from its file's tags)."""
    current = coerce(spec, spec.get(row))
    if current is None or current == offered:
        return []
    offer = FieldValue(kind=kind_of(row), object_id=row.pk, field=spec.name, chosen=True)
    offer.source, offer.value = Source.CATALOGUE, current
    return [offer]


def _conflict_state(kind: str, object_id: int, names: list[str]) -> tuple[dict, set[str]]:
    """In one query: the source each field follows since the user settled a conflict on it
    (the latest settlement wins), and the fields with an open conflict."""
    rows = (
        FieldConflict.objects.filter(kind=kind, object_id=object_id, field__in=names)
        .exclude(status=FieldConflict.Status.SUPERSEDED)
        .order_by("resolved_at", "pk")
        .values_list("field", "status", "resolved_source")
    )
    pins, open_fields = {}, set()
    for field, status, resolved_source in rows:
        if status == FieldConflict.Status.OPEN:
            open_fields.add(field)
        elif resolved_source not in ("", Source.MANUAL):
            pins[field] = resolved_source
    return pins, open_fields


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


def _apply(row: Row, finals: dict[str, tuple[Any, str]]) -> list[Change]:
    """Write the values that changed, in one UPDATE of only their columns."""
    kind, changes, columns = kind_of(row), [], {"updated_at"}
    for name, (new, source) in finals.items():
        spec = spec_for(kind, name)
        old = spec.get(row)
        if new == old or (is_empty(new) and is_empty(old)):
            continue
        spec.set(row, new)
        columns |= set(spec.columns)
        changes.append(Change(kind, row.pk, label_of(row), name, old, new, source))
    if changes:
        row.save(update_fields=sorted(columns))
    return changes


def _shaped(spec: FieldSpec, value: Any) -> Any:
    """The chosen value as the catalogue stores it: text cleaned (whitespace, quotes, dashes)."""
    if spec.type == "text":
        return normalize.clean_text(str(value)).value
    if spec.type == "list":
        return [normalize.clean_text(str(v)).value for v in value]
    if spec.type == "int":
        return value or None
    return value


def _mark_chosen(kind: str, object_id: int, chosen: dict[str, str], offers: Offers) -> None:
    """Mark the followed offer of each field (and only it), in one UPDATE for all fields."""
    stale = [
        field
        for field, source in chosen.items()
        if any(o.chosen != (s == source) for s, o in offers.get(field, {}).items())
    ]
    if not stale:
        return
    followed = models.Q(pk__in=[])
    for field in stale:
        followed |= models.Q(field=field, source=chosen[field])
    FieldValue.objects.of(kind, object_id).filter(field__in=stale).update(
        chosen=models.Case(
            models.When(followed, then=models.Value(True)), default=models.Value(False)
        )
    )
    for field in stale:
        for source, offer in offers.get(field, {}).items():
            offer.chosen = source == chosen[field]


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
