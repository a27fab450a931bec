"""Naming services: the page, the API and the admin save templates and rename files through these.

They live beside the naming machinery (`scheme`, `renamer`) rather than in `library/services.py`,
which holds the scanner and library-health services.
"""

from __future__ import annotations

from library.models import NamingScheme
from library.naming import renamer
from library.naming.renamer import RenamePlan
from library.naming.templates import InvalidTemplate, validate_template

__all__ = [
    "InvalidTemplate",
    "RenamePlan",
    "apply_renames",
    "check_templates",
    "merged_templates",
    "preview_renames",
    "save_naming_scheme",
]


def save_naming_scheme(templates: dict[str, str]) -> NamingScheme:
    """Validate and store naming templates; raises InvalidTemplate listing every problem."""
    check_templates(templates)
    scheme = NamingScheme.load()
    for name, template in templates.items():
        setattr(scheme, name, template)
    scheme.save()
    return scheme


def merged_templates(changes: dict[str, str] | None) -> dict[str, str]:
    """The current templates with `changes` applied (validated), without saving them."""
    current = NamingScheme.load().templates()
    if changes:
        check_templates(changes)
    return {**current, **(changes or {})}


def check_templates(templates: dict[str, str]) -> None:
    """Raise InvalidTemplate naming every problem (unknown names, invalid templates)."""
    problems = []
    for name, template in templates.items():
        if name not in NamingScheme.TEMPLATE_FIELDS:
            problems.append(f"Unknown template {name!r}.")
        else:
            problems += [f"{name}: {problem}" for problem in validate_template(template)]
    if problems:
        raise InvalidTemplate(" ".join(problems))


def preview_renames(
    track_file_ids: list[int] | None = None,
    templates: dict[str, str] | None = None,
    *,
    limit: int = renamer.DEFAULT_LIMIT,
    only_changed: bool = True,
) -> list[RenamePlan]:
    """Old -> new path for the chosen files under the given (or current) templates."""
    scheme = merged_templates(templates)
    return renamer.plan(track_file_ids, scheme, limit=limit, only_changed=only_changed)


def apply_renames(
    track_file_ids: list[int], templates: dict[str, str] | None = None
) -> list[RenamePlan]:
    """Save the templates (when given) and rename the chosen files with safe moves."""
    if templates:
        save_naming_scheme(merged_templates(templates))
    plans = renamer.plan(track_file_ids, NamingScheme.load().templates(), limit=len(track_file_ids))
    return renamer.apply(plans)
