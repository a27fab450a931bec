"""`manage.py scan`: progress and a summary, resuming interrupted scans, clear refusals."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from library import services
from library.models import LibraryScan
from library.scanner import engine
from tests.library.support import music_root, song

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("scan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_scans_and_prints_progress_and_a_summary() -> None:
    song(music_root(), "A", "B", 1, "Song")
    (music_root() / "empty.mp3").write_bytes(b"")

    out, err = run()

    scan = LibraryScan.objects.get()
    assert out.startswith(f"Scan #{scan.pk} completed in ")
    assert "2 files (0 unchanged, 2 new, 0 changed, 0 removed, 1 broken); 1 problems." in out
    assert f"Broken audio file: {music_root() / 'empty.mp3'} — empty file (0 bytes)" in out
    assert "files/s" in err and "ETA" in err and "100.0%" in err
    assert scan.requested_by == "command"


def test_the_command_scans_a_folder_fully() -> None:
    song(music_root(), "A", "B", 1, "Song")

    run("A", "--full", "--no-progress")

    scan = LibraryScan.objects.get()
    assert scan.full and scan.path == str(music_root() / "A")


def test_a_path_outside_the_music_folder_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="not inside the music folder"):
        run("/etc")


def test_a_scan_running_elsewhere_is_not_run_twice() -> None:
    scan = services.start_scan(background=False)
    engine.claim(scan.pk)  # a worker holds it

    with pytest.raises(CommandError, match=f"scan #{scan.pk} is being run by another process"):
        run()


def test_an_interrupted_scan_is_resumed_by_the_command() -> None:
    song(music_root(), "A", "B", 1, "Song")
    scan = services.start_scan(background=False)
    engine.claim(scan.pk)
    past = timezone.now() - timedelta(minutes=5)
    LibraryScan.objects.filter(pk=scan.pk).update(lease_expires_at=past)  # its worker died

    out, err = run("--no-progress")

    assert "resuming it if it was interrupted" in err
    scan.refresh_from_db()
    assert scan.status == "completed" and out.startswith(f"Scan #{scan.pk} completed")


def test_a_folder_scan_names_the_folder_its_broken_count_is_for() -> None:
    song(music_root(), "A", "B", 1, "Song")
    (music_root() / "A" / "cut.mp3").write_bytes(b"")
    (music_root() / "elsewhere.mp3").write_bytes(b"")
    run("--no-progress")

    out, _ = run("A", "--no-progress")

    assert "A: 1 broken files; library: 0 duplicate groups." in out
    assert "Library: 1 broken" not in out and "Library: 2 broken" not in out


def test_the_whole_library_scan_still_says_library() -> None:
    (music_root() / "empty.mp3").write_bytes(b"")

    out, _ = run("--no-progress")

    assert "Library: 1 broken files, 0 duplicate groups." in out


@pytest.mark.django_db(transaction=True)
def test_an_unmigrated_database_asks_for_migrations() -> None:
    call_command("migrate", "library", "zero", verbosity=0)
    try:
        with pytest.raises(CommandError) as caught:
            run("--no-progress")
    finally:
        call_command("migrate", verbosity=0)

    message = str(caught.value)
    assert "run `manage.py migrate` first" in message
    assert "\n" not in message
