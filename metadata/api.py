"""REST endpoints for imports and naming (mounted at /api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["import"])
