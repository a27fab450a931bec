"""The naming scheme in the admin: one row, validated, saved through the naming service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from library.models import NamingScheme
from library.naming import services

pytestmark = pytest.mark.django_db


def test_the_naming_scheme_opens_its_single_row(logged_in_client) -> None:
    response = logged_in_client.get(reverse("admin:library_namingscheme_changelist"))

    assert response.status_code == 302
    assert response.url == reverse("admin:library_namingscheme_change", args=[1])
    assert logged_in_client.get(response.url).status_code == 200


def test_the_admin_refuses_an_invalid_template(logged_in_client) -> None:
    scheme = NamingScheme.load()
    data = scheme.templates() | {"multi_disc": "{Artist Name}/../{Track Title}"}

    response = logged_in_client.post(
        reverse("admin:library_namingscheme_change", args=[scheme.pk]), data
    )

    assert response.status_code == 200  # the form comes back with the error
    assert "are not allowed" in response.content.decode()
    scheme.refresh_from_db()
    assert ".." not in scheme.multi_disc


def test_the_admin_saves_through_the_naming_service(logged_in_client, monkeypatch) -> None:
    saved = []
    real_save = services.save_naming_scheme
    monkeypatch.setattr(services, "save_naming_scheme", lambda t: saved.append(t) or real_save(t))
    scheme = NamingScheme.load()
    data = scheme.templates() | {"standard": "{Artist Name}/{Track Title}"}

    response = logged_in_client.post(
        reverse("admin:library_namingscheme_change", args=[scheme.pk]), data
    )

    assert response.status_code == 302
    assert [t["standard"] for t in saved] == ["{Artist Name}/{Track Title}"]
    assert NamingScheme.load().standard == "{Artist Name}/{Track Title}"
