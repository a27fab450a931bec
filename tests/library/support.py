"""Real audio files for the library tests.

Audio comes from `fakes.audio.make_audio` (ffmpeg), generated once per source and copied:
`audio_file` copies a cached source and writes tags into the copy, so tests get many distinct
real files for the price of one encode each. Two copies of one source with the same tags are
byte-identical (an exact duplicate); different tags give different bytes.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

from fakes.audio import make_audio
from library.tagging import TagSet, write_tags

_CACHE = Path(tempfile.mkdtemp(prefix="soulspot-test-audio-"))


@functools.cache
def source(ext: str, seed: int = 0, seconds: float = 3.0, **options: Any) -> Path:
    """One generated file per distinct set of arguments, shared by every test of the process."""
    name = f"{ext}-{seed}-{seconds}-" + "-".join(f"{k}{v}" for k, v in sorted(options.items()))
    return make_audio(_CACHE / f"{name}.{ext}", seconds=seconds, seed=seed, **options)


def audio_file(
    path: Path, *, seed: int = 0, seconds: float = 3.0, tags: TagSet | None = None, **options: Any
) -> Path:
    """A real audio file at `path` (format from its suffix), tagged with `tags`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source(path.suffix.lstrip("."), seed, seconds, **options), path)
    if tags is not None:
        write_tags(path, tags)
    return path


def song(
    root: Path,
    artist: str,
    album: str,
    number: int,
    title: str,
    ext: str = "flac",
    **kwargs: Any,
) -> Path:
    """`root/Artist/Album/NN - Title.ext`, tagged accordingly (extra TagSet fields allowed)."""
    tag_fields = {k: kwargs.pop(k) for k in list(kwargs) if k in TagSet.__dataclass_fields__}
    tags = TagSet(title=title, artist=artist, album=album, track_number=number, **tag_fields)
    path = root / artist / album / f"{number:02d} - {title}.{ext}"
    return audio_file(path, tags=tags, **kwargs)


def truncate(path: Path, fraction: float = 0.5) -> Path:
    """Cut a file short, as an interrupted download leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def files_on_disk(root: Path) -> set[str]:
    return {str(p) for p in Path(root).rglob("*") if p.is_file() or p.is_symlink()}


def music_root() -> Path:
    return Path(settings.MUSIC_DIR)
