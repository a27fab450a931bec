"""Hostile remote names can be served, but never make the fake write outside its directories."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from fakes.slskd import FakeSlskd, Network
from fakes.slskd.paths import UnsafePath, contained, download_destination, incomplete_path

from .helpers import client_for, files_under, finished, search, wait_until

HOSTILE = [
    "..\\..\\..\\escape.flac",
    "@@evil\\..\\..\\..\\tmp\\escape.flac",
    "music\\..\\.\\..\\escape.flac",
    "/etc/../../escape.flac",
    "C:\\..\\..\\escape.flac",
    "music\\a/b\\..\\escape.flac",
    "music\\nul\0byte\\escape\0.flac",
    "\\\\server\\share\\..\\..\\escape.flac",
]


@pytest.mark.parametrize("remote", HOSTILE)
def test_derived_paths_stay_inside_their_root(tmp_path: Path, remote: str) -> None:
    downloads, incomplete = tmp_path / "dl", tmp_path / "inc"
    for path, root in (
        (download_destination(downloads, remote), downloads),
        (incomplete_path(incomplete, "../../user", remote), incomplete),
    ):
        assert Path(os.path.realpath(path)).is_relative_to(root)
        assert "\0" not in str(path)


def test_a_symlink_inside_the_root_cannot_be_used_to_escape(tmp_path: Path) -> None:
    root = tmp_path / "dl"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePath):
        contained(root, "link", "x.flac")


def test_hostile_names_are_served_verbatim_and_downloads_stay_contained(
    make_fake: Callable[..., FakeSlskd], tmp_path: Path, audio: dict[str, Path]
) -> None:
    network = Network.build(tmp_path / "net")
    evil = network.add_user("evil", upload_speed=10_000_000)
    long_name = "escape" + "x" * 400 + ".flac"
    names = [*HOSTILE, f"music\\album\\{long_name}"]
    for name in names:
        evil.share(name, audio["flac"])
    # legacy (<=0.23) mode has no traversal validation, so every name reaches the downloader
    fake = make_fake(network, enqueue_mode="legacy")
    with client_for(fake) as api:
        served = {f["filename"] for r in search(api, "escape")["responses"] for f in r["files"]}
        assert served == set(names)
        size = audio["flac"].stat().st_size
        for name in names:
            reply = api.post("/transfers/downloads/evil", json=[{"filename": name, "size": size}])
            assert reply.status_code == 201, reply.text
        records = api.get("/transfers/downloads/evil").json()["directories"]
        done = [finished(api, "evil", t["id"]) for d in records for t in d["files"]]
    states = {t["filename"]: t["state"] for t in done}
    succeeded = [t["id"] for t in done if t["state"] == "Completed, Succeeded"]
    assert states[f"music\\album\\{long_name}"] == "Completed, Errored"  # name too long
    assert sum(s == "Completed, Succeeded" for s in states.values()) == len(HOSTILE)
    wait_until(lambda: all(fake.transfer(t).local_path for t in succeeded))
    outside = [p for p in files_under(tmp_path, "escape*") if not _inside(p, fake)]
    assert outside == []
    for parent in [*fake.downloads_dir.parents, *fake.incomplete_dir.parents]:
        assert not (parent / "escape.flac").exists()
        assert not (parent / "tmp" / "escape.flac").exists()


def _inside(path: Path, fake: FakeSlskd) -> bool:
    real = Path(os.path.realpath(path))
    return real.is_relative_to(fake.downloads_dir) or real.is_relative_to(fake.incomplete_dir)
