"""Library file naming: Lidarr-style templates rendered into paths that are safe everywhere.

This package's top level is pure functions without Django, shared by the importer, the renamer
and benchmarks. The submodules that use the database: `scheme` (the stored templates, where a
track's file belongs), `renamer` (moving library files to a changed scheme) and `services`
(what the page, the API and the admin call).
"""

from __future__ import annotations

from library.naming.sanitize import (
    DEFAULT_MAX_PATH_BYTES,
    MAX_SEGMENT_BYTES,
    UnsafePath,
    safe_join,
    sanitize_segment,
    sanitize_text,
    truncate_utf8,
)
from library.naming.templates import (
    DEFAULT_TEMPLATES,
    InvalidTemplate,
    NamingContext,
    choose_template,
    clean_title,
    render_path,
    title_the,
    validate_template,
)

__all__ = [
    "DEFAULT_MAX_PATH_BYTES",
    "DEFAULT_TEMPLATES",
    "MAX_SEGMENT_BYTES",
    "InvalidTemplate",
    "NamingContext",
    "UnsafePath",
    "choose_template",
    "clean_title",
    "render_path",
    "safe_join",
    "sanitize_segment",
    "sanitize_text",
    "title_the",
    "truncate_utf8",
    "validate_template",
]
