"""Durations in words a user reads at a glance."""

from __future__ import annotations


def seconds_text(value: float) -> str:
    """42 -> "42 s", 125 -> "2 min 5 s", 3720 -> "1 h 2 min" (negative counts as 0)."""
    seconds = max(int(value), 0)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
