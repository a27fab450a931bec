"""The only code in SoulSpot that talks to slskd (the user's Soulseek daemon, REST API v0).

    from downloads.slskd import client_from_settings, SlskdError

    client = client_from_settings()        # None when SLSKD_URL is not set
    with client:
        state = client.start_search("artist album")   # spends one search from the budget
        ...

Everything that can go wrong is a `SlskdError` subclass with a message fit for the user. The
wire format this follows is described in docs/slskd-api.md; the "spec §N" references in this
package are its sections.
"""

from __future__ import annotations

from .budget import (
    BudgetStore,
    FileBudgetStore,
    MemoryBudgetStore,
    SearchBudget,
)
from .client import SlskdClient
from .errors import (
    SearchBudgetExhausted,
    SlskdError,
    SlskdNotFound,
    SlskdNotLoggedIn,
    SlskdProtocolError,
    SlskdRateLimited,
    SlskdUnauthorized,
    SlskdUnreachable,
    SlskdUserOffline,
)
from .replies import (
    AppState,
    DirectoryFile,
    EnqueueFailure,
    EnqueueResult,
    Event,
    HealthResult,
    SearchResult,
    SearchState,
    Transfer,
)

__all__ = [
    "AppState",
    "BudgetStore",
    "DirectoryFile",
    "EnqueueFailure",
    "EnqueueResult",
    "Event",
    "FileBudgetStore",
    "HealthResult",
    "MemoryBudgetStore",
    "SearchBudget",
    "SearchBudgetExhausted",
    "SearchResult",
    "SearchState",
    "SlskdClient",
    "SlskdError",
    "SlskdNotFound",
    "SlskdNotLoggedIn",
    "SlskdProtocolError",
    "SlskdRateLimited",
    "SlskdUnauthorized",
    "SlskdUnreachable",
    "SlskdUserOffline",
    "Transfer",
    "budget_from_settings",
    "client_from_settings",
    "is_configured",
]


def is_configured() -> bool:
    """True when SLSKD_URL is set; downloading is off otherwise."""
    from django.conf import settings

    return bool(settings.SLSKD_URL)


def budget_from_settings() -> SearchBudget:
    """The search budget every SoulSpot process shares, on every host: kept in the database."""
    from django.conf import settings

    # Imported here: the models need the app registry, this package does not.
    from downloads.search_budget import DatabaseBudgetStore

    store = DatabaseBudgetStore()
    return SearchBudget(settings.SLSKD_SEARCH_BUDGET, settings.SLSKD_SEARCH_WINDOW_SECONDS, store)


def client_from_settings(*, timeout: float = 10.0) -> SlskdClient | None:
    """A client for the configured slskd, or None when SLSKD_URL is not set. Close it after use."""
    from django.conf import settings

    if not is_configured():
        return None
    return SlskdClient(
        settings.SLSKD_URL,
        settings.SLSKD_API_KEY,
        downloads_dir=settings.SLSKD_DOWNLOADS_DIR,
        timeout=timeout,
        budget=budget_from_settings(),
        user_agent=settings.SOULSPOT_USER_AGENT,
    )
