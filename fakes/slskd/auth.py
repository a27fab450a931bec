"""API-key and JWT authentication as slskd does it (spec §2).

`X-API-Key` is checked against the configured keys; `POST /session` issues an HS256 JWT that is
then accepted as `Authorization: Bearer`. Anything else gets 401 with an empty body and a
`WWW-Authenticate: Bearer` challenge.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class AuthResult:
    """Outcome of checking one request's credentials."""

    ok: bool
    challenge: str = "Bearer"  # the WWW-Authenticate value when not ok


class Authenticator:
    """Holds the keys and the JWT signing secret of one fake instance."""

    def __init__(self, api_keys: list[str], username: str, password: str, ttl: int) -> None:
        self.api_keys = set(api_keys)
        self.username = username
        self.password = password
        self.ttl = ttl
        self._secret = secrets.token_bytes(32)  # a new secret per instance invalidates old tokens

    def check(self, headers: Any) -> AuthResult:
        """Any valid scheme wins; a bad bearer token gets `error="invalid_token"`."""
        key = headers.get("X-API-Key")
        if key is not None and key in self.api_keys:
            return AuthResult(ok=True)
        bearer = _bearer(headers.get("Authorization"))
        if bearer is not None:
            if self.valid_token(bearer):
                return AuthResult(ok=True)
            return AuthResult(ok=False, challenge='Bearer error="invalid_token"')
        return AuthResult(ok=False)

    def login(self, username: str, password: str) -> dict[str, Any] | None:
        """A TokenResponse for the right credentials, else None."""
        good_user = hmac.compare_digest(username.encode(), self.username.encode())
        good_password = hmac.compare_digest(password.encode(), self.password.encode())
        if not (good_user and good_password):
            return None
        issued = int(time.time())
        expires = issued + self.ttl
        claims = {"name": username, "role": "Administrator", "nbf": issued, "exp": expires}
        claims |= {"iat": issued, "iss": "slskd", "aud": "slskd"}
        token = self._sign(claims)
        return {
            "expires": expires,
            "issued": issued,
            "name": username,
            "notBefore": issued,
            "token": token,
            "tokenType": "Bearer",
        }

    def valid_token(self, token: str) -> bool:
        """Signature, issuer and lifetime check of an HS256 token we issued."""
        parts = token.split(".")
        if len(parts) != 3:
            return False
        expected = self._signature(f"{parts[0]}.{parts[1]}")
        if not hmac.compare_digest(expected, parts[2]):
            return False
        try:
            claims = json.loads(_unb64(parts[1]))
        except ValueError:
            return False
        now = time.time()
        return claims.get("iss") == "slskd" and claims.get("nbf", 0) <= now < claims.get("exp", 0)

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{header}.{payload}.{self._signature(f'{header}.{payload}')}"

    def _signature(self, signing_input: str) -> str:
        return _b64(hmac.new(self._secret, signing_input.encode(), hashlib.sha256).digest())


def _bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
