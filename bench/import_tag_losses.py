"""Tag losses on import: copy a folder, import it into a throw-away library, compare tags.

    .venv/bin/python -m bench.import_tag_losses ../shared/corpus/real-audio

Runs the real folder import (`manage.py import`'s service) with providers off, in a fresh data
dir (SQLite), then for every imported file compares mutagen's "easy" tags before and after:
a key present before and missing after is a loss, a different value is a change. Placeholder
values ("Unknown Artist", folder names) added to files are counted too. Nothing is written
outside the temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

PLACEHOLDERS = {"Unknown Artist", "Unknown Album"}


def easy_tags(path: Path) -> dict[str, list[str]]:
    import mutagen

    try:
        audio = mutagen.File(path, easy=True)
    except Exception:  # the corpus holds deliberately broken files: no tags to compare
        return {}
    if audio is None or audio.tags is None:
        return {}
    tags: Any = audio.tags
    result = {}
    for key in list(tags.keys()):
        if str(key).upper().startswith(("APIC", "COVR", "METADATA_BLOCK_PICTURE", "PRIV")):
            continue  # pictures and private blobs: compared elsewhere (covers are replaced)
        value = tags[key]
        values = value if isinstance(value, list) else [value]
        result[str(key).lower()] = [str(v)[:200] for v in values]
    return result


def same_meaning(key: str, old: list[str], new: dict[str, list[str]]) -> bool:
    """Equal, or the same facts in the form the importer writes: several ARTIST values become
    ARTISTS plus one display ARTIST; Vorbis "2/10" becomes TRACKNUMBER=2 + TRACKTOTAL=10."""
    if new[key] == old:
        return True
    if key == "trck" and len(old) == 1:  # raw ID3 (WAV/AIFF): "02/10" and "2/10" are one fact
        return [v.lstrip("0") for v in new[key]] == [old[0].lstrip("0")]
    if key == "artist" and len(old) > 1:
        return new.get("artists") == old
    if key in {"tracknumber", "discnumber"} and len(old) == 1 and "/" in old[0]:
        number, _, total = old[0].partition("/")
        totals = new.get("tracktotal" if key == "tracknumber" else "disctotal", [""])
        return new[key] == [str(int(number))] and totals == [str(int(total))]
    return False


def compare_import(
    batch: Any, before: dict[str, dict[str, list[str]]], folder_names: set[str], echo: bool = True
) -> Counter[str]:
    """Compare every imported file's tags with its source's (`before`, read before the import);
    prints each loss, change and placeholder (when `echo`) and returns the counts. Needs Django
    set up (bench/corpus_report.py reuses it)."""
    from library.safe_files import sha256_file
    from metadata.models import ImportItem

    say = print if echo else (lambda *args: None)
    counts: Counter[str] = Counter()
    for item in ImportItem.objects.filter(batch=batch, state=ImportItem.State.IMPORTED):
        counts[f"state:{item.state}"] += 1
        landed = Path(item.library_path)
        if item.replaced_by_id:  # a later file of the batch replaced it; the record says so
            counts["replaced later (record names its successor)"] += 1
            continue
        if not landed.is_file() or sha256_file(landed) != item.sha256:
            counts["record points at a file replaced later, unmarked"] += 1
            continue
        old = before.get(item.source_path, {})
        new = easy_tags(Path(item.library_path))
        if Path(item.library_path).suffix != Path(item.source_path).suffix.lower():
            counts["extension changed"] += 1
            say(f"extension: {item.source_path} -> {item.library_path}")
        for key, values in old.items():
            if all(v.strip() in {"", "0", "0/0"} for v in values):
                counts["empty value (no information)"] += 1
            elif key not in new:
                counts["tag lost"] += 1
                say(f"lost {key}={values}: {item.source_path}")
            elif not same_meaning(key, values, new):
                counts["tag changed"] += 1
                say(f"changed {key}: {values} -> {new[key]}: {item.source_path}")
        for key, values in new.items():
            if key not in old and set(values) & (PLACEHOLDERS | folder_names):
                counts["placeholder written"] += 1
                say(f"placeholder {key}={values}: {item.source_path}")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="soulspot-tag-losses-"))
    source = work / "in"
    shutil.copytree(args.folder, source)
    os.environ.update(
        SOULSPOT_DATA_DIR=str(work / "data"),
        SOULSPOT_MUSIC_DIR=str(work / "music"),
        SOULSPOT_METADATA_PROVIDERS="false",
        DJANGO_SETTINGS_MODULE="soulspot.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from metadata import services

    call_command("migrate", verbosity=0)
    before = {str(p): easy_tags(p) for p in source.rglob("*") if p.is_file()}
    folder_names = {p.name for p in source.rglob("*") if p.is_dir()}
    batch = services.import_folder_now(str(source), keep_source=True)
    counts = compare_import(batch, before, folder_names)
    print(f"batch {batch.status}: {batch.total} files, {batch.imported} imported")
    for name, count in sorted(counts.items()):
        print(f"{name}: {count}")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
