"""Background tasks of accounts: thin wrappers around one service each."""

from __future__ import annotations

from accounts.audit import prune_audit_log


def prune_audit() -> str:
    """Daily: drop audit entries older than the retention period."""
    return f"pruned {prune_audit_log()} audit entries"
