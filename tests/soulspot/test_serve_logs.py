"""Logs that lose nothing: children write to pipes, `serve` alone writes (and rotates) the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from soulspot.lib.logging import CombinedLog
from soulspot.lib.processes import ChildProcess

ROOT = Path(__file__).resolve().parents[2]
LINES = 20_000

# Two children at once, as gunicorn and qcluster are, each writing as fast as it can.
WRITER = (
    "import sys\n"
    "for i in range({n}):\n"
    '    print(\'{{"child": "{name}", "line": %d, "pad": "%s"}}\' % (i, \'x\' * 40))\n'
)


def _logged_lines(folder: Path) -> list[str]:
    lines = []
    for path in folder.glob("soulspot.log*"):
        lines.extend(path.read_text().splitlines())
    return lines


def test_every_line_of_every_child_reaches_the_rotated_file_set_and_stdout(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    with (tmp_path / "stdout.txt").open("w") as stdout:
        sink = CombinedLog(logs / "soulspot.log", max_bytes=100_000, backups=100, stream=stdout)
        children = [
            ChildProcess(name, [sys.executable, "-c", WRITER.format(n=LINES, name=name)], sink=sink)
            for name in ("web", "worker")
        ]
        for child in children:
            child.start()
        for child in children:
            child.process.wait(timeout=120)
            child.stop()
        sink.close()
    in_files = _logged_lines(logs)
    on_stdout = (tmp_path / "stdout.txt").read_text().splitlines()
    for lines in (in_files, on_stdout):
        assert len(lines) == 2 * LINES
        for name in ("web", "worker"):
            numbers = sorted(int(x.split('"line": ')[1].split(",")[0]) for x in lines if name in x)
            assert numbers == list(range(LINES)), f"{name} lost lines"
    rotated = sorted(p.name for p in logs.glob("soulspot.log.*"))
    assert len(rotated) >= 10  # about 2.3 MB written in 100 kB files
    assert all(p.stat().st_size <= 100_000 for p in logs.glob("soulspot.log*"))


def test_a_command_run_by_hand_logs_to_the_console_only(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULSPOT_", "SLSKD_"))}
    env.update(SOULSPOT_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "import logging; logging.warning('by hand')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert '"message": "by hand"' in result.stderr
    assert not list((tmp_path / "data" / "logs").glob("soulspot.log*"))
