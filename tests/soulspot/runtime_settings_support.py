"""Shared by the runtime settings tests: each test starts as a fresh process would."""

from __future__ import annotations

import pytest

from soulspot import runtime_settings


@pytest.fixture(autouse=True)
def fresh_overlay(settings):
    """Nothing overlaid yet, and every request looks for changes (no waiting interval)."""
    settings.SOULSPOT_RUNTIME_SETTINGS_CHECK_SECONDS = 0
    runtime_settings.forget()
    yield
    runtime_settings.forget(checked=True)
