"""The shared fake catalogue (builder, JSON, demo data) and the command-line server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from fakes.metadata_services import MetadataCatalog, TrackSpec, default_catalog

REPO = Path(__file__).resolve().parents[2]


def test_add_release_returns_ids_for_everything_it_created() -> None:
    catalog = MetadataCatalog()

    added = catalog.add_release(
        "Two Sides", ["A", "B"], discs=[[("x", 1000, "GBAAA0000001")], ["y", "z"]]
    )

    release = catalog.releases[added.release_id]
    assert [len(m.tracks) for m in release.media] == [1, 2]
    assert catalog.release_groups[added.release_group_id].artist_ids == added.artist_ids
    assert len(added.recording_ids) == len(added.track_ids) == 3
    assert catalog.recordings_with_isrc("gbaaa0000001")[0].id == added.recording_ids[0]
    assert catalog.credit_name(added.artist_ids) == "A & B"
    assert added.cover_image_id == catalog.covers[added.release_id].image_id


def test_a_recording_can_appear_on_several_releases() -> None:
    catalog = MetadataCatalog()
    album = catalog.add_release("Album", "A", tracks=[("Song", 1000)])

    catalog.add_release(
        "Best Of", "A", tracks=[TrackSpec("Song", recording_id=album.recording_ids[0])]
    )

    assert len(catalog.releases_with_recording(album.recording_ids[0])) == 2


def test_catalog_loads_from_json(tmp_path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(
        json.dumps(
            {
                "releases": [
                    {"title": "R", "artist": "A", "date": "1999", "tracks": [{"title": "T"}]}
                ],
                "lyrics": [{"artist": "A", "title": "T", "duration_s": 200, "plain": "la"}],
            }
        )
    )

    catalog = MetadataCatalog.from_json(path)

    assert [r.date for r in catalog.releases.values()] == ["1999"]
    assert catalog.lyrics[0].plain == "la"


def test_default_catalog_is_stable_and_has_a_compilation() -> None:
    first, second = default_catalog(), default_catalog()

    assert list(first.releases) == list(second.releases)
    types = {tuple(g.secondary_types) for g in first.release_groups.values()}
    assert ("Compilation",) in types
    assert any(len(first.releases_with_recording(r)) > 1 for r in first.recordings)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.e2e
def test_command_line_serves_all_three_services() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes.metadata_services", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = process.stdout.readline()
        url = f"http://127.0.0.1:{port}"
        search = httpx.get(f"{url}/ws/2/recording/", params={"query": "fountain city"})
        lyrics = httpx.get(
            f"{url}/api/get", params={"artist_name": "Dynamo Go", "track_name": "Route 17"}
        )
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert url in banner
    assert search.status_code == 200 and b"Fountain City" in search.content
    assert lyrics.json()["plainLyrics"].startswith("Driving")
