"""One mapping table per container (Picard's field names), used for reading AND writing.

Keys named "a/b" hold a number pair (track 3 of 12) that the container stores in one field.
"""

from __future__ import annotations

import base64
from typing import Any

from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3, TCON, TXXX, UFID, USLT, Encoding, Frames
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from library.tagging.covers import FRONT_COVER, flac_picture, image_mime, pick_front
from library.tagging.tagset import UnsupportedFormat, parse_int

SPOTIFY_KEY = "SPOTIFY_TRACK_ID"  # no Picard standard exists; a custom tag like Picard writes

_MB = "MusicBrainz "
VORBIS_KEYS: dict[str, str] = {
    "title": "TITLE",
    "artist": "ARTIST",
    "artists": "ARTISTS",
    "album": "ALBUM",
    "album_artist": "ALBUMARTIST",
    "track_number": "TRACKNUMBER",
    "track_total": "TRACKTOTAL",
    "disc_number": "DISCNUMBER",
    "disc_total": "DISCTOTAL",
    "date": "DATE",
    "genre": "GENRE",
    "isrc": "ISRC",
    "musicbrainz_recording_id": "MUSICBRAINZ_TRACKID",
    "musicbrainz_release_id": "MUSICBRAINZ_ALBUMID",
    "musicbrainz_release_group_id": "MUSICBRAINZ_RELEASEGROUPID",
    "musicbrainz_artist_id": "MUSICBRAINZ_ARTISTID",
    "musicbrainz_album_artist_id": "MUSICBRAINZ_ALBUMARTISTID",
    "spotify_id": SPOTIFY_KEY,
}
ID3_KEYS: dict[str, str] = {
    "title": "TIT2",
    "artist": "TPE1",
    "artists": "TXXX:ARTISTS",
    "album": "TALB",
    "album_artist": "TPE2",
    "track_number/track_total": "TRCK",
    "disc_number/disc_total": "TPOS",
    "date": "TDRC",
    "genre": "TCON",
    "isrc": "TSRC",
    "musicbrainz_recording_id": "UFID:http://musicbrainz.org",
    "musicbrainz_release_id": f"TXXX:{_MB}Album Id",
    "musicbrainz_release_group_id": f"TXXX:{_MB}Release Group Id",
    "musicbrainz_artist_id": f"TXXX:{_MB}Artist Id",
    "musicbrainz_album_artist_id": f"TXXX:{_MB}Album Artist Id",
    "spotify_id": f"TXXX:{SPOTIFY_KEY}",
}
_FF = "----:com.apple.iTunes:"
MP4_KEYS: dict[str, str] = {
    "title": "©nam",
    "artist": "©ART",
    "artists": f"{_FF}ARTISTS",
    "album": "©alb",
    "album_artist": "aART",
    "track_number/track_total": "trkn",
    "disc_number/disc_total": "disk",
    "date": "©day",
    "genre": "©gen",
    "isrc": f"{_FF}ISRC",
    "musicbrainz_recording_id": f"{_FF}{_MB}Track Id",
    "musicbrainz_release_id": f"{_FF}{_MB}Album Id",
    "musicbrainz_release_group_id": f"{_FF}{_MB}Release Group Id",
    "musicbrainz_artist_id": f"{_FF}{_MB}Artist Id",
    "musicbrainz_album_artist_id": f"{_FF}{_MB}Album Artist Id",
    "spotify_id": f"{_FF}{SPOTIFY_KEY}",
}


class Container:
    """Native tag access for one container family; keys come from its mapping table."""

    keys: dict[str, str]
    lyrics_key: str

    def get(self, tags: Any, key: str) -> list[str]:
        return [str(v) for v in tags.get(key, [])]

    def put(self, tags: Any, key: str, values: list[str]) -> None:
        tags[key] = values

    def delete(self, tags: Any, key: str) -> None:
        if key in tags:
            del tags[key]

    def get_pair(self, tags: Any, key: str) -> tuple[int | None, int | None]:
        texts = self.get(tags, key)
        number, _, total = (texts[0] if texts else "").partition("/")
        return parse_int(number), parse_int(total)

    def put_pair(self, tags: Any, key: str, number: int, total: int | None) -> None:
        self.put(tags, key, [f"{number}/{total}" if total else str(number)])

    def set_cover(self, audio: Any, data: bytes) -> None:
        raise NotImplementedError

    def get_cover(self, audio: Any) -> bytes | None:
        raise NotImplementedError


class Vorbis(Container):
    keys = VORBIS_KEYS
    lyrics_key = "LYRICS"

    def set_cover(self, audio: Any, data: bytes) -> None:
        picture = flac_picture(data)
        if isinstance(audio, FLAC):
            audio.clear_pictures()
            audio.add_picture(picture)
        else:  # Ogg has no picture blocks; Picard/Xiph use a base64 PICTURE block in a comment
            audio["METADATA_BLOCK_PICTURE"] = [base64.b64encode(picture.write()).decode("ascii")]

    def get_cover(self, audio: Any) -> bytes | None:
        if isinstance(audio, FLAC):
            pictures = list(audio.pictures)
        else:
            pictures = [
                Picture(base64.b64decode(v)) for v in self.get(audio, "METADATA_BLOCK_PICTURE")
            ]
        return pick_front([(p.type, p.data) for p in pictures])


class _ID3(Container):
    keys = ID3_KEYS
    lyrics_key = "USLT"

    def get(self, tags: Any, key: str) -> list[str]:
        frames = tags.getall(key)  # also finds "USLT::XXX" by its frame id alone
        if not frames:
            return []
        frame = frames[0]
        if isinstance(frame, UFID):
            return [frame.data.decode("utf-8", "replace")]
        if isinstance(frame, USLT):
            return [frame.text]
        texts = frame.genres if isinstance(frame, TCON) else frame.text  # "(17)" -> "Rock"
        return [str(t) for t in texts]

    def put(self, tags: Any, key: str, values: list[str]) -> None:
        tags.delall(key)
        frame_id, _, desc = key.partition(":")
        if frame_id == "TXXX":
            tags.add(TXXX(encoding=Encoding.UTF8, desc=desc, text=values))
        elif frame_id == "UFID":
            tags.add(UFID(owner=desc, data=values[0].encode("utf-8")))
        elif frame_id == "USLT":  # lang "XXX" (unknown), as Picard writes it
            tags.add(USLT(encoding=Encoding.UTF8, lang="XXX", desc="", text=values[0]))
        else:
            tags.add(Frames[frame_id](encoding=Encoding.UTF8, text=values))

    def delete(self, tags: Any, key: str) -> None:
        tags.delall(key)

    def set_cover(self, audio: Any, data: bytes) -> None:
        audio.tags.delall("APIC")
        mime = image_mime(data)
        audio.tags.add(
            APIC(encoding=Encoding.UTF8, mime=mime, type=FRONT_COVER, desc="", data=data)
        )

    def get_cover(self, audio: Any) -> bytes | None:
        return pick_front([(f.type, f.data) for f in audio.tags.getall("APIC")])


class _MP4(Container):
    keys = MP4_KEYS
    lyrics_key = "©lyr"

    def get(self, tags: Any, key: str) -> list[str]:
        return [
            v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
            for v in tags.get(key, [])
        ]

    def put(self, tags: Any, key: str, values: list[str]) -> None:
        freeform = key.startswith("----:")
        tags[key] = [MP4FreeForm(v.encode("utf-8")) if freeform else v for v in values]

    def get_pair(self, tags: Any, key: str) -> tuple[int | None, int | None]:
        number, total = (tags.get(key) or [(0, 0)])[0]
        return number or None, total or None

    def put_pair(self, tags: Any, key: str, number: int, total: int | None) -> None:
        tags[key] = [(number, total or 0)]

    def set_cover(self, audio: Any, data: bytes) -> None:
        kind = MP4Cover.FORMAT_PNG if image_mime(data) == "image/png" else MP4Cover.FORMAT_JPEG
        audio.tags["covr"] = [MP4Cover(data, imageformat=kind)]

    def get_cover(self, audio: Any) -> bytes | None:
        return pick_front([(FRONT_COVER, bytes(c)) for c in audio.tags.get("covr", [])])


def container_for(audio: Any) -> Container:
    """The tag mapping for an opened mutagen file; WAV/AIFF carry ID3 chunks like MP3."""
    if isinstance(audio, FLAC | OggVorbis | OggOpus):
        return Vorbis()
    if isinstance(audio, MP4):
        return _MP4()
    if isinstance(audio.tags, ID3) or type(audio).__name__ in {"MP3", "WAVE", "AIFF"}:
        return _ID3()
    raise UnsupportedFormat(f"no tag support for {type(audio).__name__} files")
