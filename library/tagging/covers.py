"""Cover art: normalising downloaded images and embedding helpers shared by the containers."""

from __future__ import annotations

import io
from typing import Any

from mutagen.flac import Picture

from library.tagging.tagset import InvalidImage

FRONT_COVER = 3  # picture type "Cover (front)" in ID3 APIC and FLAC PICTURE blocks


def prepare_cover(image_bytes: bytes, max_px: int = 1200) -> bytes:
    """Re-encode any Pillow-readable image as an RGB JPEG no larger than `max_px` per side.

    Never upscales. Raises InvalidImage for bytes that are not a (complete) image.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image_bytes)) as img:
            img.load()  # decode now so truncated files fail here, not later
            picture = ImageOps.exif_transpose(img)
            picture = _flatten_to_rgb(picture)
            picture.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)  # only shrinks
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=90, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidImage(f"cover is not a usable image: {exc}") from exc


def image_mime(data: bytes) -> str:
    """MIME type of JPEG/PNG bytes; anything else is refused (players only show those two)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    raise InvalidImage("cover must be JPEG or PNG bytes (run it through prepare_cover)")


def flac_picture(data: bytes) -> Picture:
    """A FLAC PICTURE block (also the payload of Ogg METADATA_BLOCK_PICTURE) for a cover."""
    from PIL import Image

    picture = Picture()
    picture.type, picture.mime, picture.data = FRONT_COVER, image_mime(data), data
    with Image.open(io.BytesIO(data)) as img:  # header only: players use the dimensions
        picture.width, picture.height = img.size
        picture.depth = 24
    return picture


def pick_front(pictures: list[tuple[int, bytes]]) -> bytes | None:
    """The front cover among (picture type, data) pairs, else the first picture."""
    for kind, data in pictures:
        if kind == FRONT_COVER:
            return data
    return pictures[0][1] if pictures else None


def _flatten_to_rgb(img: Any) -> Any:
    """Transparent pixels become white, not black, when the alpha channel is dropped."""
    from PIL import Image

    if img.mode in {"RGBA", "LA"} or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")
