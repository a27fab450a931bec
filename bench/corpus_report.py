"""What SoulSpot makes of a folder of real files, next to what mutagen, ffmpeg and `flac -t` say.

    .venv/bin/python bench/corpus_report.py FOLDER [--deep]

In throw-away data dirs (SQLite, providers off; nothing outside a temporary folder is written):
1. scans a copy of FOLDER as the music folder: files found, catalogued, flagged broken (reasons
   grouped), scan problems, and whether the scan aborted (it must not);
2. imports another copy into an empty library (`manage.py import`'s service, keep sources):
   outcome per state, warnings and failures grouped, and tag losses as
   bench/import_tag_losses.py counts them (every tag before must be there after, or changed
   to the same fact in the importer's form);
   (with `--deep`, both the scan and the import decode every file);
3. compares per file with mutagen (`File()` is not None), ffmpeg (exit status of a full decode)
   and `flac -t` (FLACs): files a tool reads but SoulSpot does not, and the other way round.

Each part runs in its own process (its own Django set-up and data dir) and hands back JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MARK = "CORPUS-JSON "


def files_of(folder: Path) -> list[str]:
    """Relative paths of every regular file (hidden ones too: a user's folder holds them)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _setup(work: Path, music: Path) -> None:
    os.environ.update(
        SOULSPOT_DATA_DIR=str(work / "data"),
        SOULSPOT_MUSIC_DIR=str(music),
        SOULSPOT_METADATA_PROVIDERS="false",
        DJANGO_SETTINGS_MODULE="soulspot.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def part_scan(folder: Path, deep: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix="soulspot-corpus-scan-"))
    music = work / "music"
    shutil.copytree(folder, music)
    _setup(work, music)
    from library import services
    from library.models import ScanProblem, TrackFile

    result: dict = {"aborted": "", "files": {}, "problems": []}
    try:
        scan = services.start_scan(deep=deep, background=False)
        status = services.run_scan(scan.pk)
        scan.refresh_from_db()
        if status != "completed" or scan.status != "completed":
            result["aborted"] = f"{status}/{scan.status}: {scan.error}"
    except Exception as exc:  # the measurement: an exception here is a scan abort
        result["aborted"] = f"{type(exc).__name__}: {exc}"
    for row in TrackFile.objects.values("path", "is_broken", "broken_reason", "quality"):
        relative = str(Path(row["path"]).relative_to(music))
        result["files"][relative] = row["broken_reason"] if row["is_broken"] else ""
    for kind, path, detail in ScanProblem.objects.values_list("kind", "path", "detail"):
        relative = str(Path(path).relative_to(music)) if path.startswith(str(music)) else path
        result["problems"].append([kind, relative, detail])
    shutil.rmtree(work)
    return result


def part_import(folder: Path, deep: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix="soulspot-corpus-import-"))
    source = work / "in"
    shutil.copytree(folder, source)
    (work / "music").mkdir()
    _setup(work, work / "music")
    from bench.import_tag_losses import compare_import, easy_tags
    from metadata import services
    from metadata.models import ImportItem

    before = {str(p): easy_tags(p) for p in source.rglob("*") if p.is_file()}
    folder_names = {p.name for p in source.rglob("*") if p.is_dir()}
    result: dict = {"aborted": "", "states": {}, "items": {}, "losses": {}}
    try:
        batch = services.import_folder_now(str(source), keep_source=True, deep=deep)
        result["status"] = batch.status
        result["losses"] = dict(compare_import(batch, before, folder_names))
    except Exception as exc:
        result["aborted"] = f"{type(exc).__name__}: {exc}"
    result["replaced"] = []
    for item in ImportItem.objects.select_related("replaced_by").order_by("pk"):
        relative = str(Path(item.source_path).relative_to(source))
        result["items"][relative] = [item.state, item.reason]
        if item.replaced_by:
            by = str(Path(item.replaced_by.source_path).relative_to(source))
            result["replaced"].append([relative, by])
    result["states"] = dict(Counter(state for state, _ in result["items"].values()))
    shutil.rmtree(work)
    return result


def tool_verdicts(folder: Path, names: list[str]) -> dict[str, dict[str, bool | None]]:
    """Per file: does mutagen open it, does ffmpeg decode it (exit 0), does `flac -t` pass."""
    import mutagen

    ffmpeg, flac = shutil.which("ffmpeg"), shutil.which("flac")
    verdicts = {}
    for name in names:
        path = folder / name
        try:
            readable = mutagen.File(path) is not None
        except Exception:
            readable = False
        decodes = None
        if ffmpeg:
            run = subprocess.run(
                [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
                capture_output=True,
                timeout=120,
            )
            decodes = run.returncode == 0
        flac_ok = None
        if flac and path.suffix.lower() == ".flac":
            run = subprocess.run([flac, "-t", "-s", str(path)], capture_output=True, timeout=120)
            flac_ok = run.returncode == 0
        verdicts[name] = {"mutagen": readable, "ffmpeg": decodes, "flac": flac_ok}
    return verdicts


def run_part(part: str, folder: Path, deep: bool) -> dict:
    args = [sys.executable, __file__, str(folder), "--part", part] + (["--deep"] if deep else [])
    run = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    for line in run.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    return {"aborted": f"process exited {run.returncode}: {run.stderr.strip()[-500:]}"}


def grouped(reasons: list[str], indent: str = "    ") -> list[str]:
    return [f"{indent}{n:4d} × {reason}" for reason, n in Counter(reasons).most_common()]


def report(folder: Path, deep: bool) -> list[str]:
    names = files_of(folder)
    scan, imported = run_part("scan", folder, deep), run_part("import", folder, deep)
    tools = tool_verdicts(folder, names)
    catalogued = scan.get("files", {})
    broken = {name: why for name, why in catalogued.items() if why}
    items = imported.get("items", {})
    lines = [f"Folder {folder}: {len(names)} files", "", f"SCAN ({'deep' if deep else 'quick'})"]
    lines.append(f"  scan aborts: {1 if scan.get('aborted') else 0} {scan.get('aborted', '')}")
    lines.append(f"  catalogued: {len(catalogued)} (healthy {len(catalogued) - len(broken)})")
    lines.append(f"  flagged broken: {len(broken)}")
    lines += grouped(list(broken.values()))
    problems = scan.get("problems", [])
    lines.append(f"  scan problems: {len(problems)}")
    lines += grouped([f"{kind}: {detail}" for kind, _, detail in problems])
    lines += ["", f"IMPORT ({'deep' if deep else 'quick'})"]
    lines.append(
        f"  import aborts: {1 if imported.get('aborted') else 0} {imported.get('aborted')}"
    )
    lines.append(f"  items: {len(items)} {imported.get('states', {})}")
    warnings = [why for state, why in items.values() if state == "imported" and why]
    lines.append(f"  imported with warnings: {len(warnings)}")
    lines += grouped(warnings)
    for state in ("failed", "quarantined", "skipped"):
        reasons = [why for s, why in items.values() if s == state]
        if reasons:
            lines.append(f"  {state}: {len(reasons)}")
            lines += grouped(reasons)
    replaced = imported.get("replaced", [])
    lines.append(f"  imported, then replaced by a better file of the batch: {len(replaced)}")
    lines += [f"    {old}  ->  {by}" for old, by in replaced]
    losses = imported.get("losses", {})
    lines.append("  tag comparison: " + (", ".join(f"{k} {v}" for k, v in sorted(losses.items()))))
    lines.append(f"  tag losses: {losses.get('tag lost', 0)}")
    lines += ["", "VERSUS THE TOOLS"]
    mutagen_reads = {n for n, v in tools.items() if v["mutagen"]}
    ffmpeg_decodes = {n for n, v in tools.items() if v["ffmpeg"]}
    flacs = {n: v["flac"] for n, v in tools.items() if v["flac"] is not None}
    lines.append(
        f"  mutagen reads: {len(mutagen_reads)}; ffmpeg decodes (exit 0): "
        f"{len(ffmpeg_decodes)}; flac -t passes: {sum(flacs.values())} of {len(flacs)}"
    )
    healthy = set(catalogued) - set(broken)
    checks = [
        ("mutagen reads, scan did not catalogue", sorted(mutagen_reads - set(catalogued))),
        ("catalogued healthy, ffmpeg cannot decode", sorted(healthy - ffmpeg_decodes)),
        ("flagged broken, ffmpeg decodes", sorted(set(broken) & ffmpeg_decodes)),
        (
            "flac -t fails, catalogued healthy",
            sorted(n for n, ok in flacs.items() if not ok and n in healthy),
        ),
        (
            "flac -t passes, flagged broken",
            sorted(n for n, ok in flacs.items() if ok and n in broken),
        ),
        (
            "imported healthy, ffmpeg cannot decode",
            sorted(
                n
                for n, (state, _) in items.items()
                if state == "imported" and n not in ffmpeg_decodes
            ),
        ),
    ]
    for title, found in checks:
        lines.append(f"  {title}: {len(found)}")
        lines += [
            f"    {name}" + (f"  [{broken[name]}]" if name in broken else "") for name in found
        ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument(
        "--deep", action="store_true", help="scan and import with --deep (decode every file)"
    )
    parser.add_argument("--part", choices=["scan", "import"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = args.folder.resolve()
    if args.part == "scan":
        print(MARK + json.dumps(part_scan(folder, args.deep)))
    elif args.part == "import":
        print(MARK + json.dumps(part_import(folder, args.deep)))
    else:
        print("\n".join(report(folder, args.deep)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
