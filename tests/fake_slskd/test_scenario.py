"""The JSON scenario format and the Python builder agree (README.md in the fake's package)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fakes.slskd import FakeSlskd, Network, ScenarioError

from .helpers import client_for, download, finished, search


def _write(tmp_path: Path, audio: dict[str, Path], scenario: dict) -> Path:
    root = tmp_path / "net"
    (root / "album").mkdir(parents=True)
    for key in ("flac", "flac2"):
        (root / "album" / audio[key].name).write_bytes(audio[key].read_bytes())
    (root / "scenario.json").write_text(json.dumps(scenario))
    return root


SCENARIO = {
    "users": [
        {
            "name": "flacfan",
            "root": "@@xkqtz",
            "hasFreeUploadSlot": True,
            "queueLength": 0,
            "uploadSpeed": 5_000_000,
            "shares": {
                "Music\\Artist\\Album\\01 - One.flac": "album/one.flac",
                "Music\\Artist\\Album\\02 - Two.flac": {"file": "album/two.flac", "size": 7},
            },
        },
        {
            "name": "linux",
            "separator": "/",
            "upload_speed": 5_000_000,
            "folders": {"/srv/music/Artist/Album": "album"},
        },
        {"name": "flaky", "shares": {"Music\\Album\\x.flac": "album/one.flac"}},
    ],
    "failures": [{"user": "flaky", "fail": "errored", "after_bytes": 100}],
    "config": {"search_results_race": 0.0},
}


def test_a_scenario_file_describes_users_shares_folders_and_failures(
    make_fake: Callable[..., FakeSlskd], tmp_path: Path, audio: dict[str, Path]
) -> None:
    network = Network.load(_write(tmp_path, audio, SCENARIO))
    assert network.config == {"search_results_race": 0.0}
    fake = make_fake(network)
    with client_for(fake) as api:
        final = search(api, "album")
        files = {f["filename"]: f for r in final["responses"] for f in r["files"]}
        assert files["@@xkqtz\\Music\\Artist\\Album\\02 - Two.flac"]["size"] == 7
        assert {"/srv/music/Artist/Album/one.flac", "/srv/music/Artist/Album/two.flac"} <= set(
            files
        )
        size = audio["flac"].stat().st_size
        ids = download(api, "flaky", [{"filename": "Music\\Album\\x.flac", "size": size}])
        assert finished(api, "flaky", ids[0])["state"] == "Completed, Errored"


def test_save_and_load_round_trip(tmp_path: Path, audio: dict[str, Path]) -> None:
    network = Network.load(_write(tmp_path, audio, SCENARIO))
    saved = network.save_scenario(tmp_path / "copy.json")
    again = Network.load(network.root, saved)
    assert again.to_scenario() == network.to_scenario()
    shares = again.to_scenario()["users"][0]["shares"]
    assert shares["Music\\Artist\\Album\\01 - One.flac"] == "album/one.flac"


def test_the_builder_can_share_one_local_file_under_several_names(
    tmp_path: Path, audio: dict[str, Path]
) -> None:
    network = Network.build(tmp_path / "net")
    a = network.add_user("a", root="@@aaaaa").share("X\\1.flac", audio["flac"])
    b = network.add_user("b").share("Y\\Z\\one.flac", audio["flac"], locked=True)
    assert (a.remote, b.remote) == ("@@aaaaa\\X\\1.flac", "Y\\Z\\one.flac")
    assert a.local == b.local
    path = network.save_scenario()
    assert Network.load(network.root, path).user("b").files[0].locked is True


@pytest.mark.parametrize(
    "bad",
    [
        {"users": [{"name": "x", "uploadSpeeed": 1}]},
        {"users": [{"shares": {}}]},
        {"users": [{"name": "x", "shares": {"a": {"size": 1}}}]},
        {"failures": [{"fail": "explode"}]},
    ],
)
def test_scenario_mistakes_fail_loudly(tmp_path: Path, bad: dict) -> None:
    with pytest.raises(ScenarioError):
        Network.load(tmp_path, bad)
