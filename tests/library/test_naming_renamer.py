"""The renamer: moved files take their cover along, emptied folders go, playlists follow."""

from __future__ import annotations

import subprocess
from pathlib import Path

import mutagen
import pytest

from fakes.audio import ffmpeg_path
from library import playlists
from library.models import Playlist, PlaylistEntry
from library.naming import renamer, services
from tests.factories import TrackFactory, TrackFileFactory
from tests.library.support import audio_file

pytestmark = pytest.mark.django_db
FLAT = {"standard": "{Artist Name}/{Track Title}"}


def test_a_symlinked_music_dir_still_gets_its_emptied_folders_tidied(
    settings, dirs, tmp_path: Path
) -> None:
    link = tmp_path / "music-link"
    link.symlink_to(dirs.music)
    settings.MUSIC_DIR = link
    old_dir = dirs.music / "old" / "album"
    row = TrackFileFactory(
        track=TrackFactory(title="Song", artist__name="Band"),
        path=str(audio_file(old_dir / "01.flac")),
    )
    (old_dir / "cover.jpg").write_bytes(b"\xff\xd8\xffcover")

    [result] = services.apply_renames([row.pk], FLAT)

    assert result.new == str(dirs.music / "Band" / "Song.flac") and not result.problem
    assert not (dirs.music / "old").exists()
    [recycled] = dirs.recycle.rglob("cover.jpg")
    assert recycled.relative_to(dirs.recycle).parts[1:] == ("old", "album", "cover.jpg")


def test_playlists_holding_a_renamed_track_are_rewritten(dirs) -> None:
    track = TrackFactory(title="Song", artist__name="Band")
    row = TrackFileFactory(track=track, path=str(audio_file(dirs.music / "flat" / "song.flac")))
    playlist = Playlist.objects.create(name="Mix")
    PlaylistEntry.objects.create(playlist=playlist, track=track, position=1)
    playlists.write_playlist(playlist)

    services.apply_renames([row.pk], FLAT)

    text = playlists.playlist_path(playlist).read_text(encoding="utf-8")
    assert "Band/Song.flac" in text and "flat/song.flac" not in text


def test_a_folder_that_still_holds_audio_is_left_alone(dirs) -> None:
    folder = dirs.music / "keep"
    audio_file(folder / "other.flac")
    (folder / "cover.jpg").write_bytes(b"cover")

    renamer.tidy_folder(folder)

    assert sorted(p.name for p in folder.iterdir()) == ["cover.jpg", "other.flac"]


def test_a_file_behind_a_link_leading_outside_is_not_moved(dirs, tmp_path: Path) -> None:
    """Issue 10, finding 2: a rename must not move a file that lives outside the library."""
    elsewhere = tmp_path / "elsewhere"
    outside_file = audio_file(elsewhere / "song.flac")
    (dirs.music / "linked").symlink_to(elsewhere, target_is_directory=True)
    row = TrackFileFactory(
        track=TrackFactory(title="Song", artist__name="Band"),
        path=str(dirs.music / "linked" / "song.flac"),
    )

    [result] = services.apply_renames([row.pk], FLAT)

    assert "outside the music folder" in result.problem
    assert outside_file.is_file() and not (dirs.music / "Band").exists()
    row.refresh_from_db()
    assert row.path == str(dirs.music / "linked" / "song.flac")


def test_a_raw_aac_stream_named_m4a_by_an_older_import_gets_its_aac_extension(dirs) -> None:
    old = dirs.music / "old" / "01.m4a"
    old.parent.mkdir(parents=True)
    tone = ["-f", "lavfi", "-i", "sine=frequency=330:duration=2", "-c:a", "aac", "-f", "adts"]
    subprocess.run([ffmpeg_path(), "-nostdin", "-loglevel", "error", *tone, str(old)], check=True)
    assert mutagen.File(old) is None  # unreadable under the wrong name
    row = TrackFileFactory(track=TrackFactory(title="Song", artist__name="Band"), path=str(old))

    [result] = services.apply_renames([row.pk], FLAT)

    assert result.new == str(dirs.music / "Band" / "Song.aac") and not result.problem
    assert type(mutagen.File(result.new)).__name__ == "AAC"


def test_a_real_m4a_keeps_its_extension(dirs) -> None:
    row = TrackFileFactory(
        track=TrackFactory(title="Song", artist__name="Band"),
        path=str(audio_file(dirs.music / "old" / "01.m4a")),
    )

    [result] = services.apply_renames([row.pk], FLAT)

    assert result.new == str(dirs.music / "Band" / "Song.m4a")
