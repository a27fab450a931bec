"""Encryption of secrets kept in the database (Spotify's OAuth tokens), with a key kept outside it.

The key is 32 random bytes in the file SOULSPOT_SECRET_KEY_FILE (default `<data dir>/secret.key`),
created on first use. It is deliberately never derived from anything in the database, nor from
SECRET_KEY (which backups carry): a stolen database or backup alone reveals no token. The price:
an install restored without this file cannot read its old tokens and must reconnect.

The Fernet key (AES-128-CBC + HMAC-SHA256, timestamped) is derived from the file with HKDF, so
the same file can later key other purposes under another `info` label without reuse.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

KEY_BYTES = 32
HKDF_INFO = b"soulspot secret box v1"


class SecretBoxError(Exception):
    """A value cannot be decrypted (wrong key, tampered or garbled value) or the key file is bad."""


def encrypt(text: str) -> str:
    """`text` encrypted and authenticated, as URL-safe ASCII fit for a text column."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text `encrypt` was given; SecretBoxError when the key or the value is not the one."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError, TypeError, AttributeError) as exc:
        raise SecretBoxError("the value cannot be decrypted with this install's key") from exc


def key_file() -> Path:
    return Path(settings.SOULSPOT_SECRET_KEY_FILE)


def _fernet() -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO)
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(_key_bytes(key_file()))))


def _key_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = _create_key(path)
    except OSError as exc:
        raise SecretBoxError(f"cannot read the key file {path}: {exc.strerror or exc}") from exc
    if len(raw) != KEY_BYTES:
        raise SecretBoxError(f"the key file {path} is damaged (not {KEY_BYTES} bytes)")
    return raw


def _create_key(path: Path) -> bytes:
    """Write a new key where no process has yet, or return the one a racing process wrote.

    The key is written complete to a private temporary file and then hard-linked to its name:
    the link either appears with all 32 bytes or fails because another process's link won, so
    no reader ever sees a half-written key and all processes end up using the same one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        # FileExistsError: another process won the race, and its key is the one to use.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
        return path.read_bytes()
    except OSError as exc:
        raise SecretBoxError(f"cannot create the key file {path}: {exc.strerror or exc}") from exc
    finally:
        temporary.unlink(missing_ok=True)
