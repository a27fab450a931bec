"""Finding 3 of issue 10: 20 concurrent setup posts created 2 superusers. Now exactly one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client

from accounts.middleware import FirstRunSetupMiddleware
from accounts.models import SetupClaim
from accounts.setup_token import ensure_setup_token

RACERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_setups_with_the_token_create_exactly_one_account(settings) -> None:
    # Cheap hashing so the posts overlap instead of queueing behind PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    FirstRunSetupMiddleware._setup_done = False
    token = ensure_setup_token()
    start = threading.Barrier(RACERS)
    statuses: list[int] = []

    def race(n: int) -> None:
        try:
            client = Client()
            form = {
                "setup_token": token,
                "username": f"racer{n}",
                "password1": "a-long-passphrase",
                "password2": "a-long-passphrase",
            }
            start.wait()
            statuses.append(client.post("/setup/", form).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(statuses) == RACERS
    assert set(statuses) <= {200, 302}  # losers see the login page or the closed form
    users = get_user_model().objects.all()
    assert users.count() == 1
    assert SetupClaim.objects.get().username == users.get().username
    FirstRunSetupMiddleware._setup_done = False


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_http_setups_on_a_live_server_create_exactly_one_account(
    live_server, settings
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    FirstRunSetupMiddleware._setup_done = False
    token = ensure_setup_token()
    clients = [httpx.Client(base_url=live_server.url, timeout=60) for _ in range(RACERS)]
    for client in clients:
        assert client.get("/setup/").status_code == 200  # sets the csrftoken cookie

    def post(n: int) -> int:
        client = clients[n]
        form = {
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
            "setup_token": token,
            "username": f"racer{n}",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        }
        return client.post("/setup/", data=form).status_code

    try:
        with ThreadPoolExecutor(RACERS) as pool:
            statuses = list(pool.map(post, range(RACERS)))
    finally:
        for client in clients:
            client.close()

    assert set(statuses) <= {200, 302} and 302 in statuses
    assert get_user_model().objects.count() == 1
    assert SetupClaim.objects.count() == 1
    FirstRunSetupMiddleware._setup_done = False
