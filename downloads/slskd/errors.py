"""The one error hierarchy for everything that can go wrong talking to slskd.

Every failure of the slskd client surfaces as a `SlskdError` subclass whose `str()` is a short
sentence a user can read ("slskd unreachable at http://nas:5030: connection refused"). Callers
pick the subclass to decide what to do: retry later, ask the user to fix a key, skip a peer.
"""

from __future__ import annotations


class SlskdError(Exception):
    """Base class: slskd could not do what was asked. `status` is the HTTP status, if any."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    # How a status mapped to this class is introduced in the message (see `BaseClient._request`).
    headline = ""

    def __str__(self) -> str:
        return self.message


class SlskdUnreachable(SlskdError):
    """No usable answer from slskd: refused, timed out, DNS failure or a 502/503/504 gateway.

    `reason` is one of "refused", "timeout", "gateway", "network" so callers can tell a timed-out
    request (which may still have taken effect on slskd) from one that never arrived.
    """

    def __init__(self, message: str, *, reason: str, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.reason = reason


class SlskdUnauthorized(SlskdError):
    """slskd refused the API key (401) or its role (403)."""


class SlskdRateLimited(SlskdError):
    """slskd answered 429: another search or enqueue is running on it right now."""


class SlskdUserOffline(SlskdError):
    """The Soulseek user is offline or unknown, so nothing can be fetched from them."""


class SlskdNotFound(SlskdError):
    """slskd does not know the search, transfer or user asked for (404)."""


class SlskdNotLoggedIn(SlskdError):
    """slskd is running but not connected and logged in to the Soulseek server (409 on search)."""

    headline = "slskd is not logged in to the Soulseek network"


class SlskdProtocolError(SlskdError):
    """slskd sent something we cannot use: malformed JSON, an unexpected shape or status."""


class SearchBudgetExhausted(SlskdError):
    """The shared search budget is spent; the next search is allowed in `retry_after_seconds`."""

    def __init__(self, retry_after_seconds: float) -> None:
        seconds = max(0.0, retry_after_seconds)
        super().__init__(f"search budget spent; next search allowed in {seconds:.0f} s")
        self.retry_after_seconds = seconds
