"""The one-time first-run setup token: proof that whoever creates the account owns the host.

`manage.py serve` prints it and it is kept in `<data>/setup_token` (mode 0600), so only someone
who can read the server's console or data dir can take a fresh instance; a visitor who merely
reaches the port cannot. Creating the first account consumes it.
"""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare

from accounts.models import SetupClaim

# Unambiguous characters (no 0/O, 1/I/L), grouped in fours so it can be typed from a console.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_GROUPS = 5


def _new_token() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(4 * _GROUPS))
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def _normalise(token: str) -> str:
    return "".join(token.split()).replace("-", "").upper()


def setup_done() -> bool:
    """An account exists (setup, `createsuperuser`) or setup was claimed: no more setup."""
    return SetupClaim.objects.exists() or get_user_model().objects.exists()


def read_setup_token() -> str | None:
    try:
        return settings.SOULSPOT_SETUP_TOKEN_FILE.read_text().strip() or None
    except FileNotFoundError:
        return None


def ensure_setup_token() -> str | None:
    """The token while no account exists (created on first call), None once one does."""
    if setup_done():
        consume_setup_token()
        return None
    existing = read_setup_token()
    if existing:
        return existing
    token = _new_token()
    path = settings.SOULSPOT_SETUP_TOKEN_FILE
    draft = path.with_name(f".{path.name}-{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(token + "\n")
    try:
        # A hard link appears whole and fails if the name exists: when two processes start at
        # once, one token wins and both report it, and nobody ever reads a half-written file.
        os.link(draft, path)
    except FileExistsError:
        token = read_setup_token() or token
    finally:
        draft.unlink()
    return token


def setup_token_matches(given: str) -> bool:
    """Constant-time check of a submitted token; dashes, spaces and case do not matter."""
    expected = read_setup_token()
    if not expected or not given:
        return False
    return constant_time_compare(_normalise(given), _normalise(expected))


def consume_setup_token() -> None:
    settings.SOULSPOT_SETUP_TOKEN_FILE.unlink(missing_ok=True)
