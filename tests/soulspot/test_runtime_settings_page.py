"""The settings page: grouped forms, secrets write-only, per-field errors, resets."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from soulspot.models import RuntimeSetting
from soulspot.runtime_settings import ENV_DEFAULTS
from tests.soulspot.runtime_settings_support import fresh_overlay  # noqa: F401

pytestmark = pytest.mark.django_db


def _form(group: str, **values: str) -> dict[str, str]:
    return {"group": group, **values}


def _slskd_form(**values: str) -> dict[str, str]:
    return _form(
        "slskd", **{"SLSKD_URL": "", "SLSKD_API_KEY": "", "SLSKD_DOWNLOADS_DIR": "", **values}
    )


def test_it_renders_every_group_with_environment_values(logged_in_client: Client) -> None:
    response = logged_in_client.get("/settings/")

    text = response.content.decode()
    assert response.status_code == 200
    for heading in ("slskd connection", "Searching", "Metadata providers", "Retention"):
        assert heading in text
    assert f'value="{ENV_DEFAULTS["SLSKD_SEARCH_BUDGET"]}"' in text
    assert "Test connection" in text


def test_saving_a_group_stores_only_what_changed(logged_in_client: Client) -> None:
    form = _form(
        "searching",
        SLSKD_SEARCH_BUDGET="20",
        SLSKD_SEARCH_WINDOW_SECONDS=str(ENV_DEFAULTS["SLSKD_SEARCH_WINDOW_SECONDS"]),
        SLSKD_SEARCH_TIMEOUT_MS=str(ENV_DEFAULTS["SLSKD_SEARCH_TIMEOUT_MS"]),
        SOULSPOT_SEARCH_NEW_WANTS="on" if ENV_DEFAULTS["SOULSPOT_SEARCH_NEW_WANTS"] else "",
    )

    response = logged_in_client.post("/settings/", form)

    assert response.status_code == 302
    assert list(RuntimeSetting.objects.values_list("key", "value")) == [("SLSKD_SEARCH_BUDGET", 20)]
    assert django_settings.SLSKD_SEARCH_BUDGET == 20
    assert "(yours)" in logged_in_client.get("/settings/").content.decode()


def test_an_unchecked_box_turns_a_setting_off(logged_in_client: Client) -> None:
    form = _form(
        "providers",
        MUSICBRAINZ_URL="https://mb.example.org",
        SPOTIFY_CLIENT_ID="",
        LASTFM_API_KEY="",
    )

    logged_in_client.post("/settings/", form)

    assert RuntimeSetting.objects.get(key="SOULSPOT_METADATA_PROVIDERS").value is False
    assert django_settings.MUSICBRAINZ_URL == "https://mb.example.org"


def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_stored(
    logged_in_client: Client,
) -> None:
    response = logged_in_client.post(
        "/settings/", _slskd_form(SLSKD_URL="slskd:5030", SLSKD_DOWNLOADS_DIR="downloads")
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert "SLSKD_URL: must start with http:// or https://" in text
    assert "SLSKD_DOWNLOADS_DIR: must be an absolute path" in text
    assert 'value="slskd:5030"' in text  # what the user typed stays in the form
    assert not RuntimeSetting.objects.exists()


def test_a_secret_is_write_only_kept_when_left_empty_and_cleared_on_request(
    logged_in_client: Client,
) -> None:
    logged_in_client.post("/settings/", _slskd_form(SLSKD_API_KEY="page-secret-0123456789"))
    page = logged_in_client.get("/settings/").content.decode()
    assert "page-secret" not in page and "set — type to replace" in page

    logged_in_client.post("/settings/", _slskd_form(SLSKD_URL="http://slskd:5030"))
    assert django_settings.SLSKD_API_KEY == "page-secret-0123456789"  # empty input: unchanged

    logged_in_client.post("/settings/", _slskd_form(SLSKD_API_KEY__clear="on"))
    assert django_settings.SLSKD_API_KEY == ""


def test_import_folders_are_one_per_line(logged_in_client: Client, tmp_path) -> None:
    folders = f"{tmp_path / 'a'}\r\n\r\n{tmp_path / 'b'}\r\n"

    logged_in_client.post("/settings/", _form("imports", SOULSPOT_IMPORT_DIRS=folders))

    assert [tmp_path / "a", tmp_path / "b"] == django_settings.SOULSPOT_IMPORT_DIRS


def test_reset_buttons_bring_back_the_environment(logged_in_client: Client) -> None:
    logged_in_client.post(
        "/settings/",
        _form("retention", SOULSPOT_BACKUP_KEEP="2", SOULSPOT_AUDIT_RETENTION_DAYS="5"),
    )
    assert "Reset Backups kept" in logged_in_client.get("/settings/").content.decode()

    logged_in_client.post("/settings/reset/", {"key": "SOULSPOT_BACKUP_KEEP"})
    assert ENV_DEFAULTS["SOULSPOT_BACKUP_KEEP"] == django_settings.SOULSPOT_BACKUP_KEEP
    assert django_settings.SOULSPOT_AUDIT_RETENTION_DAYS == 5

    logged_in_client.post("/settings/reset/", {})
    assert not RuntimeSetting.objects.exists()
    assert (
        ENV_DEFAULTS["SOULSPOT_AUDIT_RETENTION_DAYS"]
        == django_settings.SOULSPOT_AUDIT_RETENTION_DAYS
    )


def test_resetting_an_unknown_key_is_a_message_not_an_error(logged_in_client: Client) -> None:
    response = logged_in_client.post("/settings/reset/", {"key": "x\x00" * 300})

    assert response.status_code == 302
    assert "not a runtime setting" in str(next(iter(get_messages(response.wsgi_request))))


def test_the_page_needs_a_login() -> None:
    response = Client().get("/settings/")

    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_admin_lists_saved_settings_and_deleting_one_is_a_reset(
    logged_in_client: Client,
) -> None:
    logged_in_client.post("/settings/", _form("retention", SOULSPOT_BACKUP_KEEP="2"))
    row = RuntimeSetting.objects.get(key="SOULSPOT_BACKUP_KEEP")

    assert logged_in_client.get("/admin/soulspot/runtimesetting/").status_code == 200
    logged_in_client.post(f"/admin/soulspot/runtimesetting/{row.pk}/delete/", {"post": "yes"})
    logged_in_client.get("/settings/")  # the next request looks again

    assert ENV_DEFAULTS["SOULSPOT_BACKUP_KEEP"] == django_settings.SOULSPOT_BACKUP_KEEP


def test_the_page_and_the_api_read_the_same_queries_however_many_are_saved(
    logged_in_client: Client,
) -> None:
    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            logged_in_client.get("/settings/")
        with CaptureQueriesContext(connection) as api:
            logged_in_client.get("/api/settings")
        return len(page), len(api)

    logged_in_client.get("/settings/")  # this process's first look applies the stored values
    before = count()
    logged_in_client.post(
        "/settings/",
        _form("retention", SOULSPOT_BACKUP_KEEP="2", SOULSPOT_AUDIT_RETENTION_DAYS="3"),
    )
    logged_in_client.post("/settings/", _slskd_form(SLSKD_API_KEY="k" * 20))
    logged_in_client.get("/settings/")  # shows (and deletes) the "Saved" messages

    assert RuntimeSetting.objects.count() == 3
    assert count() == before
