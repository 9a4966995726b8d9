"""The outline of a paper, declared per edition in ``sources/editions/<edition>/outline.yaml``.

The outline lists the sections in reading order. Each section has a title (Jinja expressions allowed,
e.g. ``{{ catalog.first_forum }}``), an optional number, its narrative (a file stem under the
edition's ``narrative/`` folder, with a default template under ``templates/narrative/``), the blocks
the pipeline computes for it (by name, see :mod:`pipelines.report.blocks`), and optionally a named
``slot`` that source tables, figures and boxes are placed into (``placement:`` in their YAML).
``groups: true`` makes the framework's groups and sub-groups the section's children.

A mistyped block name, slot or key fails the build with the file and the valid names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

OUTLINE_FILE = "outline.yaml"
DEFAULT_OUTLINE = "report/outline.yaml"  # under templates/: for an edition without an outline of its own
PARTS = ("front", "body")
SECTION_KEYS = {"key", "title", "number", "narrative", "default", "blocks", "slot", "sections", "groups", "css_class", "toc", "optional"}


class OutlineError(ValueError):
    """A problem in an outline file, naming the file and what is valid."""


@dataclass
class BlockSpec:
    """One computed block of a section: a name from the block registry, or a narrative."""

    name: str
    narrative: str = ""
    default: str | None = None
    options: dict = field(default_factory=dict)  # e.g. {caption: ...} for blocks that take one


@dataclass
class SectionSpec:
    key: str
    title: str
    level: int
    number: str = ""
    narrative: str = ""
    default: str | None = None
    blocks: list[BlockSpec] = field(default_factory=list)
    slot: str = ""
    groups: str = ""  # "progress" or "listing": the framework's groups as children
    css_class: str = ""
    toc: bool = True
    optional: bool = False  # dropped when nothing is placed in its slot and its blocks compute nothing
    children: list["SectionSpec"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Outline:
    file: str
    front: list[SectionSpec]
    body: list[SectionSpec]

    def sections(self):
        for top in self.front + self.body:
            yield from top.walk()

    @property
    def slots(self) -> list[str]:
        return [s.slot for s in self.sections() if s.slot]


def _block(raw, where: str, file: str, block_names: set[str]) -> BlockSpec:
    if isinstance(raw, str):
        if raw not in block_names:
            raise OutlineError(f"{file}: {where}: unknown block {raw!r}; the blocks are: {', '.join(sorted(block_names))}, or {{narrative: <file stem>, default: <template>}}")
        return BlockSpec(raw)
    if isinstance(raw, dict) and "narrative" in raw and set(raw) <= {"narrative", "default"}:
        return BlockSpec("narrative", narrative=str(raw["narrative"]), default=raw.get("default"))
    if isinstance(raw, dict) and "block" in raw:
        spec = _block(str(raw["block"]), where, file, block_names)
        spec.options = {k: v for k, v in raw.items() if k != "block"}
        return spec
    raise OutlineError(f"{file}: {where}: a block is a block name, {{block: <name>, <option>: ...}} or {{narrative: <file stem>, default: <template>}}, not {raw!r}")


def _section(raw, level: int, file: str, block_names: set[str], where: str) -> SectionSpec:
    if not isinstance(raw, dict) or "key" not in raw or "title" not in raw:
        raise OutlineError(f"{file}: {where}: a section needs at least key and title")
    unknown = sorted(set(raw) - SECTION_KEYS)
    if unknown:
        raise OutlineError(f"{file}: section {raw['key']!r}: unknown key(s) {', '.join(unknown)}; a section has: {', '.join(sorted(SECTION_KEYS))}")
    key = str(raw["key"])
    spec = SectionSpec(
        key=key,
        title=str(raw["title"]),
        level=level,
        number=str(raw.get("number") or ""),
        narrative=str(raw.get("narrative") or ""),
        default=raw.get("default"),
        blocks=[_block(b, f"section {key!r}", file, block_names) for b in raw.get("blocks") or []],
        slot=str(raw.get("slot") or ""),
        groups=raw.get("groups") or "",
        css_class=str(raw.get("css_class") or ""),
        toc=bool(raw.get("toc", True)),
        optional=bool(raw.get("optional", False)),
    )
    spec.children = [_section(child, level + 1, file, block_names, f"section {key!r}") for child in raw.get("sections") or []]
    return spec


def load_outline(path: Path, display_name: str, block_names: set[str]) -> Outline:
    """Read and check an outline file."""
    if not path.exists():
        raise OutlineError(f"{display_name}: the edition has no outline (the list of its sections); see sources/editions/*/outline.yaml for an example")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or set(raw) - set(PARTS):
        raise OutlineError(f"{display_name}: an outline has two lists, front and body (found: {', '.join(map(str, raw)) if isinstance(raw, dict) else type(raw).__name__})")
    outline = Outline(
        file=display_name,
        front=[_section(s, 2, display_name, block_names, "front") for s in raw.get("front") or []],
        body=[_section(s, 2, display_name, block_names, "body") for s in raw.get("body") or []],
    )
    keys = [s.key for s in outline.sections()]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise OutlineError(f"{display_name}: section key(s) used twice: {', '.join(twice)}")
    slots = outline.slots
    if len(slots) != len(set(slots)):
        raise OutlineError(f"{display_name}: slot(s) declared twice: {', '.join(sorted({s for s in slots if slots.count(s) > 1}))}")
    return outline
