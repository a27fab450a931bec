"""The library scanner and library health: walking, reading, cataloguing, duplicates,
broken files, album completeness. Callers use `library.services`; these are its machinery.

walk → plan (what changed since the catalogue) → reader (all cores) → batch/linking (writes)
are driven by `engine`; `duplicates`, `completeness`, `recycle`, `retag` and `stats` serve the
health pages, the API and the admin.
"""
