"""The one way SoulSpot builds an HTTP client for an outside service (slskd, MusicBrainz, the
Cover Art Archive, LRCLIB...): SoulSpot's User-Agent, and a connect timeout shorter than the
read timeout, so an unreachable service fails fast while a slow answer may still arrive."""

from __future__ import annotations

import httpx

CONNECT_TIMEOUT_SECONDS = 5.0


def http_client(
    *,
    timeout: float,
    user_agent: str,
    headers: dict[str, str] | None = None,
    follow_redirects: bool = True,
    **kwargs: object,
) -> httpx.Client:
    """An httpx client; `kwargs` go to httpx (`base_url`, `transport` for tests...)."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_SECONDS)),
        headers={"User-Agent": user_agent, **(headers or {})},
        follow_redirects=follow_redirects,
        **kwargs,
    )
