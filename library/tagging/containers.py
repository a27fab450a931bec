"""One mapping table per container (Picard's field names), used for reading AND writing.

Keys named "a/b" hold a number pair (track 3 of 12) that the container stores in one field.
"""

from __future__ import annotations

import base64
from typing import Any

from mutagen.apev2 import APEv2, APEValue
from mutagen.asf import ASF, ASFByteArrayAttribute
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3, TCON, TXXX, UFID, USLT, Encoding, Frames
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggtheora import OggTheora
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
    "label": "LABEL",
    "catalog_number": "CATALOGNUMBER",
    "country": "RELEASECOUNTRY",
    "artist_sort": "ARTISTSORT",
    "album_artist_sort": "ALBUMARTISTSORT",
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
    "label": "TPUB",
    "catalog_number": "TXXX:CATALOGNUMBER",
    "country": f"TXXX:{_MB}Album Release Country",
    "artist_sort": "TSOP",
    "album_artist_sort": "TSO2",
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
    "label": f"{_FF}LABEL",
    "catalog_number": f"{_FF}CATALOGNUMBER",
    "country": f"{_FF}{_MB}Album Release Country",
    "artist_sort": "soar",
    "album_artist_sort": "soaa",
}
# APEv2 (Monkey's Audio, WavPack, Musepack, TAK, OptimFROG): Picard's names; keys are
# case-insensitive, several values are one NUL-separated item.
APE_KEYS: dict[str, str] = {
    "title": "Title",
    "artist": "Artist",
    "artists": "Artists",
    "album": "Album",
    "album_artist": "Album Artist",
    "track_number/track_total": "Track",
    "disc_number/disc_total": "Disc",
    "date": "Year",
    "genre": "Genre",
    "isrc": "ISRC",
    "musicbrainz_recording_id": "MUSICBRAINZ_TRACKID",
    "musicbrainz_release_id": "MUSICBRAINZ_ALBUMID",
    "musicbrainz_release_group_id": "MUSICBRAINZ_RELEASEGROUPID",
    "musicbrainz_artist_id": "MUSICBRAINZ_ARTISTID",
    "musicbrainz_album_artist_id": "MUSICBRAINZ_ALBUMARTISTID",
    "spotify_id": SPOTIFY_KEY,
    "label": "Label",
    "catalog_number": "CatalogNumber",
    "country": "RELEASECOUNTRY",
    "artist_sort": "ArtistSort",
    "album_artist_sort": "AlbumArtistSort",
}
# ASF (WMA) attributes, as Windows Media Player and Picard write them.
ASF_KEYS: dict[str, str] = {
    "title": "Title",
    "artist": "Author",
    "artists": "WM/ARTISTS",
    "album": "WM/AlbumTitle",
    "album_artist": "WM/AlbumArtist",
    "track_number": "WM/TrackNumber",
    "track_total": "TotalTracks",
    "disc_number/disc_total": "WM/PartOfSet",
    "date": "WM/Year",
    "genre": "WM/Genre",
    "isrc": "WM/ISRC",
    "musicbrainz_recording_id": "MusicBrainz/Track Id",
    "musicbrainz_release_id": "MusicBrainz/Album Id",
    "musicbrainz_release_group_id": "MusicBrainz/Release Group Id",
    "musicbrainz_artist_id": "MusicBrainz/Artist Id",
    "musicbrainz_album_artist_id": "MusicBrainz/Album Artist Id",
    "spotify_id": SPOTIFY_KEY,
    "label": "WM/Publisher",
    "catalog_number": "WM/CatalogNo",
    "country": "MusicBrainz/Album Release Country",
    "artist_sort": "WM/ArtistSortOrder",
    "album_artist_sort": "WM/AlbumArtistSortOrder",
}
_APE_COVER = "Cover Art (Front)"
_WM_PICTURE = "WM/Picture"


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


class _APE(Container):
    keys = APE_KEYS
    lyrics_key = "Lyrics"

    def get(self, tags: Any, key: str) -> list[str]:
        value = tags.get(key)
        if value is None or value.kind != 0:  # 0: text; binary and links are not text
            return []
        return list(value)  # one text per NUL-separated value

    def set_cover(self, audio: Any, data: bytes) -> None:
        # Binary item: a file name, NUL, then the image (the layout foobar2000 and Picard use).
        name = b"cover.png" if image_mime(data) == "image/png" else b"cover.jpg"
        audio.tags[_APE_COVER] = APEValue(name + b"\0" + data, 1)

    def get_cover(self, audio: Any) -> bytes | None:
        value = audio.tags.get(_APE_COVER)
        if value is None or value.kind != 1:
            return None
        return bytes(value.value).partition(b"\0")[2] or None


class _ASF(Container):
    keys = ASF_KEYS
    lyrics_key = "WM/Lyrics"

    def put(self, tags: Any, key: str, values: list[str]) -> None:
        tags[key] = [str(v) for v in values]  # stored as Unicode attributes

    def set_cover(self, audio: Any, data: bytes) -> None:
        mime = image_mime(data).encode("utf-16-le") + b"\0\0"
        # WM/Picture: picture type, data length, MIME and description (UTF-16, NUL-ended), data.
        blob = bytes([FRONT_COVER]) + len(data).to_bytes(4, "little") + mime + b"\0\0" + data
        audio.tags[_WM_PICTURE] = [ASFByteArrayAttribute(blob)]

    def get_cover(self, audio: Any) -> bytes | None:
        pictures = []
        for attribute in audio.tags.get(_WM_PICTURE, []):
            blob = bytes(attribute.value)
            size = int.from_bytes(blob[1:5], "little")
            pictures.append((blob[0], blob[len(blob) - size :] if size else b""))
        return pick_front(pictures)


# Formats whose tags are ID3 even before they have any (mutagen gives tags=None until then).
_ID3_FORMATS = {"MP3", "WAVE", "AIFF", "DSF", "DSDIFF", "TrueAudio"}


def container_for(audio: Any) -> Container:
    """The tag mapping for an opened mutagen file; WAV/AIFF/DSF carry ID3 chunks like MP3."""
    if isinstance(audio, FLAC | OggVorbis | OggOpus | OggFLAC | OggSpeex | OggTheora):
        return Vorbis()
    if isinstance(audio, MP4):
        return _MP4()
    if isinstance(audio, ASF):
        return _ASF()
    if isinstance(audio.tags, APEv2) or type(audio).__name__ in {
        "MonkeysAudio",
        "WavPack",
        "Musepack",
        "TAK",
        "OptimFROG",
        "APEv2File",
    }:
        return _APE()
    name = type(audio).__name__
    if isinstance(audio.tags, ID3) or name in _ID3_FORMATS:
        return _ID3()
    raise UnsupportedFormat(f"format has no tag support ({name} files)")
