"""Download engine tasks: thin wrappers that call one service each."""

from __future__ import annotations


def pump_engine() -> str:
    """Advance every active job one step (search, transfer, handoff) for a bounded time."""
    from downloads import engine

    return engine.pump()
