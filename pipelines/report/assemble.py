"""Assembles the paper: walks the report's parts in reading order and numbers what needs numbers.

Each part is a function returning sections; narrative blocks are rendered last, once every table,
figure and box has its number, so a narrative can refer to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.editions import Edition
from pipelines.report.document import Box, Numbering, Prose, Section
from pipelines.report.model import Catalog, Document
from pipelines.report.narrative import Narrative, NarrativeError, render_narrative
from pipelines.report.placements import placement_problems


@dataclass
class NarrativeSlot:
    """Where a narrative goes: a file written by the authors, or else a generated default."""

    part: str  # file stem under sources/editions/<edition>/narrative/, e.g. "cluster-A"
    default: str | None = None  # template under templates/narrative/ used when the file is absent
    facts: dict = field(default_factory=dict)  # part-specific facts, merged over the shared ones
    kind: str = "narrative"
    source_text: str | None = None  # inline narrative (e.g. a box body) instead of a file
    source_name: str = ""


@dataclass
class AssemblyContext:
    """Everything a part builder may use."""

    edition: Edition
    catalog: Catalog
    narrative_dir: Path
    templates_dir: Path
    facts: dict
    extras: dict = field(default_factory=dict)


def _resolve_slots(sections: list[Section], ctx: AssemblyContext, refs: dict, problems: list) -> None:
    """Render every narrative; the problems of all of them (added to ``problems``) are raised together."""
    for top in sections:
        for section in top.walk():
            rendered = []
            for block in section.blocks:
                try:
                    if isinstance(block, Box) and isinstance(block.body, NarrativeSlot):
                        block.body = _render_slot(block.body, ctx, refs)
                    if isinstance(block, NarrativeSlot):
                        html = _render_slot(block, ctx, refs)
                        if html is not None:
                            rendered.append(Prose(html))
                        continue
                except NarrativeError as exc:
                    problems += exc.problems
                    continue
                rendered.append(block)
            section.blocks = rendered
    if problems:
        raise NarrativeError(problems)


def _render_slot(slot: NarrativeSlot, ctx: AssemblyContext, refs: dict):
    facts = ctx.facts | slot.facts
    if slot.source_text is not None:
        return render_narrative(slot.source_text, slot.source_name, facts, refs)
    authored = ctx.narrative_dir / f"{slot.part}.md"
    if authored.exists():
        display = f"sources/editions/{ctx.edition.id}/narrative/{authored.name}"
        return Narrative(authored, display).render(facts, refs)
    if slot.default is None:
        return None
    default = ctx.templates_dir / "narrative" / slot.default
    return render_narrative(default.read_text(encoding="utf-8"), f"templates/narrative/{slot.default}", facts, refs)


def assemble(ctx: AssemblyContext, parts, build_date: dt.datetime, finishers=()) -> Document:
    """Build the document from ``parts`` (functions of the context returning ``(front, body)`` sections);
    ``finishers`` then run over the numbered body (e.g. to gather the sources cited)."""
    front: list[Section] = []
    body: list[Section] = []
    for part in parts:
        part_front, part_body = part(ctx)
        front += part_front
        body += part_body
    problems = placement_problems(ctx.extras.get("placements", []), ctx.catalog.subclusters["subcluster_id"])
    numbering = Numbering()
    numbering.assign(body)
    _resolve_slots(front + body, ctx, numbering.by_key, problems)
    for finish in finishers:
        finish(body)
    edition = ctx.edition
    return Document(
        edition_id=edition.id,
        title=edition.title,
        subtitle=edition.subtitle,
        short_title=f"AFML progress review ({edition.id})",
        publisher=edition.publisher,
        language=edition.language,
        build_date=build_date,
        front_matter=front,
        sections=body,
        float_lists=[("List of tables", numbering.tables), ("List of figures", numbering.figures), ("List of boxes", numbering.boxes)],
    )
