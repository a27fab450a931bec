"""Hostile libraries: every problem is listed with its path, the scan completes, nothing is lost."""

from __future__ import annotations

import builtins
import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fakes.audio import make_random_bytes_file
from library import services
from library.models import LibraryScan, ScanProblem, TrackFile
from library.scanner import reader
from tests.library.support import audio_file, files_on_disk, music_root, song

pytestmark = pytest.mark.django_db
Kind = ScanProblem.Kind


def scan_now(**options: object) -> LibraryScan:
    scan = services.start_scan(background=False, **options)
    assert services.run_scan(scan.pk) == "completed"
    scan.refresh_from_db()
    return scan


def problems(scan: LibraryScan) -> list[tuple[str, str]]:
    return sorted(scan.problems.values_list("kind", "path"))


def unreadable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a folder unlistable (chmod, and for root, who ignores modes, a failing scandir)."""
    folder.chmod(0)
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if os.fspath(path) == str(folder):
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.fixture
def recycle_bin(settings, tmp_path: Path) -> Path:
    settings.SOULSPOT_RECYCLE_DIR = tmp_path / "recycle"
    return settings.SOULSPOT_RECYCLE_DIR


def test_an_unreadable_folder_is_listed_and_its_catalogued_files_are_not_marked_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = music_root()
    locked = song(root, "Locked", "Album", 1, "Song").parent
    song(root, "Open", "Album", 1, "Other", seed=2)
    scan_now()
    unreadable(locked, monkeypatch)
    try:
        scan = scan_now()
    finally:
        locked.chmod(0o755)

    assert problems(scan) == [(Kind.UNREADABLE_DIRECTORY, str(locked))]
    assert scan.problems.get().detail == "Permission denied"
    assert not TrackFile.objects.filter(is_missing=True).exists()
    assert scan.files_removed == 0


def test_a_symlink_loop_is_listed_and_walked_only_once() -> None:
    root = music_root()
    album = song(root, "A", "B", 1, "Song").parent
    (album / "loop").symlink_to(album.parent)
    before = files_on_disk(root)

    scan = scan_now()

    assert problems(scan) == [(Kind.SYMLINK_LOOP, str(album / "loop"))]
    assert scan.files_total == 1 and files_on_disk(root) == before


def test_a_symlinked_folder_inside_the_music_folder_is_scanned() -> None:
    root = music_root()
    elsewhere = song(root / "Archive", "X", "Y", 1, "Z").parent
    (root / "linked").symlink_to(elsewhere)

    scan = scan_now()

    assert not scan.problem_count
    names = {Path(p).name for p in TrackFile.objects.values_list("path", flat=True)}
    assert names == {"01 - Z.flac"}


def test_a_symlinked_folder_leading_outside_is_a_problem_not_tracks() -> None:
    """Issue 10, finding 2: `music/linked -> /elsewhere` was catalogued, then moved from."""
    root = music_root()
    elsewhere = song(root.parent / f"{root.name}-elsewhere", "X", "Y", 1, "Z").parent
    (root / "linked").symlink_to(elsewhere)

    scan = scan_now()

    assert problems(scan) == [(Kind.SYMLINK_OUTSIDE, str(root / "linked"))]
    detail = ScanProblem.objects.get().detail
    assert str(elsewhere.resolve()) in detail and "outside the music folder" in detail
    assert not TrackFile.objects.exists()
    assert (elsewhere / "01 - Z.flac").is_file()


def test_a_symlinked_file_leading_outside_is_a_problem_not_a_track() -> None:
    root = music_root()
    outside = song(root.parent / f"{root.name}-other", "X", "Y", 1, "Z")
    (root / "linked.flac").symlink_to(outside)

    scan = scan_now()

    assert problems(scan) == [(Kind.SYMLINK_OUTSIDE, str(root / "linked.flac"))]
    assert not TrackFile.objects.exists()


def test_files_catalogued_behind_a_link_that_now_leads_outside_are_marked_missing() -> None:
    root = music_root()
    album = song(root / "linked", "X", "Y", 1, "Z").parent
    scan_now()
    outside = root.parent / f"{root.name}-moved"
    shutil.move(root / "linked", outside)
    (root / "linked").symlink_to(outside)

    scan = scan_now(full=True)

    assert problems(scan) == [(Kind.SYMLINK_OUTSIDE, str(root / "linked"))]
    assert TrackFile.objects.get().is_missing
    assert (outside / album.relative_to(root / "linked") / "01 - Z.flac").is_file()


def test_a_dangling_symlink_is_listed() -> None:
    root = music_root()
    (root / "gone.mp3").symlink_to(root / "nowhere.mp3")

    scan = scan_now()

    assert problems(scan) == [(Kind.DANGLING_SYMLINK, str(root / "gone.mp3"))]
    assert not TrackFile.objects.exists()


def test_a_file_that_vanishes_before_it_is_read_is_listed_and_marked_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = music_root()
    known = song(root, "A", "B", 1, "Known")
    scan_now()
    audio_file(known, seed=4, seconds=4)  # changed, so the next scan reads it…
    new = song(root, "A", "B", 2, "New", seed=2)
    real = reader.read_file

    def delete_first(path: str, deep: bool = False) -> dict:
        os.unlink(path)  # …but it is deleted between the listing and the reading
        return real(path, deep)

    monkeypatch.setattr(reader, "read_file", delete_first)

    scan = scan_now()

    assert problems(scan) == [(Kind.VANISHED, str(known)), (Kind.VANISHED, str(new))]
    assert TrackFile.objects.get(path=str(known)).is_missing and scan.files_removed == 1
    assert not TrackFile.objects.filter(path=str(new)).exists()


def test_a_file_that_changes_while_it_is_read_is_listed_and_read_again_next_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = song(music_root(), "A", "B", 1, "Song")
    real_hash = reader.hash_file

    def hash_then_grow(target: str) -> str:
        digest = real_hash(target)
        with open(target, "ab") as f:  # someone is still writing the file
            f.write(b"\0" * 1000)
        return digest

    monkeypatch.setattr(reader, "hash_file", hash_then_grow)
    scan = scan_now()
    monkeypatch.setattr(reader, "hash_file", real_hash)

    assert problems(scan) == [(Kind.CHANGED, str(path))]
    assert TrackFile.objects.get().size == path.stat().st_size - 1000
    rescan = scan_now()
    assert rescan.files_changed == 1 and TrackFile.objects.get().size == path.stat().st_size


def test_non_utf8_file_and_folder_names_are_listed_and_the_rest_is_scanned() -> None:
    root = music_root()
    good = song(root, "A", "B", 1, "Song")
    bad_file = os.path.join(os.fsencode(good.parent), b"caf\xe9.flac")
    shutil.copyfile(good, bad_file)
    bad_folder = os.path.join(os.fsencode(root), b"\xff\xfe")
    os.mkdir(bad_folder)
    shutil.copyfile(good, os.path.join(bad_folder, b"song.flac"))
    before = files_on_disk(root)

    scan = scan_now()

    assert problems(scan) == sorted(
        [
            (Kind.BAD_FILENAME, f"{root}/\\xff\\xfe"),
            (Kind.BAD_FILENAME, f"{good.parent}/caf\\xe9.flac"),
        ]
    )
    assert list(TrackFile.objects.values_list("path", flat=True)) == [str(good)]
    assert files_on_disk(root) == before


@pytest.mark.parametrize("name", ["empty.mp3", "empty.flac"])
def test_zero_byte_files_are_broken_and_listed(name: str) -> None:
    path = music_root() / name
    path.write_bytes(b"")

    scan = scan_now()

    assert problems(scan) == [(Kind.BROKEN_AUDIO, str(path))]
    file = TrackFile.objects.get()
    assert (file.is_broken, file.broken_reason, file.sha256) == (True, "empty file (0 bytes)", "")
    assert path.exists()


@pytest.mark.parametrize("name", ["noise.mp3", "noise.flac"])
def test_random_bytes_named_like_audio_are_broken_and_listed(name: str) -> None:
    path = make_random_bytes_file(music_root() / name, size=64_000, seed=7)

    scan = scan_now()

    assert problems(scan) == [(Kind.BROKEN_AUDIO, str(path))]
    file = TrackFile.objects.get()
    assert file.is_broken and file.broken_reason and file.duplicate_group_id is None
    assert path.exists()


def test_a_file_that_cannot_be_opened_is_listed_and_its_row_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = song(music_root(), "A", "B", 1, "Song")
    scan_now()
    audio_file(path, seed=3, seconds=4)
    real_hash = reader.hash_file

    def denied(target: str) -> str:
        if str(target) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return real_hash(target)

    monkeypatch.setattr(reader, "hash_file", denied)
    scan = scan_now()

    assert problems(scan) == [(Kind.UNREADABLE_FILE, str(path))]
    assert scan.problems.get().detail == "cannot read file: Permission denied"
    file = TrackFile.objects.get()
    assert not file.is_broken and not file.is_missing and file.duration_ms == 3000


@pytest.fixture
def fill_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Once called, creating or writing a file or folder in the music folder fails: ENOSPC.

    Returns the list of attempts it refused.
    """
    return lambda: _fail_writes(monkeypatch, str(music_root()))


def _fail_writes(monkeypatch: pytest.MonkeyPatch, root: str) -> list[str]:
    attempts: list[str] = []

    def refuse(path: object) -> None:
        attempts.append(os.fsdecode(os.fspath(path)))
        raise OSError(errno.ENOSPC, "No space left on device", os.fspath(path))

    def inside(path: object) -> bool:
        return isinstance(path, str | bytes | os.PathLike) and os.fsdecode(
            os.path.abspath(os.fspath(path))
        ).startswith(root)

    real_open, real_os_open, real_mkdir = builtins.open, os.open, os.mkdir

    def open_(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if inside(file) and any(flag in mode for flag in "wax+"):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def os_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND)
        if inside(path) and writing:
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def mkdir(path: object, *args: object, **kwargs: object) -> None:
        if inside(path):
            refuse(path)
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "link", lambda src, dst, **kw: refuse(dst) if inside(dst) else None)
    return attempts


def test_a_music_folder_on_a_full_disk_scans_normally_because_scans_never_write_there(
    fill_disk: Callable[[], list[str]],
) -> None:
    root = music_root()
    song(root, "A", "B", 1, "Song")
    make_random_bytes_file(root / "noise.flac")
    before = files_on_disk(root)
    refused = fill_disk()

    scan = scan_now()

    assert (scan.status, scan.files_new, scan.files_broken) == ("completed", 2, 1)
    assert refused == [] and files_on_disk(root) == before


def test_resolving_duplicates_on_a_full_disk_moves_nothing_and_keeps_the_group_open(
    settings,
    fill_disk: Callable[[], list[str]],
) -> None:
    root = music_root()
    settings.SOULSPOT_RECYCLE_DIR = root / "recycle"  # the recycle bin shares the full disk
    original = song(root, "A", "B", 1, "Song")
    copy = Path(shutil.copyfile(original, original.with_name("01 - Song (1).flac")))
    scan_now()
    group = TrackFile.objects.get(path=str(original)).duplicate_group
    fill_disk()

    result = services.resolve_duplicate_group(group.pk)

    assert not result.ok and result.failed[0].path == str(copy)
    assert "No space left" in result.failed[0].error
    assert original.exists() and copy.exists()
    group.refresh_from_db()
    assert group.status == group.Status.OPEN
    assert not TrackFile.objects.filter(is_missing=True).exists()


def test_an_empty_music_folder_looks_unmounted_and_nothing_is_marked_missing() -> None:
    root = music_root()
    song(root, "A", "B", 1, "Song")
    scan_now()
    shutil.rmtree(root / "A")  # the mount point is there, the drive is not

    scan = scan_now()

    assert problems(scan) == [(Kind.NOT_MOUNTED, str(root))]
    assert not TrackFile.objects.filter(is_missing=True).exists()


def test_a_music_folder_that_does_not_exist_is_listed_and_nothing_is_marked_missing() -> None:
    root = music_root()
    song(root, "A", "B", 1, "Song")
    scan_now()
    shutil.rmtree(root)

    scan = scan_now()

    assert scan.status == "completed" and problems(scan) == [(Kind.NOT_MOUNTED, str(root))]
    assert not TrackFile.objects.filter(is_missing=True).exists()


def test_problems_are_visible_in_the_api_with_their_paths(api_client) -> None:
    path = music_root() / "empty.mp3"
    path.write_bytes(b"")
    scan = scan_now()

    body = api_client.get(f"/api/library/scans/{scan.pk}/problems").json()

    assert body["count"] == 1
    assert body["items"][0] | {"id": 0, "created_at": ""} == {
        "id": 0,
        "kind": "broken_audio",
        "kind_label": "Broken audio file",
        "path": str(path),
        "detail": "empty file (0 bytes)",
        "created_at": "",
    }


def test_problems_are_visible_on_the_scan_page(logged_in_client) -> None:
    path = music_root() / "noise.mp3"
    make_random_bytes_file(path)
    scan = scan_now()

    page = logged_in_client.get(f"/library/scans/{scan.pk}/").content.decode()

    assert str(path) in page and "Broken audio file" in page


def test_scanning_a_linked_folder_that_leads_outside_is_refused(api_client) -> None:
    root = music_root()
    elsewhere = song(root.parent / f"{root.name}-far", "X", "Y", 1, "Z").parent
    (root / "linked").symlink_to(elsewhere)

    response = api_client.post(
        "/api/library/scans", {"path": "linked"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "leads outside the music folder" in response.json()["detail"]
    assert not LibraryScan.objects.exists() and not TrackFile.objects.exists()


def test_the_walk_never_lists_a_root_that_leads_outside() -> None:
    from library.scanner.walk import walk

    root = music_root()
    elsewhere = song(root.parent / f"{root.name}-away", "X", "Y", 1, "Z").parent
    (root / "linked").symlink_to(elsewhere)

    walked = walk(str(root / "linked"), boundary=str(root))

    assert walked.files == [] and [p.kind for p in walked.problems] == ["symlink_outside"]
