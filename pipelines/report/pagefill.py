"""How full each page of the paged layout is, read from WeasyPrint's boxes.

A page's fill is the share of its content area (inside the page margins) that the content occupies,
measured from the top of the area to the bottom of the lowest box that carries something a reader
sees (text, an image, a table cell, a rule). Running heads and footers sit in the margins and do not
count. A page that is mostly empty where it need not be (a lone chart pushed onto a new page) is a
layout defect; the last page of a chapter or appendix may be short.
"""

from __future__ import annotations

from dataclasses import dataclass

UNDERFILLED = 0.40  # below this share of the content area, a page counts as underfilled


@dataclass(frozen=True)
class PageFill:
    number: int  # 1-based position in the PDF
    fill: float  # 0..1
    ends_part: bool  # the page ends a chapter, part or appendix (or the document)

    @property
    def underfilled(self) -> bool:
        return self.fill < UNDERFILLED and not self.ends_part


def _lowest_bottom(box, floor: float) -> float:
    from weasyprint.formatting_structure import boxes

    bottom = floor
    stack = [box]
    while stack:
        current = stack.pop()
        if isinstance(current, boxes.MarginBox):
            continue
        visible = isinstance(current, (boxes.TextBox, boxes.ReplacedBox, boxes.TableCellBox))
        if visible and current.height is not None:
            bottom = max(bottom, current.position_y + current.margin_height())
        stack.extend(getattr(current, "children", []) or [])
    return bottom


def page_fills(document, part_starts: set[int] | None = None) -> list[PageFill]:
    """The fill of every page of a rendered WeasyPrint ``document``.

    ``part_starts`` are the 1-based numbers of pages that begin a chapter, part or appendix; the page
    before each of them (and the last page) ends a part. When not given, they are the pages that carry
    a bookmark of level 1 or 2 (the cover's title, chapters, appendices).
    """
    pages = document.pages
    if part_starts is None:
        part_starts = {i + 1 for i, page in enumerate(pages) if any(level <= 2 for level, *_ in page.bookmarks)}
    fills = []
    for index, page in enumerate(pages):
        box = page._page_box
        top = box.content_box_y()
        height = box.height
        bottom = _lowest_bottom(box, top)
        fill = 0.0 if not height else max(0.0, min(1.0, (bottom - top) / height))
        number = index + 1
        ends = number == len(pages) or (number + 1) in part_starts
        fills.append(PageFill(number, round(fill, 3), ends))
    return fills
