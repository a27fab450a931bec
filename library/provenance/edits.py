"""What the user does to metadata: edit a field by hand, clear an edit, settle a conflict."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from library.models import FieldConflict, FieldValue, Source
from library.provenance import engine
from library.provenance.engine import Change
from library.provenance.fields import SPECS, Row, kind_of
from soulspot.lib.errors import Conflict, SoulSpotError


class UnknownField(SoulSpotError, ValueError):
    """Not a field the engine manages for that kind of object."""


class UnknownSource(SoulSpotError, ValueError):
    """The conflict has no offer from that source."""


class ConflictClosed(Conflict, ValueError):
    """The conflict was already resolved or superseded."""


def check_field(kind: str, field: str) -> None:
    if field not in SPECS[kind]:
        raise UnknownField(f"{field!r} is not an editable field of a {kind}")


def set_manual(row: Row, values: dict[str, Any]) -> list[Change]:
    """Manual edits: each value wins over every source until the user clears it. An empty
    text or list is an edit too (the user wants the field empty)."""
    kind = kind_of(row)
    for name in values:
        check_field(kind, name)
    return engine.record(row, Source.MANUAL, values)


def clear_manual(row: Row, field: str) -> list[Change]:
    """Forget the manual edit of `field`: the field follows its sources again."""
    kind = kind_of(row)
    check_field(kind, field)
    with transaction.atomic():
        FieldValue.objects.of(kind, row.pk).filter(field=field, source=Source.MANUAL).delete()
        return engine.settle(row, [field])


def resolve_conflict(
    conflict: FieldConflict,
    *,
    source: str | None = None,
    value: Any = None,
    apply_to_album: bool = False,
) -> list[Change]:
    """Settle a conflict by following `source` from now on, or with a typed `value` (a manual
    edit). With `apply_to_album` the same field's open conflicts on the other tracks of the
    album are settled the same way."""
    if conflict.status != FieldConflict.Status.OPEN:
        raise ConflictClosed("That conflict was already settled.")
    if source is not None and (
        source not in Source.values or not any(o["source"] == source for o in conflict.offers)
    ):
        raise UnknownSource(f"no value from {source!r} in this conflict")
    if not engine.row_exists(conflict.kind, conflict.object_id):
        _supersede(conflict)
        raise ConflictClosed(f"The {conflict.kind} is no longer in the library.")
    changes: list[Change] = []
    with transaction.atomic():
        for one in _same_field_on_album(conflict) if apply_to_album else [conflict]:
            if source is not None and not any(o["source"] == source for o in one.offers):
                continue  # another track's conflict without that source stays for the user
            changes += _resolve_one(one, source=source, value=value)
    return changes


def _resolve_one(conflict: FieldConflict, *, source: str | None, value: Any) -> list[Change]:
    try:
        row = engine.row_of(conflict.kind, conflict.object_id)
    except ObjectDoesNotExist:
        _supersede(conflict)  # another track of the album, deleted meanwhile
        return []
    claimed = FieldConflict.objects.open().filter(pk=conflict.pk)
    if not claimed.update(
        status=FieldConflict.Status.RESOLVED,
        resolved_source=source or Source.MANUAL,
        resolved_at=timezone.now(),
    ):
        return []  # resolved meanwhile by someone else
    if source is None:
        return engine.record(row, Source.MANUAL, {conflict.field: value})
    return engine.settle(row, [conflict.field])


def _same_field_on_album(conflict: FieldConflict) -> list[FieldConflict]:
    if conflict.album_id is None:
        return [conflict]
    others = FieldConflict.objects.open().filter(
        album_id=conflict.album_id, kind=conflict.kind, field=conflict.field
    )
    return [conflict, *others.exclude(pk=conflict.pk).order_by("pk")]


def _supersede(conflict: FieldConflict) -> None:
    FieldConflict.objects.filter(pk=conflict.pk).update(
        status=FieldConflict.Status.SUPERSEDED, updated_at=timezone.now()
    )
