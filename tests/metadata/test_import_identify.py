"""What a file's path says about it (used for untagged files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from metadata.importer.identify import Guess, fold_name, fold_title, guess_from_path

ROOT = Path("/in")


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("Band/Album (1999)/03 - Song.flac", Guess("Band", "Album", "Song", 1999, 3, None)),
        (
            "Band - Album [FLAC]/1-02 Song Title.mp3",
            Guess("Band", "Album", "Song Title", None, 2, 1),
        ),
        ("Band/Album/01. Band - Song.ogg", Guess("Band", "Album", "Song", None, 1, None)),
        ("Band - Song.mp3", Guess("Band", "", "Song", None, None, None)),
        ("loose/Song_Title.opus", Guess("", "loose", "Song Title", None, None, None)),
        ("A/B/07_Song.m4a", Guess("A", "B", "Song", None, 7, None)),
    ],
)
def test_guesses_from_common_layouts(relative: str, expected: Guess) -> None:
    assert guess_from_path(ROOT / relative, ROOT) == expected


def test_folders_above_the_imported_folder_are_not_used() -> None:
    guess = guess_from_path(Path("/home/me/Music/song.flac"), Path("/home/me/Music"))
    assert (guess.artist, guess.album) == ("", "")


def test_names_fold_case_accents_and_punctuation() -> None:
    assert fold_name("Beyoncé") == fold_name("BEYONCE") == "beyonce"
    assert fold_name("AC/DC") == fold_name("ac-dc")
    assert fold_title("Crazy in Love (feat. Jay-Z)") == fold_title("crazy in love")
