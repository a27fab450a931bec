"""The app layering holds in the code base, and the checker itself catches a wrong import."""

from __future__ import annotations

import re
from pathlib import Path

from tests import architecture

ROOT = Path(__file__).resolve().parents[2]


def test_no_app_imports_a_higher_app_or_the_tests() -> None:
    wrong = architecture.wrong_imports(ROOT)

    assert not wrong, "\n".join(str(w) for w in wrong)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_checker_flags_an_import_of_a_higher_app(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "library/services.py": "from downloads.services import queue_download_for_track\n",
            "downloads/engine.py": "from library.models import Track\nimport metadata.importer\n",
        },
    )

    wrong = architecture.wrong_imports(root)

    assert [str(w) for w in wrong] == ["library/services.py:1: library must not import downloads"]


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    root = _tree(
        tmp_path, {"metadata/tasks.py": "def run():\n    from downloads import services\n"}
    )

    assert [str(w) for w in architecture.wrong_imports(root)] == [
        "metadata/tasks.py:2: metadata must not import downloads"
    ]


def test_the_lib_layer_imports_no_app_and_no_one_imports_tests(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "soulspot/lib/queue.py": "from accounts.models import ApiKey\n",
            "soulspot/views.py": "from soulspot.lib import queue\nfrom library import models\n",
            "soulspot/management/commands/demo.py": "from tests.fakes import slskd\n",
            "fakes/slskd.py": "from soulspot.lib import env\n",
            "soulspot/management/commands/demo2.py": "from fakes import slskd\n",
            "downloads/engine.py": "from fakes.slskd import FakeSlskd\n",
        },
    )

    wrong = {str(w) for w in architecture.wrong_imports(root)}

    assert wrong == {
        "soulspot/lib/queue.py:1: soulspot.lib must not import accounts",
        "soulspot/management/commands/demo.py:1: soulspot must not import tests",
        "fakes/slskd.py:1: fakes must not import soulspot.lib",
        "downloads/engine.py:1: downloads must not import fakes",
    }


def test_the_formatter_lays_out_the_code() -> None:
    marker = re.compile(r"#\s*fmt:\s*(skip|off)")
    marked = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if not {".venv", "migrations"}.intersection(path.relative_to(ROOT).parts)
        and marker.search(path.read_text(encoding="utf-8"))
    ]

    assert len(marked) <= 10, marked


def test_app_code_reads_settings_by_name_only() -> None:
    hidden = [
        str(path.relative_to(ROOT))
        for app in ("accounts", "library", "metadata", "downloads", "automation", "soulspot")
        for path in (ROOT / app).rglob("*.py")
        if "getattr(settings" in path.read_text(encoding="utf-8")
    ]

    assert not hidden, hidden
