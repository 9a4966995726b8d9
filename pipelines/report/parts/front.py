"""The abbreviations list of the front matter."""

from __future__ import annotations

import yaml

from pipelines.report.assemble import AssemblyContext
from pipelines.report.document import Cell, Table


def abbreviations_table(ctx: AssemblyContext) -> Table:
    """The abbreviations list, from the edition's ``narrative/abbreviations.yaml`` (sorted)."""
    path = ctx.narrative_dir / "abbreviations.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    rows = [[Cell(short, header=True), Cell(long)] for short, long in sorted((entries or {}).items(), key=lambda kv: kv[0].lower())]
    return Table(key="abbreviations", caption="", columns=["Abbreviation", "Meaning"], rows=rows, css_class="abbreviations", numbered=False)
