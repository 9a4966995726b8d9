"""Elements that differ only by their id share their computed style (pipelines/report/anchored_styles.py):
the same PDF bytes and anchors as WeasyPrint giving each its own, on a page made to exercise every case
and on the real afml-13 appendix that lists the recommendations (one id per list item)."""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
from pathlib import Path

from weasyprint.css import ComputedStyle

from pipelines.report import anchored_styles
from pipelines.report.paged_parts import guessed_layout, numbering, part_document, split
from pipelines.report.render import write_part

BUILD_DATE = dt.datetime(2020, 11, 10, tzinfo=dt.timezone.utc)
ROOT = Path(__file__).resolve().parents[2]

PAGE = """<html lang="en"><head><title>t</title><style>
@page { size: A5; margin: 20mm; @bottom-center { content: counter(page) } }
li { margin-bottom: 4pt; }
li em { color: #a00; }
#forced { -weasy-anchor: "set-by-a-rule"; }
.ref::after { content: " (page " target-counter(attr(href), page) ")"; }
h2 { bookmark-level: 2; }
.spacer { height: 150mm; }
</style></head><body>
<h2 id="top">Lists whose items have ids</h2>
<ul><li id="one">First <em>item</em>, <strong>bold</strong> and <code>code</code></li>
<li id="two">Second <em>item</em>, <strong>bold</strong> and <code>code</code></li><li>Third, no id</li>
<li id="three">Fourth <em>item</em>, <strong>bold</strong> and <code>code</code></li>
<li id="four" lang="th">A Thai item <em>with</em> a language of its own</li></ul>
<p id="forced">A paragraph whose anchor a rule sets.</p>
<p><a id="both" name="named">An anchor with an id and a name</a>, and <a class="ref" href="#late">a link to the next page</a>
and <a class="ref" href="#two">one to an item</a>.</p>
<div class="spacer"></div>
<ol><li id="late">On the next page, <strong>with</strong> <em>nested</em> boxes</li><li id="later">Its sibling</li></ol>
<p id='odd"id'>An id with a quotation mark in it.</p>
</body></html>"""


def _properties_computed(monkeypatch) -> list:
    """Count the properties WeasyPrint computes for the styles of elements, not of pseudo-elements or
    pages (a computed style computes each property the first time it is read)."""
    computed: list = []
    original = ComputedStyle.__missing__

    def counted(style, key):
        if style.pseudo_type is None:
            computed.append(key)
        return original(style, key)

    monkeypatch.setattr(ComputedStyle, "__missing__", counted)
    return computed


def _render_both(tmp_path, monkeypatch, html: str, base_dir=None, roots=None, inlined=None):
    """The part as write_part renders it (styles shared despite ids), then with a style per id."""
    base_dir, roots = base_dir or tmp_path, roots or [tmp_path]
    made = _properties_computed(monkeypatch)
    shared = write_part(html, tmp_path / "shared.pdf", base_dir, roots, BUILD_DATE, inlined)
    shared_count = len(made)
    made.clear()
    with monkeypatch.context() as patched:
        patched.setattr(anchored_styles, "shared_despite_anchors", contextlib.nullcontext)
        own = write_part(html, tmp_path / "own.pdf", base_dir, roots, BUILD_DATE, inlined)
    return shared, (tmp_path / "shared.pdf").read_bytes(), shared_count, own, (tmp_path / "own.pdf").read_bytes(), len(made)


def test_ids_links_names_rules_and_languages_give_the_same_pdf(tmp_path, monkeypatch):
    shared, shared_pdf, shared_count, own, own_pdf, own_count = _render_both(tmp_path, monkeypatch, PAGE)
    assert shared_pdf == own_pdf
    assert shared.anchors == own.anchors
    # Every anchor is there, on its page: the ids, the a's name and the rule's anchor (each of which
    # wins over its element's id, as in WeasyPrint).
    assert {"top", "one", "two", "four", "named", "set-by-a-rule", "late", "later"} <= set(shared.anchors)
    assert not {"forced", "both", 'odd"id'} & set(shared.anchors)
    assert shared.anchors["late"] == shared.anchors["later"] == 1 and shared.anchors["one"] == 0
    assert shared.warnings == own.warnings
    # The items with ids and what is inside them share styles, so their properties are computed once.
    assert shared_count < 0.9 * own_count, (shared_count, own_count)


def test_the_real_appendix_of_recommendations_gives_the_same_pdf(tmp_path, monkeypatch, afml13_build):
    with open(f"{afml13_build.instance.storage_directory()}/report_paged_html/afml-13", "rb") as value:
        paper = split(pickle.load(value))
    index = next(i for i, part in enumerate(paper.parts) if "Clustering of the" in part.title)  # Appendix II
    numbers = numbering([guessed_layout(part) for part in paper.parts])
    html = part_document(paper, index, numbers.firsts[index], numbers.labels, 0)
    published = (afml13_build.edition_dir / "latest").resolve()
    shared, shared_pdf, shared_count, own, own_pdf, own_count = _render_both(tmp_path, monkeypatch, html, published, [ROOT / "templates", published], paper.inlined)
    assert shared_pdf == own_pdf
    assert shared.anchors == own.anchors and len(shared.anchors) > 150
    assert html.count("<li id=") > 150
    # Each list item with an id and everything inside it had a style of its own, each property computed
    # again for each.
    assert own_count > 2 * shared_count, (shared_count, own_count)
