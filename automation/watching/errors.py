"""What the watch services refuse (the API answers 400/404 with the message)."""

from __future__ import annotations

from soulspot.lib.errors import NotFound, SoulSpotError


class WatchError(SoulSpotError):
    """A watch cannot be made or changed as asked; the message names the field."""


class WatchNotFound(WatchError, NotFound):
    """The artist or watch the request names does not exist."""
