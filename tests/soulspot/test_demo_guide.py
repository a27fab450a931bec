"""What `manage.py demo` prints must lead a newcomer somewhere real: the login it creates and
pages that open once logged in."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from soulspot.management.commands.demo import DEMO_PASSWORD, DEMO_USER, demo_guide

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


def test_the_guide_names_the_login_and_what_happens() -> None:
    guide = demo_guide(BASE, 11)
    assert f"open {BASE}/" in guide
    assert repr(DEMO_USER) in guide and repr(DEMO_PASSWORD) in guide
    assert "11 wants" in guide and "progress bars" in guide


def test_every_page_the_guide_points_to_opens_for_the_demo_user(django_user_model) -> None:
    demo = django_user_model.objects.create_superuser(DEMO_USER, password=DEMO_PASSWORD)
    client = Client()
    client.force_login(demo)
    paths = re.findall(rf"{re.escape(BASE)}(/\S*)", demo_guide(BASE, 11))
    named = {"/downloads/", "/downloads/wanted/", "/imports/", "/library/"}
    assert named <= set(paths) and "/" in paths
    for path in paths:
        assert client.get(path).status_code == 200, path
