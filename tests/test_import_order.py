"""Data flows one way: no module of an earlier stage imports a later one (ast walk of pipelines/).

Stages, from the ground floor up: shared code (sourcefiles, settings, editions, frameworks, shared/,
formatting, metadata, partitions) -> catalog, tables, survey -> indicators -> report -> operations ->
the entry points (definitions, sensors, cli). A module may import its own stage and those below it.
Imports inside functions count as well: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PIPELINES = ROOT / "pipelines"
STAGES = {
    "sourcefiles": 0, "settings": 0, "editions": 0, "frameworks": 0, "shared": 0, "formatting": 0, "metadata": 0, "partitions": 0, "yamlfiles": 0, "__init__": 0,
    "catalog": 1, "tables": 1, "survey": 1,
    "indicators": 2,
    "report": 3,
    "operations": 4,
    "definitions": 5, "sensors": 5, "cli": 5, "preview": 5, "__main__": 5,
}


def stage_of(module: str) -> int:
    """``pipelines.report.parts.evidence`` -> the stage of ``report``."""
    parts = module.split(".")
    if parts[0] != "pipelines":
        raise ValueError(module)
    top = parts[1] if len(parts) > 1 else "__init__"
    if top not in STAGES:
        raise AssertionError(f"pipelines/{top} is in no stage: add it to STAGES in tests/test_import_order.py")
    return STAGES[top]


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("pipelines")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("pipelines"):
            if node.module == "pipelines":  # from pipelines import formatting
                found += [(node.lineno, f"pipelines.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def violations(root: Path = PIPELINES) -> list[str]:
    bad = []
    for path in sorted(root.rglob("*.py")):
        module = "pipelines." + ".".join(path.relative_to(root).with_suffix("").parts)
        own = stage_of(module)
        for line, imported in imports_of(path):
            if stage_of(imported) > own:
                bad.append(f"{path.relative_to(root.parent).as_posix()}:{line} imports {imported} (a later stage)")
    return bad


def test_no_stage_imports_a_later_one():
    assert violations() == []


def test_the_walk_catches_a_backward_import(tmp_path):
    """The guard itself can fail: a catalog module importing the report is reported with its line."""
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "bad.py").write_text("import os\n\ndef f():\n    from pipelines.report.document import Table\n", encoding="utf-8")
    assert [v.split(" imports ")[1] for v in violations(tmp_path)] == ["pipelines.report.document (a later stage)"]
