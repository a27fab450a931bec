"""Application state, version, options and the connection switch (spec §6, §10.15)."""

from __future__ import annotations

import httpx
import pytest

from fakes.slskd import FakeSlskd


def test_application_state_when_connected(fake: FakeSlskd, api: httpx.Client) -> None:
    state = api.get("/application").json()
    assert state["server"]["state"] == "Connected, LoggedIn"
    assert state["server"]["isLoggedIn"] is True
    assert state["version"]["current"] == "0.26.0.0"
    assert api.get("/server").json() == state["server"]


def test_version_is_a_json_string(api: httpx.Client) -> None:
    reply = api.get("/application/version")
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.text == '"0.26.0.0"'


def test_options_expose_the_directories_and_transfer_settings(
    fake: FakeSlskd, api: httpx.Client
) -> None:
    options = api.get("/options").json()
    assert options["directories"] == {
        "incomplete": str(fake.incomplete_dir),
        "downloads": str(fake.downloads_dir),
    }
    download = options["transfers"]["download"]
    assert download["retry"]["attempts"] == fake.config.retry_attempts
    assert download["destination"]["subdirectory"] == "${SOURCE_DIRECTORY}"
    assert options["web"]["urlBase"] == "/"


def test_disconnecting_logs_out_and_connecting_logs_back_in(
    fake: FakeSlskd, api: httpx.Client
) -> None:
    assert httpx.post(f"{fake.url}/_fake/disconnect").status_code == 204
    server = api.get("/application").json()["server"]
    assert (server["state"], server["isLoggedIn"]) == ("Disconnected", False)
    assert "address" not in server and "ipEndPoint" not in server
    assert api.post("/searches", json={"searchText": "some album"}).status_code == 409
    assert httpx.get(f"{fake.url}/health").text == "Healthy"  # health ignores the connection
    assert api.put("/server").status_code == 200
    assert api.get("/server").json()["isLoggedIn"] is True
    assert api.delete("/server").status_code == 204
    assert fake.connected is False


def test_a_stopped_fake_refuses_even_kept_alive_connections(fake: FakeSlskd) -> None:
    with httpx.Client(base_url=fake.url, timeout=2) as client:
        assert client.get("/health").status_code == 200
        fake.stop()
        with pytest.raises(httpx.TransportError):
            client.get("/health")
