"""Front matter: foreword and abbreviations."""

from __future__ import annotations

from pipelines.report.assemble import AssemblyContext, NarrativeSlot
from pipelines.report.document import Cell, Section, Table
from pipelines.yamlfiles import Field, load_yaml

ABBREVIATIONS = Field("mapping", values=Field(example="Migrant Worker Resource Centre"))
"""``abbreviations.yaml``: one ``SHORT: meaning`` line per abbreviation."""


def front_matter(ctx: AssemblyContext):
    foreword = Section("foreword", "Foreword", level=2, css_class="front", in_toc=False, blocks=[NarrativeSlot("foreword", "foreword.md.j2")])
    return [foreword], [abbreviations(ctx)]


def abbreviations(ctx: AssemblyContext) -> Section:
    """The abbreviations list, from the edition's ``narrative/abbreviations.yaml`` (sorted)."""
    path = ctx.narrative_dir / "abbreviations.yaml"
    entries = (load_yaml(path, ABBREVIATIONS, name=f"sources/editions/{ctx.edition.id}/narrative/{path.name}") if path.exists() else None) or {}
    rows = [[Cell(short, header=True), Cell(long)] for short, long in sorted(entries.items(), key=lambda kv: kv[0].lower())]
    table = Table(key="abbreviations", caption="", columns=["Abbreviation", "Meaning"], rows=rows, css_class="abbreviations", numbered=False)
    return Section("abbreviations", "Abbreviations", level=2, css_class="front", blocks=[table])
