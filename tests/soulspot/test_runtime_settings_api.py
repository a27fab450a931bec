"""`/api/settings`: values in force, changes (validated, all or nothing), resets, defaults."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client

from soulspot.models import RuntimeSetting
from soulspot.runtime_settings import ENV_DEFAULTS
from tests.soulspot.runtime_settings_support import fresh_overlay  # noqa: F401

pytestmark = pytest.mark.django_db


def _patch(client: Client, body: object):
    return client.patch("/api/settings", body, content_type="application/json")


def _reset(client: Client, body: object):
    return client.post("/api/settings/reset", body, content_type="application/json")


def test_it_lists_every_setting_with_its_source_and_environment_value(api_client) -> None:
    body = api_client.get("/api/settings").json()

    assert body["SLSKD_SEARCH_BUDGET"]["value"] == ENV_DEFAULTS["SLSKD_SEARCH_BUDGET"]
    assert body["SLSKD_SEARCH_BUDGET"]["source"] == "environment"
    assert body["SLSKD_SEARCH_BUDGET"]["group"] == "searching"
    assert body["SLSKD_API_KEY"]["value"] == {"set": False}
    assert body["SLSKD_API_KEY"]["secret"] is True
    assert {"SLSKD_URL", "MUSICBRAINZ_URL", "SOULSPOT_IMPORT_DIRS", "SOULSPOT_BACKUP_KEEP"} <= set(
        body
    )


def test_a_patched_value_is_stored_applied_and_shown_from_the_database(api_client) -> None:
    response = _patch(api_client, {"SLSKD_SEARCH_BUDGET": 12, "SOULSPOT_STALL_TIMEOUT_MINUTES": 7})

    assert response.status_code == 200
    assert response.json()["SLSKD_SEARCH_BUDGET"] == {
        **response.json()["SLSKD_SEARCH_BUDGET"],
        "value": 12,
        "source": "database",
    }
    assert RuntimeSetting.objects.get(key="SLSKD_SEARCH_BUDGET").value == 12
    assert django_settings.SLSKD_SEARCH_BUDGET == 12
    # minutes in the UI, seconds where the engine reads it
    assert django_settings.DOWNLOAD_STALL_TIMEOUT_SECONDS == 7 * 60


def test_a_secret_is_stored_encrypted_and_never_returned(api_client) -> None:
    response = _patch(api_client, {"SLSKD_API_KEY": "s3cret-key-0123456789"})

    assert response.status_code == 200
    assert response.json()["SLSKD_API_KEY"]["value"] == {"set": True}
    assert "s3cret" not in api_client.get("/api/settings").content.decode()
    assert "s3cret" not in api_client.get("/api/settings/defaults").content.decode()
    stored = RuntimeSetting.objects.get(key="SLSKD_API_KEY").value
    assert "s3cret" not in str(stored)
    assert django_settings.SLSKD_API_KEY == "s3cret-key-0123456789"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"SLSKD_URL": "localhost:5030"}, "SLSKD_URL: must start with http:// or https://"),
        ({"SLSKD_SEARCH_BUDGET": 0}, "SLSKD_SEARCH_BUDGET: must be between 1 and 1000"),
        ({"SLSKD_SEARCH_TIMEOUT_MS": 10**12}, "SLSKD_SEARCH_TIMEOUT_MS: must be between"),
        ({"SLSKD_DOWNLOADS_DIR": "relative/dir"}, "SLSKD_DOWNLOADS_DIR: must be an absolute"),
        ({"SOULSPOT_IMPORT_DIRS": ["/ok", "not/absolute"]}, "SOULSPOT_IMPORT_DIRS: must be an"),
        ({"MUSICBRAINZ_URL": ""}, "MUSICBRAINZ_URL: must not be empty"),
        ({"SLSKD_URL": None}, "SLSKD_URL: must be text"),
    ],
)
def test_an_invalid_value_is_a_400_naming_the_field(api_client, body, detail) -> None:
    response = _patch(api_client, body)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)


def test_one_invalid_value_stores_none_of_the_others(api_client) -> None:
    response = _patch(api_client, {"SOULSPOT_BACKUP_KEEP": 3, "SLSKD_SEARCH_BUDGET": -5})

    assert response.status_code == 400
    assert not RuntimeSetting.objects.exists()
    assert ENV_DEFAULTS["SOULSPOT_BACKUP_KEEP"] == django_settings.SOULSPOT_BACKUP_KEEP


def test_an_unknown_setting_is_refused_with_its_name(api_client) -> None:
    response = _patch(api_client, {"SOULSPOT_SECRET_KEY": "x"})

    assert response.status_code == 422
    assert "SOULSPOT_SECRET_KEY" in response.content.decode()
    assert _reset(api_client, {"keys": ["NOPE"]}).json() == {
        "detail": "NOPE: not a runtime setting"
    }


def test_reset_of_some_keys_brings_back_the_environment_for_those_only(api_client) -> None:
    _patch(api_client, {"SLSKD_SEARCH_BUDGET": 12, "SOULSPOT_BACKUP_KEEP": 3})

    body = _reset(api_client, {"keys": ["SLSKD_SEARCH_BUDGET"]}).json()

    assert body["SLSKD_SEARCH_BUDGET"]["source"] == "environment"
    assert body["SOULSPOT_BACKUP_KEEP"] == {**body["SOULSPOT_BACKUP_KEEP"], "value": 3}
    assert ENV_DEFAULTS["SLSKD_SEARCH_BUDGET"] == django_settings.SLSKD_SEARCH_BUDGET
    assert django_settings.SOULSPOT_BACKUP_KEEP == 3


def test_reset_without_keys_forgets_every_stored_value(api_client) -> None:
    _patch(api_client, {"SLSKD_SEARCH_BUDGET": 12, "LASTFM_API_KEY": "abc"})

    body = _reset(api_client, {}).json()

    assert not RuntimeSetting.objects.exists()
    assert {v["source"] for v in body.values()} == {"environment"}
    assert ENV_DEFAULTS["LASTFM_API_KEY"] == django_settings.LASTFM_API_KEY


def test_defaults_are_the_environment_values_whatever_is_stored(api_client) -> None:
    _patch(api_client, {"SOULSPOT_BACKUP_KEEP": 99, "SOULSPOT_IMPORT_DIRS": ["/srv/in"]})

    body = api_client.get("/api/settings/defaults").json()

    assert body["SOULSPOT_BACKUP_KEEP"]["value"] == ENV_DEFAULTS["SOULSPOT_BACKUP_KEEP"]
    assert body["SOULSPOT_IMPORT_DIRS"]["value"] == [
        str(p) for p in ENV_DEFAULTS["SOULSPOT_IMPORT_DIRS"]
    ]
    assert api_client.get("/api/settings").json()["SOULSPOT_IMPORT_DIRS"]["value"] == ["/srv/in"]


def test_settings_need_authentication() -> None:
    assert Client().get("/api/settings").status_code == 401
    assert _patch(Client(), {"SLSKD_SEARCH_BUDGET": 5}).status_code == 401
