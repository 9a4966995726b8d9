"""The abbreviations list of the front matter."""

from __future__ import annotations

from pipelines.report.assemble import AssemblyContext
from pipelines.report.document import Cell, Table
from pipelines.yamlfiles import Field, load_yaml

ABBREVIATIONS = Field("mapping", values=Field(example="Migrant Worker Resource Centre"))
"""``abbreviations.yaml``: one ``SHORT: meaning`` line per abbreviation."""


def abbreviations_table(ctx: AssemblyContext) -> Table:
    """The abbreviations list, from the edition's ``narrative/abbreviations.yaml`` (sorted)."""
    path = ctx.narrative_dir / "abbreviations.yaml"
    entries = (load_yaml(path, ABBREVIATIONS, name=f"sources/editions/{ctx.edition.id}/narrative/{path.name}") if path.exists() else None) or {}
    rows = [[Cell(short, header=True), Cell(long)] for short, long in sorted(entries.items(), key=lambda kv: kv[0].lower())]
    return Table(key="abbreviations", caption="", columns=["Abbreviation", "Meaning"], rows=rows, css_class="abbreviations", numbered=False)
