"""What one engine step knows: the slskd client and the global switches."""

from __future__ import annotations

from dataclasses import dataclass, field

from downloads.models import EngineSettings
from downloads.slskd import SlskdClient


@dataclass
class EngineRun:
    client: SlskdClient
    engine: EngineSettings
    # Jobs moved this step, so a job is never handled twice in one pass.
    touched: set[int] = field(default_factory=set)
