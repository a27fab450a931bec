"""The Spotify tests of this folder run against the fake's acceptance world (a module may
define its own `world`)."""

from __future__ import annotations

import pytest

from fakes.spotify.scenarios import AcceptanceWorld, acceptance_world
from fakes.spotify.world import SpotifyWorld
from tests.spotify_support import fake_spotify

__all__ = ["fake_spotify"]  # fixtures


@pytest.fixture
def scenario() -> AcceptanceWorld:
    return acceptance_world()


@pytest.fixture
def world(scenario: AcceptanceWorld) -> SpotifyWorld:
    return scenario.world
