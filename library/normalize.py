"""TEMPORARY stand-in; replaced by the normalisation helper's module at merge."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

FEAT_STYLES = ("title", "artist")


@dataclass(frozen=True)
class Normalized:
    value: str
    rules: list[str] = field(default_factory=list)


def clean_text(value: str) -> Normalized:
    new = " ".join(value.split())
    return Normalized(new, ["whitespace"] if new != value else [])


def apply_feat_style(title: str, artist: str, style: str) -> tuple[str, str, list[str]]:
    return title, artist, []


def sort_name(name: str) -> str:
    return f"{name[4:]}, The" if name.startswith("The ") else name


def fold(value: str) -> str:
    text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def differs_in_words(a: str, b: str) -> bool:
    return fold(a) != fold(b)


def split_featured(text: str) -> tuple[str, list[str]]:
    main, _, rest = text.partition(" feat. ")
    return main.strip(), [rest.strip()] if rest else []
