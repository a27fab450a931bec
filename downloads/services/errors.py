"""What the download services refuse, and why (mapped to HTTP statuses by their base class)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from soulspot.lib.errors import Conflict, NotFound, SoulSpotError

if TYPE_CHECKING:
    from downloads.models import DownloadJob


class DownloadError(SoulSpotError):
    """A user action that cannot be carried out; the message says why."""


class AlreadyQueued(DownloadError, Conflict):
    def __init__(self, job: DownloadJob) -> None:
        super().__init__(
            f"{job.want_label} is already being downloaded (job #{job.pk}, {job.status})"
        )
        self.job = job


class InvalidTransition(DownloadError, Conflict):
    """The job's state forbids the action (resume a completed job...)."""


class UnknownRelease(DownloadError, NotFound):
    """MusicBrainz has no release (or release group) with the id the want names."""
