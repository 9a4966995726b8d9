"""The paged HTML of the paper cut into parts that are laid out one by one, and what each part must
print of the others: the number of its first page and the page labels of the anchors it points to.

The PDF is laid out part by part (:mod:`pipelines.report.pdf_assembly`) so that the parts can be laid
out side by side on a machine's cores, each in a process that ends with it, and so that a rebuild after
one chapter changed lays out that chapter only. A part is the front matter (everything before the
page where the body's numbering starts at 1) or one top-level section of the body: each starts on a
new page (``break-before: page`` in ``print.css``), so the pages are the ones one layout of the whole
paper would make.

Across parts, the layout cannot resolve what ``target-counter()`` would: the page numbers the
contents, the lists and the cross-references print, and the links to the other parts. Each part is
therefore given:

- the number of its first page (``counter-reset: page`` on its first page);
- for every link to an anchor of another part, the label of the anchor's page (``data-page``, which
  ``print.css`` prints where ``target-counter()`` would) and a link the merge points to the anchor
  (:data:`PART_LINK`, see :mod:`pipelines.report.pdf_merge`);
- the footnotes of the parts before it (``counter-reset: footnote``), so that their numbers go on.

These come from the layouts of the other parts (:func:`numbering`); until those are known they are
guesses, and a part laid out with a wrong guess is laid out again. Links to a part's own anchors get
their label too, so that WeasyPrint need not lay pages out a second time to resolve them.

The paper's ``data:`` URLs (its fonts, about 0.4 MB in the head every part repeats, and its charts,
1.2 MB in chapter 2) are referred to in the parts by their digest (:data:`INLINED`), and the
renderer's fetcher takes them from :attr:`PagedPaper.inlined`: WeasyPrint's CSS tokenizer and HTML
parser read such URLs character by character, about 0.04 s per part for the fonts alone.
"""

from __future__ import annotations

import functools
import hashlib
import html as html_lib
import re
from dataclasses import dataclass, field

PART_LINK = "afml-part:"  # a link to an anchor of another part, pointed at the anchor when the parts are merged
INLINED = "afml-inline:"  # a data: URL of the paper, referred to by its digest (see the module's docstring)
BODY_START_CLASS = "body-start"  # the section on whose first page the body's numbering starts at 1 (print.css)
FOOTNOTE_CLASS = "footnote"  # an element printed as a footnote (print.css: float: footnote)

_SECTION_TAG = re.compile(r"<(/?)section\b[^>]*>")
_LINK_TAG = re.compile(r"<a\b[^>]*>")
_HREF = re.compile(r'\shref="#([^"]+)"')
_ID = re.compile(r'\sid="([^"]+)"')
_CLASS = re.compile(r'\sclass="([^"]*)"')
# A data: URL as the template and the stylesheets write one: an attribute (src="data:…") or a CSS url("data:…").
# Text from the data cannot match: its quotes are escaped.
_DATA_URL = re.compile(r'(?<=\ssrc=")data:[^"]*|(?<=url\(")data:[^"]*')


@dataclass(frozen=True)
class Part:
    """A run of top-level sections laid out on its own."""

    name: str  # the id of its first section
    title: str  # the heading of its first section, as the paper prints it (for messages)
    html: str
    ids: frozenset[str]  # the anchors it holds
    restarts_numbering: bool  # it holds the page where the body's numbering starts at 1
    footnotes: int


@dataclass(frozen=True)
class PagedPaper:
    """The paged HTML as its head (up to its ``<main>``), its parts and its tail."""

    head: str
    tail: str
    parts: tuple[Part, ...]
    inlined: dict[str, str] = field(default_factory=dict)  # INLINED reference -> the data: URL

    @functools.cached_property
    def owner(self) -> dict[str, int]:
        """Anchor -> the index of the part that holds it."""
        return {anchor: index for index, part in enumerate(self.parts) for anchor in part.ids}


@dataclass(frozen=True)
class PartLayout:
    """What the layout of a part tells the others: its page count, the page (0-based, within the part)
    where the body's numbering starts, if it holds it, and the page of each of its anchors."""

    pages: int
    restart: int | None
    anchors: dict[str, int]


def split(paged_html: str) -> PagedPaper:
    """Cut the paged HTML (``report.html.j2``: sections inside ``<main>``) into parts: the front
    matter, then one part per top-level section. A page without ``<main>`` is one part. Its ``data:``
    URLs are :data:`INLINED` references in the parts."""
    inlined: dict[str, str] = {}

    def refer(url: re.Match) -> str:
        reference = INLINED + hashlib.sha256(url.group(0).encode("utf-8")).hexdigest()
        inlined[reference] = url.group(0)
        return reference

    paged_html = _DATA_URL.sub(refer, paged_html)
    opening = paged_html.find("<main>")
    closing = paged_html.rfind("</main>")
    if opening < 0 or closing < opening:
        body = re.search(r"<body\b[^>]*>", paged_html)
        start = body.end() if body else 0
        end = paged_html.rfind("</body>")
        end = end if end >= start else len(paged_html)
        return PagedPaper(paged_html[:start], paged_html[end:], (_part(paged_html[start:end]),), inlined)
    head, inner, tail = paged_html[: opening + len("<main>")], paged_html[opening + len("<main>") : closing], paged_html[closing:]
    starts, depth = [], 0
    for tag in _SECTION_TAG.finditer(inner):
        if tag.group(1):
            depth -= 1
        else:
            if depth == 0:
                starts.append(tag.start())
            depth += 1
    if not starts:
        return PagedPaper(head, tail, (_part(inner),), inlined)
    starts[0] = 0  # what comes before the first section goes with it
    sections = [inner[a:b] for a, b in zip(starts, [*starts[1:], len(inner)])]
    body_start = next((i for i, section in enumerate(sections) if BODY_START_CLASS in _classes(section)), None)
    if body_start:  # the front matter, laid out as one part
        sections = ["".join(sections[:body_start]), *sections[body_start:]]
    return PagedPaper(head, tail, tuple(_part(section) for section in sections), inlined)


def _classes(fragment: str) -> list[str]:
    """The classes of the first element of ``fragment``."""
    first = re.search(r"<[a-zA-Z][^>]*>", fragment)
    found = _CLASS.search(first.group(0)) if first else None
    return found.group(1).split() if found else []


def _part(fragment: str) -> Part:
    ids = frozenset(html_lib.unescape(found) for found in _ID.findall(fragment))
    first_id = _ID.search(fragment)
    footnotes = sum(FOOTNOTE_CLASS in found.split() for found in _CLASS.findall(fragment))
    restarts = any(BODY_START_CLASS in found.split() for found in _CLASS.findall(fragment))
    heading = re.search(r"<h[1-6]\b[^>]*>(.*?)</h[1-6]>", fragment, re.S)
    title = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", heading.group(1))).split()) if heading else "the paper"
    return Part(name=html_lib.unescape(first_id.group(1)) if first_id else "body", title=title, html=fragment, ids=ids, restarts_numbering=restarts, footnotes=footnotes)


def guessed_layout(part: Part) -> PartLayout:
    """The layout assumed for a part never laid out before: one page, its anchors on it."""
    return PartLayout(pages=1, restart=0 if part.restarts_numbering else None, anchors=dict.fromkeys(part.ids, 0))


@dataclass(frozen=True)
class Numbering:
    """The page numbers of the parts laid out in order (:func:`numbering`)."""

    firsts: list[int]  # the number each part's first page prints
    labels: dict[str, str]  # anchor -> the label of its page
    body_start: int | None  # the index, in the whole paper, of the page numbered 1 (None: no front matter)


def numbering(layouts: list[PartLayout]) -> Numbering:
    """The page numbers given the parts' layouts in order: pages before the body's start are numbered
    in lower-case roman numerals (the front matter, as ``print.css`` prints them), from it on in
    arabic numerals from 1."""
    firsts, labels, body_start = [], {}, None
    number, in_body, index = 1, not any(layout.restart is not None for layout in layouts), 0
    for layout in layouts:
        page_labels = []
        for page in range(layout.pages):
            if page == layout.restart:
                number, in_body, body_start = 1, True, index
            if page == 0:
                firsts.append(number)
            page_labels.append(str(number) if in_body else roman(number))
            number, index = number + 1, index + 1
        if not layout.pages:
            firsts.append(number)
        for anchor, page in layout.anchors.items():
            labels[anchor] = page_labels[min(page, len(page_labels) - 1)] if page_labels else "?"
    return Numbering(firsts, labels, body_start)


def roman(number: int) -> str:
    """``number`` in lower-case roman numerals (CSS ``lower-roman``)."""
    numerals = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def part_document(paper: PagedPaper, index: int, first_page: int, labels: dict[str, str], footnotes_before: int) -> str:
    """The HTML the part at ``index`` is laid out from: the paper's head and tail around the part, its
    first page numbered ``first_page`` (unless the part restarts the numbering itself), its footnotes
    numbered on from ``footnotes_before``, its links labelled with the page they lead to and those to
    other parts' anchors rewritten (see the module's docstring)."""
    part = paper.parts[index]
    owner = paper.owner

    def rewrite(tag: re.Match) -> str:
        text = tag.group(0)
        href = _HREF.search(text)
        if not href:
            return text
        anchor = html_lib.unescape(href.group(1))
        if anchor not in owner:  # nobody's (WeasyPrint reports it)
            return text
        label = html_lib.escape(labels.get(anchor, "?"), quote=True)
        if anchor in part.ids:
            return text[: href.end()] + f' data-page="{label}"' + text[href.end() :]
        return text[: href.start()] + f' href="{PART_LINK}{href.group(1)}" data-page="{label}"' + text[href.end() :]

    rules = []
    # The page and the document's own margins: a part's first page is a page after a forced break, and
    # its last page the page before one, except at the start and the end of the paper.
    if index > 0:
        rules.append("html, body, main { margin-top: 0; padding-top: 0; }")
    if index < len(paper.parts) - 1:
        rules.append("html, body, main { margin-bottom: 0; padding-bottom: 0; }")
    if not part.restarts_numbering and first_page != 1:
        rules.append(f"@page :first {{ counter-reset: page {first_page}; }}")
    if footnotes_before:
        rules.append(f"html {{ counter-reset: {FOOTNOTE_CLASS} {footnotes_before}; }}")
    head = paper.head
    if rules:
        style = "<style>" + " ".join(rules) + "</style>"
        closing = head.find("</head>")
        head = head[:closing] + style + head[closing:] if closing >= 0 else head + style
    return head + _LINK_TAG.sub(rewrite, part.html) + paper.tail
