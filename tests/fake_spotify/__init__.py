"""Tests of the fake Spotify (fakes/spotify): accounts, Web API, faults, scenarios."""
