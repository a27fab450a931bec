"""Test-wide fixtures that belong to the runtime settings (soulspot/runtime_settings).

Kept beside tests/conftest.py rather than in it so this part stays in its own files; pytest
loads both for every test.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _runtime_settings_looked_up_on_demand(settings) -> None:
    """Each process looks for changed runtime settings every few seconds (one query). In tests
    it looks only when a test asks: a page's query count must not depend on the clock."""
    from soulspot import runtime_settings

    settings.SOULSPOT_RUNTIME_SETTINGS_CHECK_SECONDS = float("inf")
    runtime_settings.forget(checked=True)
