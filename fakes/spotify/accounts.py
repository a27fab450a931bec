"""accounts.spotify.com: the PKCE authorization page and the token endpoint.

Rules as Spotify applies them since 2025-11: redirect URIs are HTTPS or loopback IP literals
(`localhost` is refused), codes are single-use and live 10 minutes, the PKCE verifier must hash
to the challenge, and refresh tokens rotate: each refresh returns a new one and revokes the one
presented, under a lock, so of two concurrent refreshes with the same token exactly one wins.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fakes.metadata_services.server import Request, Response
from fakes.spotify.world import SpotifyWorld

CODE_LIFETIME = 600.0
_LOOPBACK = {"127.0.0.1", "::1"}


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    issued: float
    used: bool = False


@dataclass
class AccessToken:
    scope: str
    issued: float
    lifetime: float
    revoked: bool = False

    def expired(self, now: float) -> bool:
        return self.revoked or now >= self.issued + self.lifetime


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _page(status: int, text: str) -> Response:
    body = f"<!doctype html><title>Error</title><p>{text}</p>".encode()
    return Response(status, body, "text/html; charset=utf-8")


def code_challenge(verifier: str) -> str:
    """base64url(sha256(verifier)) without padding, as PKCE S256 defines it."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class Accounts:
    """Codes and tokens of one client id. Thread-safe: the fake serves several workers."""

    def __init__(
        self,
        world: SpotifyWorld,
        client_id: str,
        *,
        client_secret: str | None = None,
        redirect_uris: list[str] | None = None,
    ) -> None:
        self.world = world
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = redirect_uris
        self.access_token_lifetime = 3600
        self.code_lifetime = CODE_LIFETIME
        self.lock = threading.Lock()
        self.codes: dict[str, _Code] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, dict[str, Any]] = {}
        self.token_log: list[dict[str, Any]] = []

    # -- /authorize ------------------------------------------------------------------------

    def authorize(self, request: Request) -> Response:
        """Validate the request, then consent on the user's behalf: 302 back with a code."""
        if request.arg("client_id") != self.client_id:
            return _page(400, "INVALID_CLIENT: Invalid client")
        redirect_uri = request.arg("redirect_uri") or ""
        problem = self._redirect_problem(redirect_uri)
        if problem:
            return _page(400, f"INVALID_CLIENT: {problem}")
        if request.arg("response_type") != "code":
            return _page(400, "unsupported_response_type: response_type must be code")
        challenge = request.arg("code_challenge") or ""
        if request.arg("code_challenge_method") != "S256" or not challenge:
            return _page(
                400, "INVALID_REQUEST: code_challenge_method must be S256 with a challenge"
            )
        params = self._grant_or_deny(redirect_uri, challenge, request.arg("scope") or "")
        if request.arg("state") is not None:
            params["state"] = request.arg("state") or ""
        joiner = "&" if "?" in redirect_uri else "?"
        return Response(
            302, b"", "text/plain", {"Location": redirect_uri + joiner + urlencode(params)}
        )

    def _redirect_problem(self, uri: str) -> str | None:
        try:
            parts = urlsplit(uri)
            host = parts.hostname
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            return "Invalid redirect URI"
        if not host or parts.scheme not in ("http", "https"):
            return "Invalid redirect URI"
        if parts.scheme == "http" and host not in _LOOPBACK:
            return "Insecure redirect URI"
        if self.redirect_uris is not None and uri not in self.redirect_uris:
            return "Invalid redirect URI"
        return None

    def _grant_or_deny(self, redirect_uri: str, challenge: str, scope: str) -> dict[str, str]:
        with self.lock:
            if self.world.deny_next_authorization:
                self.world.deny_next_authorization = False
                return {"error": "access_denied"}
            code = "AQ" + secrets.token_urlsafe(48)
            self.codes[code] = _Code(self.client_id, redirect_uri, challenge, scope, time.time())
        return {"code": code}

    # -- /api/token ------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        """Exchange a code or a refresh token; log every attempt for `token_requests()`."""
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        grant = form.get("grant_type", "")
        try:
            if request.method != "POST":
                raise OAuthError("invalid_request", "Method not allowed", 405)
            client_id = self._client(request, form)
            if grant == "authorization_code":
                answer = self._exchange_code(form, client_id)
            elif grant == "refresh_token":
                answer = self._refresh(form, client_id)
            elif not grant:
                raise OAuthError("unsupported_grant_type", "grant_type parameter is missing")
            else:
                raise OAuthError(
                    "unsupported_grant_type",
                    "grant_type must be client_credentials, authorization_code or refresh_token",
                )
        except OAuthError as exc:
            self._log(grant, exc.error, exc.description, form)
            error = {"error": exc.error, "error_description": exc.description}
            return Response.json(error, status=exc.status)
        self._log(grant, "ok", "", form)
        return Response.json(answer)

    def _log(self, grant: str, outcome: str, description: str, form: dict[str, str]) -> None:
        entry = {
            "grant_type": grant,
            "outcome": outcome,
            "error_description": description,
            "client_id": form.get("client_id"),
            "refresh_token": form.get("refresh_token"),
            "at": time.time(),
        }
        with self.lock:
            self.token_log.append(entry)

    def _client(self, request: Request, form: dict[str, str]) -> str:
        """The client id from HTTP Basic auth (secret flow) or the form (PKCE)."""
        header = request.headers.get("authorization", "")
        client_id = form.get("client_id", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise OAuthError("invalid_client", "Invalid client") from exc
            client_id, _, secret = decoded.partition(":")
            if self.client_secret is not None and secret != self.client_secret:
                raise OAuthError("invalid_client", "Invalid client secret")
        if client_id != self.client_id:
            raise OAuthError("invalid_client", "Invalid client")
        return client_id

    def _exchange_code(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        with self.lock:
            code = self.codes.get(form.get("code", ""))
            if code is None or code.used or code.client_id != client_id:
                raise OAuthError("invalid_grant", "Invalid authorization code")
            if time.time() - code.issued > self.code_lifetime:
                raise OAuthError("invalid_grant", "Authorization code expired")
            if form.get("redirect_uri") != code.redirect_uri:
                raise OAuthError("invalid_grant", "Invalid redirect URI")
            if code_challenge(form.get("code_verifier", "")) != code.challenge:
                raise OAuthError("invalid_grant", "code_verifier was incorrect")
            code.used = True
            return self._issue(code.scope, client_id)

    def _refresh(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        with self.lock:
            held = self.refresh_tokens.get(form.get("refresh_token", ""))
            if held is None or held["client_id"] != client_id:
                raise OAuthError("invalid_grant", "Invalid refresh token")
            if held["revoked"]:
                raise OAuthError("invalid_grant", "Refresh token revoked")
            held["revoked"] = True
            return self._issue(held["scope"], client_id)

    def _issue(self, scope: str, client_id: str) -> dict[str, Any]:
        # Called with self.lock held.
        access = "BQ" + secrets.token_urlsafe(48)
        refresh = "AQ" + secrets.token_urlsafe(48)
        lifetime = self.access_token_lifetime
        self.access_tokens[access] = AccessToken(scope, time.time(), lifetime)
        self.refresh_tokens[refresh] = {"scope": scope, "client_id": client_id, "revoked": False}
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "refresh_token": refresh,
            "scope": scope,
        }

    # -- bearer tokens ---------------------------------------------------------------------

    def bearer(self, request: Request) -> tuple[AccessToken | None, str]:
        """The access token of an API request, or None and the 401 message."""
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            return None, "Invalid access token"
        with self.lock:
            token = self.access_tokens.get(header[7:].strip())
        if token is None:
            return None, "Invalid access token"
        if token.expired(time.time()):
            return None, "The access token expired"
        return token, ""

    def expire_access_tokens(self) -> None:
        """Every access token issued so far answers 401 "The access token expired"."""
        with self.lock:
            for token in self.access_tokens.values():
                token.revoked = True

    def issue_for_tests(self, scope: str) -> dict[str, Any]:
        """A token pair without the browser dance, for tests that start already linked."""
        with self.lock:
            return self._issue(scope, self.client_id)
