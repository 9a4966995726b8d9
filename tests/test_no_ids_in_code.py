"""The code learns nothing about any framework or edition: no edition id, framework id, table id or
box id found under sources/ appears in pipelines/ (strings, names and docstrings; comments aside).

Where a table, figure or box goes is its YAML's ``placement:``; what a section holds is the
edition's outline.yaml; what a framework calls things is its vocabulary.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import yaml

from tests.conftest import ROOT, SOURCES


def ids_under(sources: Path) -> dict[str, str]:
    """Every id the sources declare, with what it is."""
    found: dict[str, str] = {}
    for entry in yaml.safe_load((sources / "editions.yaml").read_text(encoding="utf-8"))["editions"]:
        found[str(entry["id"])] = "edition id"
    for path in sources.glob("frameworks/*/framework.yaml"):
        found[str(yaml.safe_load(path.read_text(encoding="utf-8"))["id"])] = "framework id"
    for path in sources.glob("editions/*/tables/*.yaml"):
        found[str(yaml.safe_load(path.read_text(encoding="utf-8"))["id"])] = "table id"
    for path in sources.glob("editions/*/narrative/boxes/*.md"):
        found[path.stem] = "box id"
    return found


def code_text(path: Path) -> str:
    """A module's source without its comments."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return " ".join(t.string for t in tokens if t.type != tokenize.COMMENT)


def hits(code_root: Path, ids: dict[str, str]) -> list[str]:
    """``"afml/edition"`` (the project's run-tag namespace, which shares its name with a framework id)
    is not a use of the id; the id anywhere else is."""
    pattern = re.compile(r"(?<![\w-])(?<!\")(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r")(?![\w-])|\"(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r")(?![\w/-])")
    found = []
    for path in sorted(code_root.rglob("*.py")):
        for match in pattern.finditer(code_text(path)):
            found_id = match.group(1) or match.group(2)
            found.append(f"{path.relative_to(code_root.parent).as_posix()}: {ids[found_id]} {found_id!r}")
    return found


def test_the_sources_declare_ids_of_each_kind():
    kinds = set(ids_under(SOURCES).values())
    assert kinds == {"edition id", "framework id", "table id", "box id"}


def test_no_id_from_the_sources_is_named_in_the_code():
    assert hits(ROOT / "pipelines", ids_under(SOURCES)) == []


def test_the_scan_finds_an_id_in_a_string_but_not_in_a_comment(tmp_path):
    code = tmp_path / "pipelines"
    code.mkdir()
    (code / "bad.py").write_text('# afml-13 in a comment is fine\nTABLE = "table01_outflow"\nTAG = "afml/edition"\nPATH = "editions/afml-13/survey"\nFW = "afml"\n', encoding="utf-8")
    assert hits(code, {"afml-13": "edition id", "table01_outflow": "table id", "afml": "framework id"}) == [
        "pipelines/bad.py: table id 'table01_outflow'",
        "pipelines/bad.py: edition id 'afml-13'",
        "pipelines/bad.py: framework id 'afml'",
    ]
