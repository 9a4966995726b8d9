"""The list of references: the works the paper's tables, figures and boxes cite, compiled from the
edition's ``references.yaml`` (author, year and title as the paper gives them). Each source line
links the works it cites to their entry; the list says where each is cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from pipelines.report.document import Box, Figure, Prose, Section, Table

REFERENCES_FILE = "references.yaml"  # in the edition's folder


@dataclass(frozen=True)
class Reference:
    author: str
    year: str
    title: str
    cited_as: tuple[str, ...]

    @property
    def anchor(self) -> str:
        text = f"{self.author} {self.year}".lower()
        return "ref-" + "-".join("".join(ch if ch.isalnum() else " " for ch in text).split())

    @property
    def entry(self) -> Markup:
        """``Author (year). <em>Title</em>.`` — the title only where the paper gives one."""
        title = Markup(" <em>{}</em>.").format(self.title) if self.title else Markup("")
        return Markup("{} ({}).").format(self.author, self.year) + title


def load_references(path: Path, display_name: str) -> list[Reference]:
    """The edition's references; none when the file is absent. A malformed entry fails with the file and entry."""
    import yaml

    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    references = []
    for index, entry in enumerate(raw.get("references", []), start=1):
        missing = [key for key in ("author", "year", "cited_as") if not entry.get(key)]
        if missing:
            raise ValueError(f"{display_name}: reference {index}: {', '.join(missing)} missing (each reference has author, year, title and cited_as)")
        references.append(Reference(str(entry["author"]), str(entry["year"]), str(entry.get("title") or ""), tuple(str(c) for c in entry["cited_as"])))
    return references


def pending_sources() -> "_Pending":
    """The list of references, filled in by :func:`fill_references` once every float has its number."""
    return _Pending()


class _Pending:
    """Placeholder replaced by :func:`fill_references` once every float has its number."""

    kind = "pending"


def _spans(text: str, references: list[Reference]) -> list[tuple[int, int, Reference]]:
    """Where ``text`` cites each reference (longest forms first; overlaps keep the first found)."""
    found: list[tuple[int, int, Reference]] = []
    forms = sorted(((form, ref) for ref in references for form in ref.cited_as), key=lambda item: -len(item[0]))
    for form, ref in forms:
        start = text.find(form)
        while start != -1:
            end = start + len(form.rstrip(", "))
            if not any(s < end and start < e for s, e, _ in found):
                found.append((start, end, ref))
            start = text.find(form, start + 1)
    return sorted(found, key=lambda span: span[0])


def linked_source(text: str, references: list[Reference]) -> tuple[Markup, list[Reference]]:
    """A source line with each cited work linked to its entry in the list of references."""
    out, cited, position = Markup(""), [], 0
    for start, end, ref in _spans(text, references):
        out += escape(text[position:start]) + Markup('<a class="cite" href="#{}">{}</a>').format(ref.anchor, text[start:end])
        cited.append(ref)
        position = end
    return out + escape(text[position:]), cited


def fill_references(sections: list[Section], references: list[Reference] | None = None) -> None:
    """Link every source line to the references it cites and put the list of references, with the
    tables, figures and boxes citing each, in place of the placeholder."""
    references = references or []
    where: dict[Reference, list[str]] = {}
    others: dict[str, list[str]] = {}
    for top in sections:
        for section in top.walk():
            for block in section.blocks:
                if isinstance(block, (Table, Figure, Box)) and getattr(block, "number", "") and block.source:
                    text = str(block.source).strip()
                    linked, cited = linked_source(text, references)
                    for ref in cited:
                        where.setdefault(ref, []).append(block.label)
                    if not cited:
                        others.setdefault(text.rstrip("."), []).append(block.label)
                    block.source = linked
    items = [Markup('<li id="{}">{} <span class="cited-in">Cited in {}.</span></li>').format(ref.anchor, ref.entry, ", ".join(dict.fromkeys(where[ref]))) for ref in sorted(where, key=lambda r: (r.author.lower(), r.year))]
    items += [Markup('<li>{}. <span class="cited-in">Cited in {}.</span></li>').format(text, ", ".join(dict.fromkeys(labels))) for text, labels in sorted(others.items(), key=lambda kv: kv[0].lower())]
    listing = Prose(Markup('<ol class="reference-list">') + Markup("").join(items) + Markup("</ol>"))
    for top in sections:
        for section in top.walk():
            section.blocks = [listing if isinstance(b, _Pending) else b for b in section.blocks]
