"""The spotipy seam: one module imports it, and its interactive path is unreachable."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

from metadata.providers import spotify
from metadata.providers.spotify import client
from tests.spotify_support import fake_spotify, world

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "tests", "data", "node_modules", "bench"}
__all__ = ["fake_spotify", "world"]  # fixtures


def _modules_importing(root: Path, library: str) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if SKIPPED.intersection(relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(name == library or name.startswith(library + ".") for name in names):
                found.append(str(relative))
                break
    return found


def test_only_the_client_module_imports_spotipy() -> None:
    assert _modules_importing(ROOT, "spotipy") == ["metadata/providers/spotify/client.py"]


def test_the_import_check_sees_a_stray_import(tmp_path: Path) -> None:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "sync.py").write_text("def f():\n    from spotipy import oauth2\n")

    assert _modules_importing(tmp_path, "spotipy") == ["library/sync.py"]


@pytest.mark.django_db
def test_spotipy_never_prompts_or_opens_a_browser(fake_spotify, monkeypatch) -> None:
    def no_prompt(*args: object) -> str:
        raise AssertionError("spotipy asked for input")

    monkeypatch.setattr(builtins, "input", no_prompt)
    monkeypatch.setattr("webbrowser.open", no_prompt)
    manager = client._auth_manager()

    with pytest.raises(spotify.SpotifyAuthError):
        manager.get_access_token()  # no cached token, no code: spotipy would prompt here
    with pytest.raises(spotify.SpotifyNotConnected):
        manager._get_user_input("Enter the URL you were redirected to: ")
    assert fake_spotify.token_requests() == []


def test_the_api_session_never_retries_a_429_nor_honours_retry_after() -> None:
    retry = client.api_session().get_adapter("https://api.spotify.com/").max_retries

    assert 429 not in retry.status_forcelist
    assert retry.respect_retry_after_header is False
    assert not retry.is_retry("GET", 429, has_retry_after=True)
    assert retry.is_retry("GET", 503) and not retry.is_retry("POST", 503)
