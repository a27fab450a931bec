"""Browser tests: Debian's Chromium driven by Playwright against a live SoulSpot.

The live server is pytest-django's, in this process (threads), so the `settings` fixture and
the fake servers a test starts apply to it; the worker, where a flow needs one, is a real
django-q2 cluster on the same test database. Nothing is downloaded: Playwright launches the
system's `chromium` (installed by .ci/install-system-deps), never a browser of its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.support import Watch, screenshot_on_failure, session_cookie

PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep each phase's outcome on the test, so a fixture's teardown knows the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker) -> Iterator[Browser]:
    # Module scope: the loop Playwright leaves running on this thread must be gone before
    # this process (an xdist worker) runs other modules' tests, which keep Django's guard.
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run ./.ci/install-system-deps")
    # Playwright's sync API keeps an event loop marked running on this thread, and Django then
    # refuses ORM calls as if they came from async code. They do not (the loop only drives the
    # browser), so allow them while the browser is up.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Root in CI and containers: Chromium's sandbox needs user namespaces it may not get.
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


def _watch(browser: Browser, live_server, request: pytest.FixtureRequest, **options) -> Watch:
    context = browser.new_context(**options)
    request.addfinalizer(context.close)
    watch = Watch(context.new_page(), live_server.url)

    def keep_screenshot() -> None:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            path = screenshot_on_failure(watch.page, request.node.nodeid)
            print(f"\nbrowser screenshot of the failure: {path}")

    request.addfinalizer(keep_screenshot)
    return watch


@pytest.fixture
def anonymous(browser: Browser, live_server, request: pytest.FixtureRequest) -> Watch:
    """A fresh browser (no cookies) on the live server."""
    return _watch(browser, live_server, request)


@pytest.fixture
def signed_in(browser: Browser, live_server, user, request: pytest.FixtureRequest) -> Watch:
    """A browser signed in as the owner."""
    watch = _watch(browser, live_server, request)
    watch.page.context.add_cookies([session_cookie(user, live_server.url)])
    return watch


@pytest.fixture
def phone(browser: Browser, live_server, user, request: pytest.FixtureRequest) -> Watch:
    """A signed-in browser with a phone's viewport. Not `is_mobile`: Chromium's mobile mode
    zooms out to fit a too-wide page, which would hide exactly what the phone test looks for."""
    watch = _watch(browser, live_server, request, viewport=PHONE)
    watch.page.context.add_cookies([session_cookie(user, live_server.url)])
    return watch
