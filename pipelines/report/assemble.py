"""Assembles the paper: walks the edition's outline in reading order and numbers what needs numbers.

The outline (``outline.yaml``) says which sections there are, with which narrative, which computed
blocks and which slot; the blocks come from :mod:`pipelines.report.blocks`, the framework's groups
from :mod:`pipelines.report.parts.groups`. Narrative blocks are rendered last, once every table,
figure and box has its number, so a narrative can refer to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.editions import Edition
from pipelines.frameworks import Framework
from pipelines.report.document import Box, Numbering, Prose, Section
from pipelines.report.model import Catalog, Document, ReportData
from pipelines.report.narrative import Narrative, NarrativeError, render_narrative


@dataclass
class NarrativeSlot:
    """Where a narrative goes: a file written by the authors, or else a generated default."""

    part: str  # file stem under sources/editions/<edition>/narrative/, e.g. "group-A"
    default: str | None = None  # template under templates/narrative/ used when the file is absent
    facts: dict = field(default_factory=dict)  # part-specific facts, merged over the shared ones
    kind: str = "narrative"
    source_text: str | None = None  # inline narrative (e.g. a box body) instead of a file
    source_name: str = ""


@dataclass
class LateBlock:
    """A computed block (of :data:`pipelines.report.blocks.BLOCKS`) built when the narratives are
    written in (:func:`written_in`), not with the sections: one that prints what every build makes
    anew, the colophon with the build's provenance, so that the sections a narrative change reuses
    stay right. It may hold narratives, and no numbered table, figure or box (those are numbered with
    the sections)."""

    name: str
    options: dict = field(default_factory=dict)


@dataclass
class AssemblyContext:
    """Everything a part builder may use."""

    edition: Edition
    framework: Framework
    catalog: Catalog
    narrative_dir: Path
    templates_dir: Path
    facts: dict
    data: ReportData | None = None
    slots: object = None  # pipelines.report.slots.Slots

    @property
    def words(self):
        return self.framework.vocabulary


def _resolve_slots(sections: list[Section], ctx: AssemblyContext, refs: dict, problems: list) -> None:
    """Build the late blocks and render every narrative; the problems of all of them (added to
    ``problems``) are raised together."""
    for top in sections:
        for section in top.walk():
            rendered = []
            for block in _late_blocks_built(section.blocks, ctx):
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


def _late_blocks_built(blocks: list, ctx: AssemblyContext) -> list:
    """``blocks`` with each :class:`LateBlock` replaced by the blocks it builds now."""
    from pipelines.report.blocks import BLOCKS
    from pipelines.report.document import Figure, Table

    built = []
    for block in blocks:
        if not isinstance(block, LateBlock):
            built.append(block)
            continue
        made = BLOCKS[block.name](ctx, block.options)
        if any(isinstance(b, (Figure, Box)) or isinstance(b, Table) and b.numbered for b in made):
            raise ValueError(f"the {block.name!r} block is built late and may hold no numbered table, figure or box")
        built += made
    return built


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


def render_title(title: str, facts: dict, where: str) -> str:
    """A heading of the outline, with its expressions (``{{ catalog.first_forum }}``) filled in."""
    if "{" not in title:
        return title
    from jinja2 import Environment, StrictUndefined, TemplateError

    try:
        return Environment(undefined=StrictUndefined, autoescape=False).from_string(title).render(**facts)
    except TemplateError as error:
        raise ValueError(f"{where}: title {title!r}: {error}") from None


def build_sections(ctx: AssemblyContext, outline) -> tuple[list[Section], list[Section]]:
    """The front matter and body of the paper, from the outline."""
    from pipelines.report.blocks import build_block
    from pipelines.report.parts.groups import group_sections

    def build(spec) -> Section | None:
        blocks = [NarrativeSlot(spec.narrative, spec.default)] if spec.narrative else []
        for block in spec.blocks:
            blocks += build_block(block, ctx)
        placed = ctx.slots.take(spec.slot) if spec.slot else []
        computed = [b for b in blocks if not isinstance(b, NarrativeSlot)]
        if spec.optional and not placed and not computed:
            return None  # an optional section with nothing placed or computed in it
        section = Section(
            spec.key,
            render_title(spec.title, ctx.facts, f"{outline.file}, section {spec.key!r}"),
            level=spec.level,
            number=spec.number,
            blocks=blocks + placed,
            css_class=spec.css_class,
            in_toc=spec.toc,
        )
        section.children = [child for child in map(build, spec.children) if child is not None]
        if spec.groups:
            section.children += group_sections(ctx, section, spec.groups)
        return section

    front = [s for s in map(build, outline.front) if s is not None]
    body = [s for s in map(build, outline.body) if s is not None]
    return front, body


def short_title(ctx: AssemblyContext) -> str:
    """The running head: the paper's short title in the reader's words, never an id —
    "Progress in implementing the 3rd–12th AFML recommendations"."""
    catalog = ctx.facts.get("catalog")
    first, last = (getattr(catalog, "first_forum", ""), getattr(catalog, "last_forum", "")) if catalog is not None else ("", "")
    span = f"{first}–{last} " if first and last and first != last else (f"{first} " if first else "")
    return f"Progress in implementing the {span}{ctx.framework.short_name} {ctx.words.commitments}"


@dataclass
class PaperSections:
    """The paper before its narratives are written in: the sections built from the data and the
    outline, tables, figures and boxes placed and numbered, charts drawn; each narrative still a
    :class:`NarrativeSlot`. What a narrative change does not change (the ``report_sections`` asset)."""

    ctx: AssemblyContext
    front: list[Section]
    body: list[Section]
    numbering: Numbering
    build_date: dt.datetime


def sections_built(ctx: AssemblyContext, outline, build_date: dt.datetime) -> PaperSections:
    """Build the front matter and body from the outline and number their tables, figures and boxes."""
    front, body = build_sections(ctx, outline)
    first = next((s for s in body if "front" not in s.css_class.split()), None)
    if first is not None:  # the body's page numbers start at 1 here; the front matter's are roman
        first.css_class = f"{first.css_class} body-start".strip()
    numbering = Numbering()
    numbering.assign(body)
    return PaperSections(ctx, front, body, numbering, build_date)


def written_in(sections: PaperSections, finishers=()) -> Document:
    """The document: ``sections`` with every narrative rendered (they may refer to any table, figure
    or box by its number); ``finishers`` then run over the numbered body (e.g. to gather the sources
    cited). ``sections`` is changed in place."""
    ctx = sections.ctx
    problems: list = list(getattr(ctx.slots, "problems", []))  # placements that name no slot
    _resolve_slots(sections.front + sections.body, ctx, sections.numbering.by_key, problems)
    for finish in finishers:
        finish(sections.body)
    edition, numbering = ctx.edition, sections.numbering
    return Document(
        edition_id=edition.id,
        title=edition.title,
        subtitle=edition.subtitle,
        short_title=short_title(ctx),
        publisher=edition.publisher,
        language=edition.language,
        build_date=sections.build_date,
        front_matter=sections.front,
        sections=sections.body,
        float_lists=[("List of tables", numbering.tables), ("List of figures", numbering.figures), ("List of boxes", numbering.boxes)],
    )


def assemble(ctx: AssemblyContext, outline, build_date: dt.datetime, finishers=()) -> Document:
    """Build the document from the outline; ``finishers`` then run over the numbered body (e.g. to
    gather the sources cited)."""
    return written_in(sections_built(ctx, outline, build_date), finishers)
