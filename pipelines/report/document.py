"""The document model: what the templates lay out.

Python decides every number, label and the order of things; a template only walks this tree.
Tables, figures and boxes are numbered in the order they appear, by :class:`Numbering`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from markupsafe import Markup


def readable_anchor(kind: str, number: str, key: str) -> str:
    """An anchor a reader can read in a link: ``table-3``, ``figure-12``, ``table-iii-1`` once
    numbered; the key (hyphenated) before."""
    text = number or key
    return f"{kind}-" + "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


@dataclass
class Cell:
    text: str
    numeric: bool = False
    header: bool = False
    colspan: int = 1


@dataclass
class Table:
    """A numbered table. Rows arrive formatted; ``total_rows`` are styled as totals."""

    key: str
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    numeric_columns: set[int] = field(default_factory=set)
    total_rows: set[int] = field(default_factory=set)
    group_rows: set[int] = field(default_factory=set)
    nowrap_columns: set[int] = field(default_factory=set)  # columns kept on one line (dates)
    notes: list[str] = field(default_factory=list)
    legend: str = ""
    source: str = ""
    number: str = ""
    css_class: str = ""
    numbered: bool = True  # False: laid out like a table but not numbered or listed (abbreviations)
    kind: Literal["table"] = "table"

    @property
    def anchor(self) -> str:
        return readable_anchor("table", self.number, self.key)

    @property
    def keep_together(self) -> bool:
        """A short table is not split across pages (a long one splits between rows, repeating its
        header); a table is short when it has few rows and little text (a table of long texts may split)."""
        return len(self.rows) <= 15 and sum(len(cell.text) for row in self.rows for cell in row) <= 1200

    @property
    def label(self) -> str:
        return f"Table {self.number}"


@dataclass
class Figure:
    """A numbered figure: an inline SVG with its alt text and, for readers who need it, its data."""

    key: str
    caption: str
    svg: Markup
    alt: str
    source: str = ""
    notes: list[str] = field(default_factory=list)
    data: Table | None = None
    number: str = ""
    kind: Literal["figure"] = "figure"

    @property
    def anchor(self) -> str:
        return readable_anchor("figure", self.number, self.key)

    @property
    def image_uri(self) -> str:
        """The SVG as a ``data:`` URI: an image the PDF renderer draws with its SVG engine and the
        HTML edition carries inside itself."""
        import base64

        return "data:image/svg+xml;base64," + base64.b64encode(str(self.svg).encode("utf-8")).decode("ascii")

    @property
    def label(self) -> str:
        return f"Figure {self.number}"


@dataclass
class Box:
    """A numbered box: a highlighted example, set apart from the running text."""

    key: str
    title: str
    body: Markup
    source: str = ""
    number: str = ""
    kind: Literal["box"] = "box"

    @property
    def anchor(self) -> str:
        return readable_anchor("box", self.number, self.key)

    @property
    def label(self) -> str:
        return f"Box {self.number}"


@dataclass
class Prose:
    """Rendered narrative (Markdown turned into safe HTML)."""

    html: Markup
    kind: Literal["prose"] = "prose"


@dataclass
class RecommendationItem:
    """One commitment (for AFML, a recommendation) as the paper lists it."""

    recommendation_id: str
    forum_ordinal: str
    number: int
    text: str
    covered: bool | None = None
    anchor: str = ""  # set on the full listing (Appendix II); the first listing of an id owns rec-<id>
    instrument: str = ""  # how the paper names its instrument, e.g. "3rd AFML"
    covered_by: list[tuple[str, str]] = field(default_factory=list)  # (initiative id, its anchor in the compilation)

    @property
    def label(self) -> str:
        """``3rd AFML, No. 5``."""
        return f"{self.instrument}, No. {self.number}"

    @property
    def text_parts(self) -> tuple[str, list[str]]:
        """The text as its lead and its bulleted points ("... as follows: • a; • b"), for a list."""
        lead, *points = [part.strip() for part in self.text.split("•")]
        return lead, [p for p in points if p]

    @property
    def chip(self) -> str:
        """The same, kept on one line: ``3rd AFML No. 5`` with no-break spaces."""
        return f"{self.instrument} No. {self.number}".replace(" ", "\u00a0")


@dataclass
class RecommendationList:
    """The recommendations of a cluster or sub-cluster, listed with their forum and number."""

    items: list[RecommendationItem]
    compact: bool = False  # compact: references linking to the full text in Appendix II
    title: str = ""
    kind: Literal["recommendations"] = "recommendations"


@dataclass
class InitiativeEntry:
    reader_id: str  # the initiative's id as the paper shows it ("LR-048"), also in the exports
    title: str
    description: str
    reporter: str
    meta: str
    anchor: str
    facets: dict[str, str] = field(default_factory=dict)  # facet -> value, for the HTML edition's filters
    recommendations: str = ""  # the commitments it names, as the paper labels them ("4th AFML No. 17")


@dataclass
class CountryInitiatives:
    country: str
    entries: list[InitiativeEntry]


@dataclass
class InitiativeCompilation:
    """The initiatives reported for one sub-cluster, grouped by Member State."""

    countries: list[CountryInitiatives]
    empty_message: str = ""
    kind: Literal["initiatives"] = "initiatives"


@dataclass
class KeyFigures:
    """A small panel of headline indicators (label -> formatted value)."""

    title: str
    items: list[tuple[str, str]]
    kind: Literal["key_figures"] = "key_figures"


Block = Table | Figure | Box | Prose | RecommendationList | InitiativeCompilation | KeyFigures


@dataclass
class Section:
    """A heading and what follows it. ``number`` is "2.1" or "" for unnumbered parts."""

    key: str
    title: str
    level: int
    number: str = ""
    blocks: list[Block] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)
    css_class: str = ""
    in_toc: bool = True

    @property
    def anchor(self) -> str:
        return f"sec-{self.key}"

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip() if self.number else self.title

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Numbering:
    """Numbers tables, figures and boxes in reading order and lists them for the front matter."""

    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    by_key: dict[str, Table | Figure | Box] = field(default_factory=dict)
    _reserved: dict = field(default_factory=dict)  # numbers the sources declared, per kind
    _counters: dict = field(default_factory=dict)

    def assign(self, sections: list[Section]) -> None:
        """Floats whose source declared a number keep it (the paper and the exported data then agree);
        the others take the free numbers in reading order."""
        self._reserved = {
            kind: {b.number for top in sections if "appendix" not in top.css_class.split() for s in top.walk() for b in s.blocks if isinstance(b, kind) and b.number}
            for kind in (Table, Figure)
        }
        self._counters = {Table: 0, Figure: 0}
        for top in sections:
            appendix = top.css_class == "appendix"
            for section in top.walk():
                for block in section.blocks:
                    self._number(block, appendix_number=top.number.removeprefix("Appendix ").strip() if appendix else "")

    def _next(self, kind) -> str:
        """The next number of ``kind`` in reading order that no source declared."""
        while True:
            self._counters[kind] += 1
            if str(self._counters[kind]) not in self._reserved[kind]:
                return str(self._counters[kind])

    def _number(self, block: Block, appendix_number: str) -> None:
        if isinstance(block, Table):
            if not block.numbered:
                return
            if not block.number:
                block.number = self._next(Table) if not appendix_number else f"{appendix_number}.{sum(1 for t in self.tables if t.number.startswith(appendix_number + '.')) + 1}"
            self.tables.append(block)
        elif isinstance(block, Figure):
            block.number = block.number or self._next(Figure)
            self.figures.append(block)
            if block.data is not None:
                block.data.number = f"{block.number} (data)"
        elif isinstance(block, Box):
            block.number = str(len(self.boxes) + 1)
            self.boxes.append(block)
        else:
            return
        if block.key in self.by_key:
            raise ValueError(f"two floats share the key {block.key!r}")
        self.by_key[block.key] = block
