"""User info/status, browse and directory endpoints (spec §7, §10.8)."""

from __future__ import annotations

import httpx

from .helpers import ALBUM

FULL_ALBUM = f"@@xkqtz\\{ALBUM}"


def test_directory_returns_an_array_with_one_directory_of_bare_names(api: httpx.Client) -> None:
    reply = api.post("/users/flacfan/directory", json={"directory": FULL_ALBUM})
    assert reply.status_code == 200
    (directory,) = reply.json()
    assert directory["name"] == FULL_ALBUM
    assert directory["fileCount"] == 3
    first = directory["files"][0]
    assert first["filename"] == "01 - First Song.flac"
    assert first["attributeCount"] == len(first["attributes"]) == 3
    types = [a["type"] for a in first["attributes"]]
    assert types == ["Length", "SampleRate", "BitDepth"]
    assert first["bitDepth"] == 16
    assert "isLocked" not in first
    cover = directory["files"][2]
    assert (cover["filename"], cover["attributeCount"], cover["attributes"]) == ("cover.jpg", 0, [])


def test_directory_needs_a_directory(api: httpx.Client) -> None:
    reply = api.post("/users/flacfan/directory", json={"directory": ""})
    assert reply.status_code == 400
    assert isinstance(reply.json(), str)


def test_browse_lists_the_whole_share_with_locked_directories_apart(api: httpx.Client) -> None:
    tree = api.get("/users/flacfan/browse").json()
    assert tree["directoryCount"] == 1
    assert tree["directories"][0]["name"] == FULL_ALBUM
    assert (tree["lockedDirectories"], tree["lockedDirectoryCount"]) == ([], 0)
    secret = api.get("/users/secretive/browse").json()
    assert (secret["directoryCount"], secret["lockedDirectoryCount"]) == (0, 1)


def test_info_status_and_endpoint(api: httpx.Client) -> None:
    info = api.get("/users/mp3user/info").json()
    assert info == {
        "description": "Shared with slskd",
        "hasFreeUploadSlot": False,
        "hasPicture": False,
        "queueLength": 37,
        "uploadSlots": 3,
    }
    assert api.get("/users/mp3user/status").json() == {"isPrivileged": False, "presence": "Online"}
    assert api.get("/users/mp3user/endpoint").json()["port"] == 2234


def test_offline_peers_are_404_with_a_message_except_for_status(api: httpx.Client) -> None:
    for reply in (
        api.get("/users/sleepy/info"),
        api.get("/users/sleepy/browse"),
        api.get("/users/nobody/endpoint"),
        api.post("/users/sleepy/directory", json={"directory": "x"}),
    ):
        assert reply.status_code == 404
        assert reply.json().endswith("appears to be offline")
    status = api.get("/users/sleepy/status")
    assert status.status_code == 200
    assert status.json()["presence"] == "Offline"


def test_usernames_are_percent_decoded_once(api: httpx.Client) -> None:
    reply = api.get("/users/no%2Fbody/info")
    assert reply.json() == "User no/body appears to be offline"
