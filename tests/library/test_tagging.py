"""library.tagging: Picard-compatible tags for MP3, FLAC, Ogg Vorbis, Opus and M4A."""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

import mutagen
import pytest
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3, TXXX
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from PIL import Image

from fakes.audio import make_audio, make_random_bytes_file
from library.audio import audio_fingerprint, pcm_md5
from library.tagging import (
    InvalidImage,
    TaggingError,
    TagSet,
    UnsupportedFormat,
    prepare_cover,
    read_cover,
    read_lyrics,
    read_tags,
    write_tags,
)

CONTAINERS = ["mp3", "flac", "ogg", "opus", "m4a"]
FULL = TagSet(
    title="Straße ✓ — 曲",
    artist="Alpha & Beta",
    artists=["Alpha", "Beta"],
    album="The Album",
    album_artist="Alpha",
    track_number=3,
    track_total=12,
    disc_number=2,
    disc_total=2,
    date="2003-05-01",
    genre="Rock",
    isrc="USRC17607839",
    musicbrainz_recording_id="b1a9c0e9-d987-4042-ae91-78d6a3267d69",
    musicbrainz_release_id="0f4c9e9a-7c8b-4f41-9b6e-1a2b3c4d5e6f",
    musicbrainz_release_group_id="1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
    musicbrainz_artist_id="a74b1b7f-71a5-4011-9441-d0b5e4122711",
    musicbrainz_album_artist_id="a74b1b7f-71a5-4011-9441-d0b5e4122711",
    spotify_id="4uLU6hMCjMI75M1A2tKUQC",
)


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("originals")
    return {ext: make_audio(folder / f"tone.{ext}", seconds=2, seed=3) for ext in CONTAINERS}


@pytest.fixture
def cover() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _copy(originals: dict[str, Path], ext: str, tmp_path: Path) -> Path:
    return Path(shutil.copy(originals[ext], tmp_path / f"track.{ext}"))


@pytest.mark.parametrize("ext", CONTAINERS)
def test_every_field_round_trips(
    originals: dict[str, Path], tmp_path: Path, cover: bytes, ext: str
) -> None:
    path = _copy(originals, ext, tmp_path)

    write_tags(path, FULL, cover=cover, lyrics="line one\nline two")

    assert read_tags(path) == FULL
    assert read_cover(path) == cover
    assert read_lyrics(path) == "line one\nline two"


@pytest.mark.parametrize("ext", CONTAINERS)
def test_writing_tags_never_changes_the_audio(
    originals: dict[str, Path], tmp_path: Path, cover: bytes, ext: str
) -> None:
    path = _copy(originals, ext, tmp_path)
    before, pcm_before = audio_fingerprint(path), pcm_md5(path)

    write_tags(path, FULL, cover=cover, lyrics="la la la")
    write_tags(path, TagSet(title="again", artists=["x"] * 50), cover=prepare_cover(cover))

    assert audio_fingerprint(path) == before
    assert pcm_md5(path) == pcm_before  # also for FLAC, whose fingerprint is the STREAMINFO MD5


def test_mp3_uses_id3v24_and_picards_frames(
    originals: dict[str, Path], tmp_path: Path, cover: bytes
) -> None:
    path = _copy(originals, "mp3", tmp_path)
    write_tags(path, FULL, cover=cover, lyrics="words")

    tags = ID3(path)

    assert tags.version[:2] == (2, 4)
    assert tags["TXXX:MusicBrainz Album Id"].text == [FULL.musicbrainz_release_id]
    assert tags["TXXX:MusicBrainz Release Group Id"].text == [FULL.musicbrainz_release_group_id]
    assert tags["TXXX:MusicBrainz Artist Id"].text == [FULL.musicbrainz_artist_id]
    assert tags["TXXX:MusicBrainz Album Artist Id"].text == [FULL.musicbrainz_album_artist_id]
    assert tags["UFID:http://musicbrainz.org"].data == FULL.musicbrainz_recording_id.encode()
    assert tags["TXXX:ARTISTS"].text == ["Alpha", "Beta"]
    assert tags["TSRC"].text == [FULL.isrc]
    assert tags["TRCK"].text == ["3/12"] and tags["TPOS"].text == ["2/2"]
    assert str(tags["TDRC"].text[0]) == "2003-05-01"
    assert [(f.type, f.mime) for f in tags.getall("APIC")] == [(3, "image/jpeg")]
    assert tags.getall("USLT")[0].text == "words"


def test_flac_uses_vorbis_comments_and_a_picture_block(
    originals: dict[str, Path], tmp_path: Path, cover: bytes
) -> None:
    path = _copy(originals, "flac", tmp_path)
    write_tags(path, FULL, cover=cover)

    audio = FLAC(path)

    assert audio["MUSICBRAINZ_TRACKID"] == [FULL.musicbrainz_recording_id]
    assert audio["MUSICBRAINZ_ALBUMID"] == [FULL.musicbrainz_release_id]
    assert audio["MUSICBRAINZ_RELEASEGROUPID"] == [FULL.musicbrainz_release_group_id]
    assert audio["ARTISTS"] == ["Alpha", "Beta"]
    assert (audio["TRACKNUMBER"], audio["TRACKTOTAL"]) == (["3"], ["12"])
    assert (audio["DISCNUMBER"], audio["DISCTOTAL"]) == (["2"], ["2"])
    assert [(p.type, p.mime, p.width) for p in audio.pictures] == [(3, "image/jpeg", 300)]


def test_opus_stores_the_cover_as_base64_metadata_block_picture(
    originals: dict[str, Path], tmp_path: Path, cover: bytes
) -> None:
    path = _copy(originals, "opus", tmp_path)
    write_tags(path, FULL, cover=cover)

    (encoded,) = OggOpus(path)["METADATA_BLOCK_PICTURE"]

    assert Picture(base64.b64decode(encoded)).data == cover


def test_m4a_uses_itunes_freeform_atoms(
    originals: dict[str, Path], tmp_path: Path, cover: bytes
) -> None:
    path = _copy(originals, "m4a", tmp_path)
    write_tags(path, FULL, cover=cover, lyrics="words")

    tags = MP4(path).tags

    track_id = tags["----:com.apple.iTunes:MusicBrainz Track Id"]
    assert [bytes(v) for v in track_id] == [FULL.musicbrainz_recording_id.encode()]
    assert [bytes(v) for v in tags["----:com.apple.iTunes:ISRC"]] == [FULL.isrc.encode()]
    assert tags["trkn"] == [(3, 12)] and tags["disk"] == [(2, 2)]
    assert tags["©lyr"] == ["words"]
    assert bytes(tags["covr"][0]) == cover


@pytest.mark.parametrize("ext", CONTAINERS)
def test_missing_fields_are_cleared_but_foreign_tags_are_kept(
    originals: dict[str, Path], tmp_path: Path, cover: bytes, ext: str
) -> None:
    path = _copy(originals, ext, tmp_path)
    write_tags(path, FULL, cover=cover)
    _add_foreign_tag(path)

    write_tags(path, TagSet(title="Only a title"))

    assert read_tags(path) == TagSet(title="Only a title")
    assert _has_foreign_tag(path)
    assert read_cover(path) == cover  # cover=None means "leave the cover alone"


def test_clear_missing_false_only_adds(originals: dict[str, Path], tmp_path: Path) -> None:
    path = _copy(originals, "flac", tmp_path)
    write_tags(path, FULL)

    write_tags(path, TagSet(title="New title"), clear_missing=False)

    assert read_tags(path).album == FULL.album
    assert read_tags(path).title == "New title"


def test_it_reads_numbers_written_by_other_taggers(
    originals: dict[str, Path], tmp_path: Path
) -> None:
    path = _copy(originals, "flac", tmp_path)
    audio = FLAC(path)
    audio["TRACKNUMBER"], audio["TOTALTRACKS"] = "7/9", "9"
    audio["DISCNUMBER"] = "1/2"
    audio.save()

    tags = read_tags(path)

    assert (tags.track_number, tags.track_total, tags.disc_number, tags.disc_total) == (7, 9, 1, 2)


@pytest.mark.parametrize("fmt", ["flac", "mp3"])
def test_a_multi_value_artist_reads_as_several_artists(
    originals: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    path = _copy(originals, fmt, tmp_path)
    write_tags(path, TagSet(title="Duet"))
    audio = mutagen.File(path, easy=True)
    audio["artist"] = ["piman", "jzig"]  # two FLAC comments / one ID3v2.4 frame, two values
    audio.save()

    tags = read_tags(path)

    assert (tags.artist, tags.artists, tags.primary_artist) == (
        "piman; jzig",
        ["piman", "jzig"],
        "piman",
    )


def test_the_primary_artist_is_the_first_of_those_the_credit_joins() -> None:
    assert TagSet(artist="piman / jzig", artists=["piman", "jzig"]).primary_artist == "piman"
    assert TagSet(artist="A; B").primary_artist == "A"  # one string, our own separator
    assert TagSet(artist="Simon & Garfunkel").primary_artist == "Simon & Garfunkel"
    # ARTISTS naming someone else than the credit: the credit decides (as before)
    assert TagSet(artist="Other", artists=["X", "Y"]).primary_artist == "Other"
    assert TagSet().primary_artist == ""


def test_untagged_file_reads_as_an_empty_tagset(originals: dict[str, Path], tmp_path: Path) -> None:
    path = _copy(originals, "flac", tmp_path)
    FLAC(path).delete()

    assert read_tags(path) == TagSet()
    assert read_cover(path) is None and read_lyrics(path) is None


def test_year_comes_from_the_date() -> None:
    assert TagSet(date="1999-12-31").year == 1999
    assert TagSet(date="n/a").year is None
    assert TagSet().year is None


def test_a_non_image_cover_is_refused_before_the_file_is_touched(
    originals: dict[str, Path], tmp_path: Path
) -> None:
    path = _copy(originals, "mp3", tmp_path)
    before = path.read_bytes()

    with pytest.raises(InvalidImage):
        write_tags(path, FULL, cover=b"<html>not an image</html>")

    assert path.read_bytes() == before


def test_non_audio_files_raise_a_tagging_error(tmp_path: Path) -> None:
    noise = make_random_bytes_file(tmp_path / "noise.bin")
    broken = make_random_bytes_file(tmp_path / "broken.flac")

    with pytest.raises(UnsupportedFormat):
        write_tags(noise, FULL)
    with pytest.raises(TaggingError):
        read_tags(broken)


# --- prepare_cover ----------------------------------------------------------------------------


def _image(size: tuple[int, int], mode: str = "RGB", fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


def test_prepare_cover_downscales_the_long_side_to_a_jpeg() -> None:
    result = Image.open(io.BytesIO(prepare_cover(_image((3000, 1500)), max_px=1200)))

    assert (result.format, result.mode, result.size) == ("JPEG", "RGB", (1200, 600))


def test_prepare_cover_never_upscales() -> None:
    result = Image.open(io.BytesIO(prepare_cover(_image((200, 100)))))

    assert result.size == (200, 100)


def test_prepare_cover_puts_transparent_images_on_white() -> None:
    transparent = _image((50, 50), mode="RGBA")  # fully transparent black pixels

    pixel = Image.open(io.BytesIO(prepare_cover(transparent))).getpixel((25, 25))

    assert all(channel > 240 for channel in pixel)


@pytest.mark.parametrize("data", [b"", b"<html>404</html>", _image((500, 500))[:200]])
def test_prepare_cover_refuses_non_images_and_truncated_images(data: bytes) -> None:
    with pytest.raises(InvalidImage, match="not a usable image"):
        prepare_cover(data)


# --- helpers ----------------------------------------------------------------------------------


def _add_foreign_tag(path: Path) -> None:
    audio = mutagen.File(path)
    if isinstance(audio.tags, ID3):
        audio.tags.add(TXXX(encoding=3, desc="MOOD", text=["calm"]))
    elif isinstance(audio, MP4):
        audio.tags["----:com.apple.iTunes:MOOD"] = [b"calm"]
    else:
        audio["MOOD"] = ["calm"]
    audio.save()


def _has_foreign_tag(path: Path) -> bool:
    audio = mutagen.File(path)
    if isinstance(audio.tags, ID3):
        return "TXXX:MOOD" in audio.tags
    if isinstance(audio, MP4):
        return "----:com.apple.iTunes:MOOD" in audio.tags
    return "MOOD" in audio.tags
