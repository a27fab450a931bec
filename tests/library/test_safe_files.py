"""library.safe_files: moves that never lose or overwrite a file, even when interrupted."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from library import safe_files
from library.safe_files import (
    TEMP_PREFIX,
    DestinationExists,
    MoveVerificationFailed,
    is_temp_file,
    move_to_quarantine,
    move_to_recycle,
    recover_incomplete_moves,
    safe_move,
    sha256_file,
)

STEPS = ["copied", "verified", "renamed", "source_removed"]
LINK_STEPS = ["renamed", "source_removed"]  # a hard link has no copy to verify
CONTENT = os.urandom(300_000)


class SimulatedCrash(Exception):
    """Raised from crash_hook: the process "dies" with the files as they are."""


def crash_at(step: str) -> Callable[[str], None]:
    def hook(current: str) -> None:
        if current == step:
            raise SimulatedCrash(step)

    return hook


@pytest.fixture
def src(tmp_path: Path) -> Path:
    path = tmp_path / "downloads" / "song.flac"
    path.parent.mkdir()
    path.write_bytes(CONTENT)
    return path


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "music" / "Artist" / "Album" / "01 - Song.flac"


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if is_temp_file(p)]


def assert_not_lost(src: Path, dest: Path) -> None:
    """The invariant: the source, or a complete copy at the destination, always exists."""
    assert (src.exists() and src.read_bytes() == CONTENT) or dest.read_bytes() == CONTENT


# --- normal moves -----------------------------------------------------------------------------


@pytest.mark.parametrize("allow_link", [True, False])
def test_it_moves_the_file_and_leaves_no_temporary_files(
    tmp_path: Path, src: Path, dest: Path, allow_link: bool
) -> None:
    assert safe_move(src, dest, allow_link=allow_link) == dest

    assert dest.read_bytes() == CONTENT
    assert not src.exists()
    assert leftovers(tmp_path) == []


def test_keep_source_copies(tmp_path: Path, src: Path, dest: Path) -> None:
    safe_move(src, dest, keep_source=True)

    assert src.read_bytes() == dest.read_bytes() == CONTENT
    assert not os.path.samefile(src, dest)  # a real copy, not a second name for the same file


@pytest.mark.parametrize("allow_link", [True, False])
def test_it_never_overwrites_an_existing_destination(
    tmp_path: Path, src: Path, dest: Path, allow_link: bool
) -> None:
    dest.parent.mkdir(parents=True)
    dest.write_bytes(b"already here")

    with pytest.raises(DestinationExists):
        safe_move(src, dest, allow_link=allow_link)

    assert dest.read_bytes() == b"already here"
    assert src.read_bytes() == CONTENT
    assert leftovers(tmp_path) == []


def test_a_destination_that_appears_during_the_copy_is_not_overwritten(
    tmp_path: Path, src: Path, dest: Path
) -> None:
    def someone_else_writes(step: str) -> None:
        if step == "verified":
            dest.write_bytes(b"raced")

    with pytest.raises(DestinationExists):
        safe_move(src, dest, allow_link=False, crash_hook=someone_else_writes)

    assert dest.read_bytes() == b"raced"
    assert src.read_bytes() == CONTENT
    assert leftovers(tmp_path) == []


def test_a_corrupted_copy_is_detected_and_the_source_kept(
    tmp_path: Path, src: Path, dest: Path
) -> None:
    def corrupt_the_copy(step: str) -> None:
        if step == "copied":
            (part,) = dest.parent.glob(f"{TEMP_PREFIX}*.part")
            part.write_bytes(b"x" + CONTENT[1:])

    with pytest.raises(MoveVerificationFailed):
        safe_move(src, dest, allow_link=False, crash_hook=corrupt_the_copy)

    assert src.read_bytes() == CONTENT
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_without_hard_links_it_falls_back_to_rename_and_still_never_overwrites(
    tmp_path: Path, src: Path, dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object) -> None:
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(safe_files.os, "link", no_links)
    safe_move(src, dest)
    other = src.parent / "other.flac"
    other.write_bytes(b"other")

    assert dest.read_bytes() == CONTENT and not src.exists()
    with pytest.raises(DestinationExists):
        safe_move(other, dest)
    assert other.read_bytes() == b"other"


def test_a_missing_source_raises(tmp_path: Path, dest: Path) -> None:
    with pytest.raises(FileNotFoundError):
        safe_move(tmp_path / "nope.flac", dest)


# --- crashes ----------------------------------------------------------------------------------


def _crash_cases() -> list[tuple[bool, str]]:
    return [(False, step) for step in STEPS] + [(True, step) for step in LINK_STEPS]


@pytest.mark.parametrize(("allow_link", "step"), _crash_cases())
def test_a_crash_at_any_step_loses_nothing_and_recovery_cleans_up(
    tmp_path: Path, src: Path, dest: Path, allow_link: bool, step: str
) -> None:
    with pytest.raises(SimulatedCrash):
        safe_move(src, dest, allow_link=allow_link, crash_hook=crash_at(step))
    assert_not_lost(src, dest)

    actions = recover_incomplete_moves(tmp_path)

    assert actions
    assert_not_lost(src, dest)
    assert leftovers(tmp_path) == []
    assert src.exists() != dest.exists()  # exactly one copy: finished or cleanly undone


@pytest.mark.parametrize(("allow_link", "step"), _crash_cases())
def test_rerunning_a_crashed_move_completes_it_without_duplicates(
    tmp_path: Path, src: Path, dest: Path, allow_link: bool, step: str
) -> None:
    with pytest.raises(SimulatedCrash):
        safe_move(src, dest, allow_link=allow_link, crash_hook=crash_at(step))

    assert safe_move(src, dest, allow_link=allow_link) == dest

    assert dest.read_bytes() == CONTENT
    assert not src.exists()
    assert leftovers(tmp_path) == []
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]


@pytest.mark.parametrize("step", STEPS)
def test_rerunning_after_recovery_also_completes(
    tmp_path: Path, src: Path, dest: Path, step: str
) -> None:
    with pytest.raises(SimulatedCrash):
        safe_move(src, dest, allow_link=False, crash_hook=crash_at(step))
    recover_incomplete_moves(tmp_path)

    if src.exists():
        safe_move(src, dest, allow_link=False)

    assert dest.read_bytes() == CONTENT and not src.exists()
    assert leftovers(tmp_path) == []


def test_a_crashed_copy_with_keep_source_keeps_the_source(
    tmp_path: Path, src: Path, dest: Path
) -> None:
    with pytest.raises(SimulatedCrash):
        safe_move(src, dest, keep_source=True, crash_hook=crash_at("renamed"))

    recover_incomplete_moves(tmp_path)

    assert src.read_bytes() == dest.read_bytes() == CONTENT


def test_a_verified_copy_is_put_in_place_if_the_source_vanished(
    tmp_path: Path, src: Path, dest: Path
) -> None:
    with pytest.raises(SimulatedCrash):
        safe_move(src, dest, allow_link=False, crash_hook=crash_at("verified"))
    src.unlink()  # e.g. the download client cleaned up meanwhile

    recover_incomplete_moves(tmp_path)

    assert dest.read_bytes() == CONTENT
    assert leftovers(tmp_path) == []


def test_an_unverified_copy_without_source_is_never_deleted(
    tmp_path: Path, src: Path, dest: Path
) -> None:
    with pytest.raises(SimulatedCrash):
        safe_move(src, dest, allow_link=False, crash_hook=crash_at("copied"))
    src.unlink()

    actions = recover_incomplete_moves(tmp_path)

    (part,) = dest.parent.glob(f"{TEMP_PREFIX}*.part")
    assert part.read_bytes() == CONTENT
    assert any(action.startswith("kept") for action in actions)


# --- recycle bin and quarantine ---------------------------------------------------------------


@pytest.mark.parametrize("move_aside", [move_to_recycle, move_to_quarantine])
def test_moving_aside_keeps_the_library_structure_under_a_dated_folder(
    tmp_path: Path, move_aside: Callable[..., Path]
) -> None:
    library = tmp_path / "music"
    track = library / "Artist" / "Album" / "01.flac"
    track.parent.mkdir(parents=True)
    track.write_bytes(CONTENT)
    today = datetime.now(UTC).strftime("%Y-%m-%d")

    moved = move_aside(track, tmp_path / "bin", "replaced by a better copy", library_root=library)

    assert moved == tmp_path / "bin" / today / "Artist" / "Album" / "01.flac"
    assert moved.read_bytes() == CONTENT and not track.exists()
    sidecar = moved.with_name("01.flac.reason.txt").read_text(encoding="utf-8")
    assert "reason: replaced by a better copy" in sidecar
    assert f"original path: {track}" in sidecar


def test_moving_aside_never_overwrites_and_numbers_duplicates(tmp_path: Path) -> None:
    names = []
    for content in (b"one", b"two", b"three"):
        path = tmp_path / "incoming" / "song.mp3"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
        names.append(move_to_quarantine(path, tmp_path / "quarantine", "truncated"))

    assert [p.name for p in names] == ["song.mp3", "song (1).mp3", "song (2).mp3"]
    assert [p.read_bytes() for p in names] == [b"one", b"two", b"three"]


# --- helpers ----------------------------------------------------------------------------------


def test_sha256_file_matches_hashlib(src: Path) -> None:
    assert sha256_file(src) == hashlib.sha256(CONTENT).hexdigest()


def test_temp_files_are_recognisable(tmp_path: Path) -> None:
    assert is_temp_file(tmp_path / f"{TEMP_PREFIX}abc.part")
    assert not is_temp_file(tmp_path / "song.flac")
