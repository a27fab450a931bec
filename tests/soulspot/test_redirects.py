from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target", ["-5", "library:duplicates", "evil.example", ""])
def test_a_next_that_is_not_a_path_falls_back_instead_of_failing(admin_client, target) -> None:
    url = reverse("library:duplicate-resolve", args=[999999])
    response = admin_client.post(url, {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("library:duplicates")


def test_a_next_on_this_site_is_followed(admin_client) -> None:
    url = reverse("library:duplicate-resolve", args=[999999])
    response = admin_client.post(url, {"next": "/library/broken/?page=2"})
    assert response["Location"] == "/library/broken/?page=2"
