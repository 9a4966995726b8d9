"""Styles of markers, footnote calls and the like computed only for the boxes that have them
(pipelines/report/pseudo_element_styles.py): the same PDF bytes as WeasyPrint computing all of them,
on a page made to exercise every case and on the real afml-13 part with footnotes and list items."""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
from collections import Counter
from pathlib import Path

from weasyprint.css import ComputedStyle

from pipelines.report import pseudo_element_styles
from pipelines.report.paged_parts import guessed_layout, numbering, part_document, split
from pipelines.report.pseudo_element_styles import WHEN_ASKED
from pipelines.report.render import write_part

BUILD_DATE = dt.datetime(2020, 11, 10, tzinfo=dt.timezone.utc)
ROOT = Path(__file__).resolve().parents[2]

PAGE = """<html lang="en"><head><title>t</title><style>
@page { size: A5; margin: 20mm; @bottom-center { content: counter(page) } }
.fn { float: footnote; }
::footnote-call { color: #a00; }
li::marker { color: #06c; }
ol li:nth-child(2)::marker { color: #080; font-weight: bold; }
.item { display: list-item; list-style-type: square; margin-left: 2em; }
.named::marker { -weasy-anchor: "three-marker"; }
h2::before { content: "§ "; }
</style></head><body>
<h2>Markers and footnotes</h2>
<p>A sentence with a footnote<span class="fn">The footnote's own text.</span> and another<span class="fn">A second one.</span>.</p>
<ul><li>First</li><li>Second</li><li>Third <em>with emphasis</em></li></ul>
<ol><li>One</li><li>Two</li><li class="named">Three</li></ol>
<div class="item">A list item that is not an li</div>
<table><tr><td>A cell</td><td>Another <strong>cell</strong></td></tr></table>
<blockquote><ul><li>A list in a quotation</li></ul></blockquote>
</body></html>"""


def _pseudo_styles_made(monkeypatch) -> Counter:
    """Count the computed styles WeasyPrint makes for the pseudo-elements in question."""
    made: Counter = Counter()
    original = ComputedStyle.__init__

    def counted(style, parent_style, cascaded, pseudo_type, *args):
        if pseudo_type in WHEN_ASKED:
            made[pseudo_type] += 1
        original(style, parent_style, cascaded, pseudo_type, *args)

    monkeypatch.setattr(ComputedStyle, "__init__", counted)
    return made


def _render_both(tmp_path, monkeypatch, html: str, base_dir=None, roots=None, inlined=None) -> tuple[bytes, Counter, bytes, Counter]:
    """The part as write_part renders it (styles made when asked), then with WeasyPrint making all."""
    base_dir, roots = base_dir or tmp_path, roots or [tmp_path]
    made = _pseudo_styles_made(monkeypatch)
    write_part(html, tmp_path / "when-asked.pdf", base_dir, roots, BUILD_DATE, inlined)
    when_asked = Counter(made)
    made.clear()
    with monkeypatch.context() as patched:
        patched.setattr(pseudo_element_styles, "computed_when_asked", contextlib.nullcontext)
        write_part(html, tmp_path / "all.pdf", base_dir, roots, BUILD_DATE, inlined)
    return (tmp_path / "when-asked.pdf").read_bytes(), when_asked, (tmp_path / "all.pdf").read_bytes(), Counter(made)


def test_markers_footnotes_and_author_rules_give_the_same_pdf(tmp_path, monkeypatch):
    when_asked_pdf, when_asked, all_pdf, everything = _render_both(tmp_path, monkeypatch, PAGE)
    assert when_asked_pdf == all_pdf
    # Every element gets six such styles when all are made; when asked, one marker per list item
    # (7 li and the div; the one whose rule sets an anchor is made before the layout, as WeasyPrint does) and a call and a
    # marker per footnote.
    assert min(everything[pseudo] for pseudo in WHEN_ASKED) >= 25
    assert when_asked == Counter({"marker": 8, "footnote-call": 2, "footnote-marker": 2})


def test_the_real_part_with_footnotes_and_lists_gives_the_same_pdf(tmp_path, monkeypatch, afml13_build):
    with open(f"{afml13_build.instance.storage_directory()}/report_paged_html/afml-13", "rb") as value:
        paper = split(pickle.load(value))
    index = next(i for i, part in enumerate(paper.parts) if part.footnotes)  # the introduction
    numbers = numbering([guessed_layout(part) for part in paper.parts])
    html = part_document(paper, index, numbers.firsts[index], numbers.labels, 0)
    published = (afml13_build.edition_dir / "latest").resolve()
    when_asked_pdf, when_asked, all_pdf, everything = _render_both(tmp_path, monkeypatch, html, published, [ROOT / "templates", published], paper.inlined)
    assert when_asked_pdf == all_pdf
    assert when_asked["footnote-call"] == when_asked["footnote-marker"] == paper.parts[index].footnotes == 3
    assert when_asked["marker"] == html.count("<li")
    assert sum(everything.values()) > 20 * sum(when_asked.values())
