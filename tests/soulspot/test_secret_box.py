"""The secret box encrypts with a key file of its own, refuses wrong keys and tampering, and
processes racing to create the key end up sharing one."""

from __future__ import annotations

import multiprocessing
import stat
import time
from pathlib import Path

import pytest

from soulspot.lib import secret_box
from soulspot.lib.secret_box import SecretBoxError, decrypt, encrypt

RACERS = 8


@pytest.fixture
def key_file(settings, tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "secret.key"
    settings.SOULSPOT_SECRET_KEY_FILE = path
    return path


def test_a_value_round_trips_and_its_ciphertext_hides_it(key_file: Path) -> None:
    token = encrypt('{"access_token": "BQD-very-secret"}')

    assert "very-secret" not in token
    assert token.isascii()
    assert decrypt(token) == '{"access_token": "BQD-very-secret"}'


def test_the_key_file_is_created_once_private_and_32_bytes(key_file: Path) -> None:
    encrypt("x")
    first = key_file.read_bytes()
    encrypt("y")

    assert len(first) == 32
    assert key_file.read_bytes() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["secret.key"]  # no temp file left


def test_another_install_s_key_cannot_decrypt(settings, key_file: Path, tmp_path: Path) -> None:
    token = encrypt("refresh-token")
    settings.SOULSPOT_SECRET_KEY_FILE = tmp_path / "other.key"

    with pytest.raises(SecretBoxError):
        decrypt(token)


def test_a_tampered_or_garbled_value_is_refused(key_file: Path) -> None:
    token = encrypt("refresh-token")
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]

    for bad in (flipped, "not a token", "", "é"):
        with pytest.raises(SecretBoxError):
            decrypt(bad)


def test_the_key_does_not_depend_on_django_s_secret_key(settings, key_file: Path) -> None:
    token = encrypt("refresh-token")
    settings.SECRET_KEY = "something-else-entirely-" * 3

    assert decrypt(token) == "refresh-token"


def test_a_damaged_key_file_is_an_error_not_a_new_key(key_file: Path) -> None:
    token = encrypt("refresh-token")
    key_file.write_bytes(b"short")

    with pytest.raises(SecretBoxError, match="damaged"):
        decrypt(token)
    assert key_file.read_bytes() == b"short"  # never silently replaced


def _race_for_key(path: str, start_at: float, results: multiprocessing.Queue) -> None:
    while time.time() < start_at:
        time.sleep(0.001)
    results.put(secret_box._key_bytes(Path(path)).hex())


def test_processes_racing_to_create_the_key_all_use_the_one_that_won(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 3  # after every child has imported
    racers = [
        context.Process(target=_race_for_key, args=(str(path), start_at, results))
        for _ in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    keys = [results.get(timeout=60) for _ in racers]
    for racer in racers:
        racer.join(timeout=30)

    assert len(set(keys)) == 1
    assert path.read_bytes().hex() == keys[0]
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]
