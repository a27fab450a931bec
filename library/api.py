"""REST endpoints for the library (mounted at /api/library)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["library"])
