"""Integrity verdicts against the decoders: what our checks say of every file in a folder.

    .venv/bin/python -m bench.integrity_vs_tools ../shared/corpus/real-audio [--deep] [--list]

For each file: our reason (`read_audio` + `check_integrity`, and `deep_check` with --deep)
next to what the reference tools say: `flac -t` for FLAC, otherwise ffmpeg's exit status and
how much it decoded against the header's length (short by more than 1 s and 2% = bad).
Prints the counts where they agree and disagree (--list: every file). Reads only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path


def reference_bad(path: Path, header_ms: int | None) -> tuple[bool, str]:
    """(is it broken, what the tool said) by `flac -t` or an ffmpeg decode."""
    with path.open("rb") as f:
        is_flac = f.read(4) == b"fLaC"
    if is_flac:
        done = subprocess.run(["flac", "-t", "-s", str(path)], capture_output=True, check=False)
        return done.returncode != 0, f"flac -t exit {done.returncode}"
    args = ["ffmpeg", "-nostdin", "-v", "error", "-nostats", "-progress", "pipe:1"]
    done = subprocess.run(
        [*args, "-i", str(path), "-f", "null", "-"], capture_output=True, check=False
    )
    times = [
        line[12:] for line in done.stdout.decode().splitlines() if line.startswith("out_time_us=")
    ]
    decoded_ms = max(0, int(times[-1]) // 1000) if times and times[-1].lstrip("-").isdigit() else 0
    said = f"ffmpeg exit {done.returncode}, decoded {decoded_ms} ms of {header_ms} ms"
    if done.returncode != 0:
        return True, said
    short = bool(header_ms) and header_ms - decoded_ms > max(1000, 0.02 * header_ms)
    return short, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--deep", action="store_true", help="also run our deep check")
    parser.add_argument("--list", action="store_true", help="print every file's verdicts")
    options = parser.parse_args()
    if not (shutil.which("ffmpeg") and shutil.which("flac")):
        sys.exit("needs ffmpeg and flac on PATH")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soulspot.settings")
    import django

    django.setup()
    from library.audio import UnreadableAudio, check_integrity, deep_check, read_audio

    counts = {
        "files": 0,
        "not audio to us": 0,
        "agree": 0,
        "we flag, tools ok": 0,
        "tools bad, we pass": 0,
    }
    flagged = 0
    for path in sorted(p for p in options.folder.rglob("*") if p.is_file()):
        counts["files"] += 1
        header_ms = None
        try:
            info = read_audio(path)
            header_ms = info.duration_ms
            reason = check_integrity(path, info)
            if options.deep and not reason:
                reason = deep_check(path, header_ms)
        except UnreadableAudio as exc:
            reason = exc.reason
        if reason and reason.startswith(("unknown or unsupported", "empty file")):
            counts["not audio to us"] += 1
            continue
        flagged += bool(reason)
        bad, said = reference_bad(path, header_ms)
        key = (
            "agree"
            if bad == bool(reason)
            else ("we flag, tools ok" if reason else "tools bad, we pass")
        )
        counts[key] += 1
        if options.list or key != "agree":
            print(f"{path.relative_to(options.folder)}\t{reason or 'OK'}\t{said}\t{key}")
    print(
        f"flagged broken with a reason: {flagged}; "
        + "; ".join(f"{k}: {v}" for k, v in counts.items())
    )


if __name__ == "__main__":
    main()
