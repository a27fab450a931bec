"""What a stranger on the network sees: headers, Host names, readiness, cookies behind a proxy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from soulspot.tasks import heartbeat

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


def test_pages_carry_a_script_policy_and_deny_powerful_features(logged_in_client) -> None:
    response = logged_in_client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_api_answers_carry_the_same_headers(client) -> None:
    response = client.get("/api/health")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Permissions-Policy" in response.headers


def test_no_template_has_inline_script_or_event_handlers() -> None:
    """The policy forbids inline script, so any that crept in would silently stop working."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=|hx-on|javascript:", re.I)
    offenders = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            text = template.read_text()
            if inline_script.search(text) or handler.search(text):
                offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_readiness_tells_a_stranger_only_the_status() -> None:
    heartbeat()
    response = Client().get("/api/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


@pytest.mark.django_db
def test_readiness_shows_its_checks_to_an_api_key_and_a_session(api_client, logged_in_client):
    heartbeat()
    for caller in (api_client, logged_in_client):
        body = caller.get("/api/health/ready").json()
        assert set(body["checks"]) >= {"database", "worker", "slskd", "disk"}


@pytest.mark.django_db
def test_not_ready_is_still_503_for_a_stranger() -> None:
    response = Client().get("/api/health/ready")  # no heartbeat yet
    assert response.status_code == 503
    assert response.json() == {"status": "not_ready"}


def _settings_in_subprocess(env: dict[str, str], expression: str) -> str:
    """Settings are read once at start, so each environment gets a fresh interpreter."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOULSPOT_")}
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "soulspot.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_on_loopback_only_the_loopback_names_are_answered(tmp_path) -> None:
    hosts = _settings_in_subprocess({"SOULSPOT_DATA_DIR": str(tmp_path)}, "settings.ALLOWED_HOSTS")
    assert hosts == "['localhost', '127.0.0.1', '[::1]']"


def test_on_the_network_the_allowed_hosts_setting_decides(tmp_path) -> None:
    env = {"SOULSPOT_DATA_DIR": str(tmp_path), "SOULSPOT_HOST": "0.0.0.0"}
    assert _settings_in_subprocess(env, "settings.ALLOWED_HOSTS") == "['*']"
    env["SOULSPOT_ALLOWED_HOSTS"] = "music.example.org, 192.168.1.20"
    hosts = _settings_in_subprocess(env, "settings.ALLOWED_HOSTS")
    assert hosts == "['music.example.org', '192.168.1.20']"


def test_a_foreign_host_name_is_refused(client, settings) -> None:
    settings.ALLOWED_HOSTS = ["music.example.org"]
    assert client.get("/api/health", HTTP_HOST="evil.example.com").status_code == 400
    assert client.get("/api/health", HTTP_HOST="music.example.org").status_code == 200


def test_behind_an_https_proxy_cookies_are_secure_and_hsts_is_sent(tmp_path) -> None:
    env = {"SOULSPOT_DATA_DIR": str(tmp_path), "SOULSPOT_BEHIND_HTTPS_PROXY": "true"}
    expression = (
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS > 0, settings.SECURE_PROXY_SSL_HEADER"
    )
    assert _settings_in_subprocess(env, expression) == (
        "True True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    )
    plain = _settings_in_subprocess({"SOULSPOT_DATA_DIR": str(tmp_path)}, expression)
    assert plain == "False False False None"


def test_a_forwarded_https_request_gets_hsts_and_a_secure_session_cookie(
    settings, user, client
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.post(
        "/login/",
        {"username": user.username, "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert response.status_code == 302, response.content[:500]
    assert response.cookies["sessionid"]["secure"] is True
    assert (
        "max-age=31536000"
        in client.get("/api/health", HTTP_X_FORWARDED_PROTO="https")["Strict-Transport-Security"]
    )
