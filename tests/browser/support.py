"""Driving SoulSpot's pages in Chromium: every visit records what went wrong in the browser."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from playwright.sync_api import ConsoleMessage, Page, Request, Response

ROOT = Path(__file__).resolve().parents[2]
# A page must answer and settle within this long; the worker flows wait longer on purpose.
PAGE_TIMEOUT_MS = 15_000


def artifacts_dir() -> Path:
    """Where failure screenshots go: `$SOULSPOT_TEST_ARTIFACTS` (CI keeps it) or
    `test-artifacts/` in the repository (gitignored)."""
    base = os.environ.get("SOULSPOT_TEST_ARTIFACTS") or ROOT / "test-artifacts"
    folder = Path(base) / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Watch:
    """A page plus everything the browser complained about while we used it: console errors,
    uncaught exceptions, requests that failed and responses of 400 or more."""

    page: Page
    base_url: str
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.set_default_timeout(PAGE_TIMEOUT_MS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _failed(self, request: Request) -> None:
        reason = request.failure or "failed"
        # A poll cut short by the next navigation is the browser's doing, not the server's.
        if "ERR_ABORTED" in reason and request.resource_type in {"xhr", "fetch"}:
            return
        self.problems.append(f"request failed: {request.method} {request.url}: {reason}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            request = response.request
            self.problems.append(f"HTTP {response.status}: {request.method} {response.url}")

    def visit(self, path: str) -> Response | None:
        """Open `path` (relative to the live server) and wait until its requests settle."""
        response = self.page.goto(self.base_url + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return response

    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def assert_clean(self) -> None:
        assert not self.problems, "the browser reported problems:\n" + "\n".join(self.problems)


def screenshot_on_failure(page: Page, test_name: str) -> Path:
    target = artifacts_dir() / (re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name) + ".png")
    page.screenshot(path=str(target), full_page=True)
    return target


def session_cookie(user, base_url: str) -> dict:
    """A signed-in session for `user`, as a cookie the browser can carry (the login form has
    its own test; other tests start signed in)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}
