"""Fixtures for the slskd client tests: canned replies, a clock that moves only on sleep."""

from __future__ import annotations

import pytest

from downloads.slskd import SlskdClient
from tests.downloads.slskd.support import FakeSlskd, FakeTime, make_client


@pytest.fixture
def fake() -> FakeSlskd:
    return FakeSlskd()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(fake: FakeSlskd, fake_time: FakeTime) -> SlskdClient:
    return make_client(fake, fake_time)
