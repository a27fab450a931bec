"""The downloads app's models, one module per concern; import them from here."""

from __future__ import annotations

from downloads.models.budget import SearchBudgetWindow
from downloads.models.candidates import Candidate, Peer, RejectedFile
from downloads.models.engine import EngineSettings, SearchSlot
from downloads.models.jobs import DownloadJob
from downloads.models.manual_searches import ManualSearch
from downloads.models.rules import FilterRule

__all__ = [
    "Candidate",
    "DownloadJob",
    "EngineSettings",
    "FilterRule",
    "ManualSearch",
    "Peer",
    "RejectedFile",
    "SearchBudgetWindow",
    "SearchSlot",
]
