"""The only module that imports spotipy: authorization, token requests and Web API calls.

spotipy is used with three of its behaviours replaced:
- its session retries 429s and sleeps for Retry-After (minutes, even hours: spotipy issues
  #766, #913, #1224) inside a worker. Ours never retries a 429 and ignores Retry-After, so a
  429 surfaces at once as `SpotifyRateLimited(retry_after)` and the caller schedules the retry;
  5xx answers to GETs are retried twice, quickly;
- its auth manager would prompt on stdin or open a browser when it has no token. We never give
  it that chance: API calls carry an access token we fetched ourselves (`tokens`), and the
  manager is only asked for an authorize URL, a code exchange or a refresh;
- its PKCE verifier lives on the manager instance, which does not survive between the two
  HTTP requests of a connect; the caller stores it and hands it back for the code exchange.
Tokens spotipy receives are saved through `RowCacheHandler` into the encrypted connection row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import requests
import spotipy
from django.conf import settings
from requests.adapters import HTTPAdapter
from spotipy.cache_handler import CacheHandler
from urllib3.util.retry import Retry

from metadata.providers.base import require_enabled, service_url, user_agent
from metadata.providers.spotify import store
from metadata.providers.spotify.errors import (
    SpotifyAuthError,
    SpotifyError,
    SpotifyForbidden,
    SpotifyNotConfigured,
    SpotifyNotConnected,
    SpotifyNotFound,
    SpotifyQuotaExceeded,
    SpotifyRateLimited,
    SpotifyUnavailable,
)

SCOPES = "playlist-read-private playlist-read-collaborative user-library-read user-follow-read"
PAGE_LIMIT = 50
# Statuses worth one quick retry inside the call; never 429 (see the module docstring).
_RETRY_STATUSES = (500, 502, 503, 504)


class TokenSource(Protocol):
    """Where API calls get their access token (see `tokens`)."""

    def current(self) -> str: ...

    def renew(self, rejected: str) -> str: ...


class _Unauthorized(Exception):
    """A 401 from the Web API: the access token was refused before its announced expiry."""


def is_configured() -> bool:
    return bool(settings.SPOTIFY_CLIENT_ID)


class RowCacheHandler(CacheHandler):
    """spotipy's token cache over the encrypted `SpotifyConnection` row. Only the handler of a
    code exchange may create the row (see `store.save_token`)."""

    def __init__(self, *, create: bool = False) -> None:
        self._create = create

    def get_cached_token(self) -> dict[str, Any] | None:
        return store.read_token()

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        store.save_token(token_info, create=self._create)


class _ServerSidePKCE(spotipy.SpotifyPKCE):
    """SpotifyPKCE that can never fall into its interactive path (stdin, browser)."""

    def get_authorization_code(self, response: str | None = None) -> str:
        raise SpotifyAuthError("no authorization code: connect Spotify from the Spotify page")

    @staticmethod
    def _get_user_input(prompt: str) -> str:
        raise SpotifyNotConnected("Spotify is not connected")


def _timeout() -> float:
    return float(settings.SPOTIFY_TIMEOUT_SECONDS)


def _session(retry: Retry) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent()
    return session


def api_session() -> requests.Session:
    """A session that retries a 5xx to a GET twice, never a 429, and never sleeps long."""
    return _session(
        Retry(
            total=2,
            connect=1,
            read=0,
            status=2,
            other=0,
            backoff_factor=0.25,
            status_forcelist=_RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=False,
            raise_on_status=False,  # the last 5xx reaches spotipy with its status and body
        )
    )


def _accounts_session() -> requests.Session:
    # Token requests are POSTs, which are not safe to repeat: only a refused connect is retried.
    session = _session(Retry(total=1, connect=1, read=0, status=0, other=0, redirect=0))
    if settings.SPOTIFY_CLIENT_SECRET:
        session.auth = (settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET)
    return session


def _auth_manager(verifier: str | None = None) -> _ServerSidePKCE:
    manager = _ServerSidePKCE(
        client_id=settings.SPOTIFY_CLIENT_ID,
        redirect_uri=settings.SPOTIFY_REDIRECT_URI,
        scope=SCOPES,
        open_browser=False,
        cache_handler=RowCacheHandler(create=verifier is not None),
        requests_session=_accounts_session(),
        requests_timeout=_timeout(),
    )
    accounts = service_url(settings.SPOTIFY_ACCOUNTS_URL)
    manager.OAUTH_AUTHORIZE_URL = f"{accounts}/authorize"
    manager.OAUTH_TOKEN_URL = f"{accounts}/api/token"
    if verifier is not None:
        # Put the stored verifier back; without it spotipy makes a new one and Spotify answers
        # invalid_grant (spec §0.4).
        manager.code_verifier = verifier
        manager.code_challenge = manager._get_code_challenge()
    return manager


def authorize_url(state: str) -> tuple[str, str]:
    """The URL that asks the user's consent, and the PKCE verifier to keep for the callback."""
    manager = _auth_manager()
    url = manager.get_authorize_url(state=state)
    return url, manager.code_verifier


def exchange_code(code: str, verifier: str) -> None:
    """Trade an authorization code (with its verifier) for tokens, saved in the row."""
    require_enabled(SpotifyUnavailable)
    manager = _auth_manager(verifier)
    try:
        manager.get_access_token(code=code, check_cache=False)
    except spotipy.SpotifyOauthError as exc:
        raise _oauth_failure(exc, SpotifyAuthError, "the authorization code") from exc
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise SpotifyUnavailable(f"Spotify's token service failed: {exc}") from exc


def refresh(refresh_token: str) -> None:
    """Trade the refresh token for new tokens (Spotify may rotate it), saved in the row.

    Raises SpotifyNotConnected when Spotify refuses the refresh token (revoked, expired).
    """
    require_enabled(SpotifyUnavailable)
    manager = _auth_manager()
    try:
        manager.refresh_access_token(refresh_token)
    except spotipy.SpotifyOauthError as exc:
        raise _oauth_failure(exc, SpotifyNotConnected, "the refresh token") from exc
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise SpotifyUnavailable(f"Spotify's token service failed: {exc}") from exc


def _oauth_failure(
    exc: spotipy.SpotifyOauthError, refused: type[SpotifyError], what: str
) -> SpotifyError:
    """A token endpoint error: refused (4xx) or unavailable (5xx, 429, no answer)."""
    # spotipy raises inside `except HTTPError`, so the response is on the context.
    response = getattr(exc.__context__, "response", None)
    status = getattr(response, "status_code", None)
    if status == 429:
        return SpotifyRateLimited(
            "Spotify's token service is rate limiting", _retry_after(response)
        )
    if status is None or status >= 500:
        return SpotifyUnavailable(f"Spotify's token service failed (HTTP {status})")
    detail = ": ".join(str(part) for part in (exc.error, exc.error_description) if part)
    return refused(f"Spotify refused {what} ({detail or f'HTTP {status}'}).")


def _retry_after(response: Any) -> int:
    headers = getattr(response, "headers", None) or {}
    try:
        return max(1, int(float(str(headers.get("Retry-After", "1")))))
    except ValueError:
        return 1


class SpotifyApi:
    """One reading session against the Web API: a spotipy client with our HTTP session, whose
    calls each carry the current access token and survive one early expiry (401)."""

    def __init__(self, tokens: TokenSource) -> None:
        if not is_configured():
            raise SpotifyNotConfigured("Spotify is off: SPOTIFY_CLIENT_ID is not set")
        self._tokens = tokens
        self._session = api_session()
        self._sp = spotipy.Spotify(requests_session=self._session, requests_timeout=_timeout())
        self._sp.prefix = service_url(settings.SPOTIFY_API_URL) + "/"

    def close(self) -> None:
        self._session.close()

    def me(self) -> dict[str, Any]:
        return self._call(lambda sp: sp.me())

    def my_playlists(self) -> dict[str, Any]:
        return self._call(lambda sp: sp.current_user_playlists(limit=PAGE_LIMIT))

    def playlist(self, playlist_id: str, fields: str) -> dict[str, Any]:
        return self._call(lambda sp: sp.playlist(playlist_id, fields=fields))

    def playlist_items(self, playlist_id: str) -> dict[str, Any]:
        return self._call(
            lambda sp: sp.playlist_items(
                playlist_id, limit=PAGE_LIMIT, additional_types=("track", "episode")
            )
        )

    def saved_tracks(self) -> dict[str, Any]:
        return self._call(lambda sp: sp.current_user_saved_tracks(limit=PAGE_LIMIT))

    def saved_albums(self) -> dict[str, Any]:
        return self._call(lambda sp: sp.current_user_saved_albums(limit=PAGE_LIMIT))

    def followed_artists(self) -> dict[str, Any]:
        return self._call(lambda sp: sp.current_user_followed_artists(limit=PAGE_LIMIT))

    def next_page(self, page: dict[str, Any]) -> dict[str, Any] | None:
        """The page after `page` (its absolute `next` URL as given), None after the last."""
        if not page.get("next"):
            return None
        return self._call(lambda sp: sp.next(page))

    def _call(self, operation: Callable[[spotipy.Spotify], Any]) -> dict[str, Any]:
        require_enabled(SpotifyUnavailable)
        token = self._tokens.current()
        try:
            return self._once(operation, token)
        except _Unauthorized:
            # Refused before its announced expiry (revoked, clock skew): renew once, retry once.
            token = self._tokens.renew(token)
        try:
            return self._once(operation, token)
        except _Unauthorized as exc:
            # Not the refresh token's fault (that one just worked): Spotify is misbehaving.
            raise SpotifyUnavailable("Spotify refused a freshly renewed access token") from exc

    def _once(self, operation: Callable[[spotipy.Spotify], Any], token: str) -> dict[str, Any]:
        self._sp.set_auth(token)
        try:
            result = operation(self._sp)
        except spotipy.SpotifyException as exc:
            raise _api_failure(exc) from exc
        except requests.RequestException as exc:
            raise SpotifyUnavailable(f"Spotify could not be reached: {exc}") from exc
        if not isinstance(result, dict):
            # spotipy answers None for a body that is not JSON.
            raise SpotifyUnavailable("Spotify sent an answer that is not a JSON object")
        return result


def _api_failure(exc: spotipy.SpotifyException) -> Exception:
    status = exc.http_status
    if status == 401:
        return _Unauthorized()
    if status == 429:
        retry_after = _retry_after(exc)
        if exc.reason == "QUOTA_EXCEEDED":
            return SpotifyQuotaExceeded("Spotify's daily request quota is spent", retry_after)
        return SpotifyRateLimited("Spotify is rate limiting", retry_after)
    if status == 403:
        return SpotifyForbidden(f"Spotify refused access (403): {_message(exc)}")
    if status == 404:
        return SpotifyNotFound(f"Spotify has no such item: {_message(exc)}")
    if status == 400 and exc.code == -1 and not exc.headers:
        # spotipy's own check: the id is neither a Spotify id, URI nor link.
        return SpotifyNotFound(f"not a Spotify id or link: {_message(exc)}")
    if status >= 500:
        return SpotifyUnavailable(f"Spotify failed (HTTP {status})")
    return SpotifyError(f"Spotify refused the request (HTTP {status}): {_message(exc)}")


def _message(exc: spotipy.SpotifyException) -> str:
    return str(exc.msg).rsplit(":\n", 1)[-1].strip()
