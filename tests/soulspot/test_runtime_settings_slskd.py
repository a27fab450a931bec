""" "Test connection" for slskd against the fake: version, login, shares, downloads-dir mapping."""

from __future__ import annotations

import pytest
from django.test import Client

from downloads.slskd import client_from_settings
from fakes.audio import make_audio
from fakes.slskd import Network
from tests.soulspot.runtime_settings_support import fresh_overlay  # noqa: F401

pytestmark = pytest.mark.django_db

REMOTE = "Music\\Artist\\Album (2001)\\01 - Song.flac"


def _test(client: Client) -> dict:
    response = client.post("/api/settings/slskd/test")
    assert response.status_code == 200
    return response.json()


def _findings(body: dict) -> dict[str, tuple[bool | None, str]]:
    return {f["name"]: (f["ok"], f["detail"]) for f in body["findings"]}


def test_without_an_url_it_says_so(api_client) -> None:
    body = _test(api_client)

    assert body["ok"] is False
    assert _findings(body)["connection"] == (False, "SLSKD_URL is not set")


def test_a_fresh_slskd_works_but_the_mapping_waits_for_a_first_download(
    api_client, slskd_factory
) -> None:
    fake = slskd_factory()
    fake.downloads_dir.mkdir(parents=True, exist_ok=True)

    body = _test(api_client)
    findings = _findings(body)

    assert body["ok"] is True and body["version"]
    assert findings["connection"][0] is True and findings["login"][0] is True
    assert findings["downloads_dir"] == (True, f"{fake.downloads_dir} exists and can be read")
    assert findings["mapping"][0] is None and "no finished download" in findings["mapping"][1]
    assert findings["shares"][0] is None  # the fake, like old slskd, does not list them


def _download_one(slskd_factory, tmp_path) -> None:
    network = Network.build(tmp_path / "net")
    audio = make_audio(tmp_path / "net" / "01.flac")
    network.add_user("flacfan", upload_speed=5_000_000).share(REMOTE, audio)
    fake = slskd_factory(network)
    with client_from_settings() as client:
        (transfer,) = client.enqueue("flacfan", [(REMOTE, audio.stat().st_size)])
    fake.wait_for(lambda: fake.transfer(transfer.id).state.startswith("Completed"))
    assert fake.transfer(transfer.id).state == "Completed, Succeeded", fake.transfer(transfer.id)


def test_a_file_slskd_downloaded_is_found_where_soulspot_looks(
    api_client, slskd_factory, tmp_path
) -> None:
    _download_one(slskd_factory, tmp_path)

    findings = _findings(_test(api_client))

    assert findings["mapping"][0] is True
    assert "01 - Song.flac" in findings["mapping"][1]


def test_a_folder_that_is_not_slskds_fails_the_mapping(
    api_client, slskd_factory, settings, tmp_path
) -> None:
    _download_one(slskd_factory, tmp_path)
    settings.SLSKD_DOWNLOADS_DIR = tmp_path / "some-other-folder"
    settings.SLSKD_DOWNLOADS_DIR.mkdir()

    body = _test(api_client)

    assert body["ok"] is False
    assert _findings(body)["downloads_dir"][0] is True
    assert _findings(body)["mapping"] == (
        False,
        f"slskd downloaded '01 - Song.flac' but it is not in {tmp_path / 'some-other-folder'}",
    )


def test_a_wrong_downloads_dir_is_reported_as_a_problem(
    api_client, slskd_factory, settings, tmp_path
) -> None:
    slskd_factory()
    settings.SLSKD_DOWNLOADS_DIR = tmp_path / "not-mounted"

    body = _test(api_client)

    assert body["ok"] is False
    assert _findings(body)["downloads_dir"] == (
        False,
        f"{tmp_path / 'not-mounted'} does not exist here",
    )


def test_a_wrong_key_is_reported_without_going_further(api_client, slskd_factory, settings) -> None:
    slskd_factory()
    settings.SLSKD_API_KEY = "wrong-key-0123456789"

    body = _test(api_client)

    assert body["ok"] is False
    assert [f["name"] for f in body["findings"]] == ["connection"]


def test_slskd_logged_out_of_soulseek_is_a_problem(api_client, slskd_factory) -> None:
    fake = slskd_factory()
    fake.disconnect()

    body = _test(api_client)

    assert body["ok"] is False
    assert _findings(body)["login"][0] is False


def test_the_page_button_shows_the_report(logged_in_client, slskd_factory) -> None:
    slskd_factory()

    response = logged_in_client.post("/settings/slskd/test/", headers={"HX-Request": "true"})

    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="slskd-report"' in text and "slskd works with SoulSpot" in text
    assert "<html" not in text  # the fragment only
