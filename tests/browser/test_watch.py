"""The browser tests' watch sees what it must: otherwise "no browser errors" proves nothing."""

from __future__ import annotations

import pytest

from tests.browser.support import Watch

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_a_missing_page_a_console_error_and_a_script_exception_are_each_reported(
    signed_in: Watch,
) -> None:
    signed_in.visit("/library/no-such-page/")
    signed_in.page.evaluate("console.error('something broke')")
    signed_in.page.evaluate("setTimeout(() => { throw new Error('uncaught') }, 0)")
    signed_in.page.wait_for_timeout(200)

    with pytest.raises(AssertionError) as failure:
        signed_in.assert_clean()
    report = str(failure.value)
    assert "HTTP 404: GET " in report and "/library/no-such-page/" in report
    assert "something broke" in report
    assert "page error: uncaught" in report


def test_a_request_that_fails_is_reported(signed_in: Watch) -> None:
    signed_in.page.route("**/static/css/soulspot.css", lambda route: route.abort())
    signed_in.visit("/")

    with pytest.raises(AssertionError, match=r"request failed: GET \S+/static/css/soulspot.css"):
        signed_in.assert_clean()


def test_what_the_content_security_policy_blocks_is_reported(signed_in: Watch) -> None:
    # An inline handler slipped into a template would be refused like this one.
    signed_in.visit("/")
    signed_in.page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"alert(1)\">')"
    )
    signed_in.page.wait_for_timeout(300)

    with pytest.raises(AssertionError, match="Content Security Policy"):
        signed_in.assert_clean()
