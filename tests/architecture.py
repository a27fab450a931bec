"""The import rules between SoulSpot's apps, checked by parsing source files (no imports run).

Apps are layered; each imports only apps to its left:

    soulspot.lib <- accounts <- library <- metadata <- downloads <- automation <- soulspot

`soulspot.lib` imports no app, `fakes` (the offline demo's fake services) imports none either
and only the project wiring (its `demo` command) imports `fakes`; nothing outside `tests/`
imports `tests`. Imports inside functions count too: a lazy import
hides a dependency, it does not remove it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

LAYERS = ["soulspot.lib", "accounts", "library", "metadata", "downloads", "automation", "soulspot"]
# Packages outside the layers: they may import no layer at all.
LEAVES = {"fakes"}
SKIPPED_DIRS = {"tests", "bench", "migrations", ".venv", "data", "node_modules"}


@dataclass(frozen=True)
class WrongImport:
    path: str
    line: int
    importer: str
    imported: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} must not import {self.imported}"


def layer_of(module: str) -> str | None:
    """The layer (or leaf package) a dotted module name belongs to; None for third parties."""
    if module == "soulspot.lib" or module.startswith("soulspot.lib."):
        return "soulspot.lib"
    top = module.split(".")[0]
    if top in LAYERS or top in LEAVES or top == "tests":
        return top
    return None


def allowed(importer: str, imported: str) -> bool:
    if imported == importer:
        return True
    if imported in LEAVES:
        return importer == "soulspot"  # the `demo` command runs the fakes
    if imported == "tests" or importer in LEAVES:
        return False
    return LAYERS.index(imported) < LAYERS.index(importer)


def wrong_imports(root: Path) -> list[WrongImport]:
    """Every import under `root` that breaks the rules, in path order."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if SKIPPED_DIRS.intersection(relative.parts[:-1]) or relative.parts[0] in SKIPPED_DIRS:
            continue
        importer = layer_of(".".join(relative.with_suffix("").parts))
        if importer is None:
            continue
        for line, module in _imports(path):
            imported = layer_of(module)
            if imported is not None and not allowed(importer, imported):
                found.append(WrongImport(str(relative), line, importer, imported))
    return found


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "soulspot":
            # `from soulspot import lib` names the lib layer, not the project wiring.
            modules += [(node.lineno, f"soulspot.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append((node.lineno, node.module))
    return modules
