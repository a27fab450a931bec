"""The edit forms of the metadata pages: one field per managed field of a track, album or
artist, prefilled with the catalogue's value, bounded like the engine's columns.

A list (artists, genres) is typed as one line separated by ";". A number is 1 to 999. A field
the catalogue cannot hold empty (a title, a name) is required. Only the fields whose value
differs from the catalogue's become manual edits (`changed_values`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from library.models import Kind, Track
from library.provenance.fields import SPECS, FieldSpec, Row, coerce, is_empty, kind_of

MAX_NUMBER = 999
MAX_LIST_ITEMS = 20  # what the engine keeps of a list
LIST_SEPARATOR = ";"
REQUIRED = {(Kind.TRACK, "title"), (Kind.ALBUM, "title"), (Kind.ALBUM, "artist")}
REQUIRED |= {(Kind.ARTIST, "name")}
LABELS = {
    (Kind.TRACK, "artist"): "Artist credit",
    (Kind.ALBUM, "artist"): "Album artist",
    (Kind.ALBUM, "date"): "Release date",
    (Kind.ALBUM, "track_total"): "Number of tracks",
    (Kind.ALBUM, "disc_total"): "Number of discs",
}
WORDS = {"isrc": "ISRC", "musicbrainz": "MusicBrainz", "id": "id"}


def field_label(kind: str, name: str) -> str:
    """How a page names a managed field ("MusicBrainz recording id", "Album artist")."""
    if (kind, name) in LABELS:
        return LABELS[(kind, name)]
    words = [WORDS.get(word, word) for word in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def display(value: Any) -> str:
    """A field value as one line of text (a list joined with "; ")."""
    if is_empty(value):
        return ""
    if isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(str(v) for v in value)
    return str(value)


def current_value(row: Row, spec: FieldSpec) -> Any:
    """The value the form starts from; a track without its own credit shows its artist."""
    if isinstance(row, Track) and spec.name == "artist":
        return row.credit
    return spec.get(row)


def parse_value(spec: FieldSpec, text: str) -> Any:
    """A typed value in the field's shape; ValidationError says what is wrong."""
    text = text.strip()
    if spec.type == "int":
        return _number(text)
    if spec.type == "list":
        return _items(spec, text)
    if len(text) > spec.max_length:
        raise ValidationError(f"At most {spec.max_length} characters.")
    if "\x00" in text:
        raise ValidationError("Null characters are not allowed.")
    if spec.type == "date" and text and coerce(spec, text) != text:
        raise ValidationError("A date as YYYY, YYYY-MM or YYYY-MM-DD.")
    return text


def _number(text: str) -> int | None:
    if not text:
        return None
    # At most three ASCII digits before any conversion: "9" * 30 or "١٢" never reach int().
    if not (text.isascii() and text.isdigit() and len(text) <= 3 and int(text) >= 1):
        raise ValidationError(f"A whole number from 1 to {MAX_NUMBER}.")
    return int(text)


def _items(spec: FieldSpec, text: str) -> list[str]:
    if "\x00" in text:
        raise ValidationError("Null characters are not allowed.")
    items = list(dict.fromkeys(i.strip() for i in text.split(LIST_SEPARATOR) if i.strip()))
    if len(items) > MAX_LIST_ITEMS:
        raise ValidationError(f"At most {MAX_LIST_ITEMS} entries.")
    if any(len(item) > spec.max_length for item in items):
        raise ValidationError(f"Each entry at most {spec.max_length} characters.")
    return items


def _limit(spec: FieldSpec) -> int | None:
    if spec.type == "int":
        return None  # `_number` bounds it, with its own message
    # A list's line holds its entries and their separators.
    return (spec.max_length + 2) * MAX_LIST_ITEMS if spec.type == "list" else spec.max_length


def _widget(spec: FieldSpec) -> forms.Widget:
    if spec.type == "int":
        return forms.NumberInput(attrs={"min": 1, "max": MAX_NUMBER, "style": "max-width:7rem"})
    if spec.type == "date":
        return forms.TextInput(attrs={"placeholder": "YYYY-MM-DD"})
    placeholder = "one; two" if spec.type == "list" else ""
    return forms.TextInput(attrs={"placeholder": placeholder} if placeholder else {})


class ManagedField(forms.CharField):
    """One managed field, typed as text and parsed into the field's shape."""

    def __init__(self, spec: FieldSpec, **options: Any) -> None:
        self.spec = spec
        super().__init__(max_length=_limit(spec), strip=True, widget=_widget(spec), **options)

    def clean(self, value: Any) -> Any:
        return parse_value(self.spec, super().clean(value))


class MetadataForm(forms.Form):
    """The managed fields of one track, album or artist, prefilled from the catalogue."""

    def __init__(self, row: Row, data: Any = None) -> None:
        super().__init__(data)
        self.row = row
        self.kind = kind_of(row)
        for name, spec in SPECS[self.kind].items():
            self.fields[name] = ManagedField(
                spec,
                label=field_label(self.kind, name),
                required=(self.kind, name) in REQUIRED,
                initial=display(current_value(row, spec)),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, spec in SPECS[self.kind].items():
            had = not is_empty(current_value(self.row, spec))
            if spec.type == "int" and name in cleaned and cleaned[name] is None and had:
                # The engine keeps a number or follows the sources; it cannot hold "no number".
                self.add_error(name, "Type a number, or clear the manual edit.")
        return cleaned

    def changed_values(self) -> dict[str, Any]:
        """The fields whose typed value differs from the catalogue's (the manual edits)."""
        changed = {}
        for name, spec in SPECS[self.kind].items():
            new, old = self.cleaned_data[name], current_value(self.row, spec)
            if spec.type == "list":
                old = list(old or [])
            elif spec.type != "int":
                old = old or ""
            if new != old:
                changed[name] = new
        return changed
