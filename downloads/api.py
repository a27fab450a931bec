"""REST endpoints for downloads (mounted at /api/downloads)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["downloads"])
