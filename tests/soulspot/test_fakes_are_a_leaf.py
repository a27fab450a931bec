"""The fakes ship with the product for `manage.py demo`, so they must not lean on the apps."""

from __future__ import annotations

import ast
from pathlib import Path

FAKES = Path(__file__).resolve().parents[2] / "fakes"
FORBIDDEN = {"soulspot", "accounts", "library", "metadata", "downloads", "automation", "tests"}


def _imported_packages(source: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_fake_imports_a_soulspot_app_or_the_tests() -> None:
    offenders = {
        str(path.relative_to(FAKES)): sorted(_imported_packages(path) & FORBIDDEN)
        for path in sorted(FAKES.rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}
