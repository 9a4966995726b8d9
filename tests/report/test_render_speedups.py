"""What makes the PDF render faster changes nothing in the PDF and leaves no trace behind it."""

from __future__ import annotations

import datetime as dt
import gc

import pydyf

from pipelines.report.pdf_assembly import write_pdf
from pipelines.report.render import memoized_page_references
from pipelines.shared.garbage_collection import BATCH_THRESHOLDS, batch_collection

BUILD_DATE = dt.datetime(2020, 10, 1, tzinfo=dt.timezone.utc)
# Several pages, headings (tagged, bookmarked), a table and internal links: what PDF/UA tagging walks.
HTML = "<html lang='en'><head><title>t</title><style>h2 { break-before: page; }</style></head><body>" + "".join(
    f"<h2 id='s{i}'>Section {i}</h2><p>Text of section {i}, see <a href='#s{(i + 1) % 6}'>the next one</a>.</p>"
    f"<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>{i}</td><td>{i * i}</td></tr></tbody></table>"
    for i in range(6)
) + "</body></html>"


def _render(tmp_path, name: str) -> bytes:
    target = tmp_path / name
    result = write_pdf(HTML, target, base_dir=tmp_path, allowed_roots=[tmp_path], build_date=BUILD_DATE)
    assert result.pages == 6 and not result.warnings
    return target.read_bytes()


def test_the_memoized_page_references_give_the_same_pdf_bytes(tmp_path, monkeypatch):
    import pipelines.report.pdf_assembly as pdf_assembly
    import pipelines.report.render as render

    fast = _render(tmp_path, "fast.pdf")
    monkeypatch.setattr(render, "memoized_page_references", _unchanged)  # pydyf's own property, read 100s of times
    monkeypatch.setattr(pdf_assembly, "batch_collection", _unchanged)  # and the default collector thresholds
    plain = _render(tmp_path, "plain.pdf")
    assert fast == plain


def _unchanged(*args, **kwargs):
    import contextlib

    return contextlib.nullcontext()


def test_the_memo_follows_new_pages_and_is_removed_afterwards():
    original = pydyf.PDF.page_references
    pdf = pydyf.PDF()
    with memoized_page_references():
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        first = pdf.page_references
        assert pdf.page_references is first  # read again without a new page: the same tuple
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert len(pdf.page_references) == 2 == len(first) + 1
    assert pydyf.PDF.page_references is original


def test_batch_collection_restores_the_thresholds_and_frees_the_garbage():
    before = gc.get_threshold()

    class Cycle:
        pass

    with batch_collection():
        assert gc.get_threshold() == BATCH_THRESHOLDS
        node = Cycle()
        node.self = node
        import weakref

        alive = weakref.ref(node)
        del node
    assert gc.get_threshold() == before
    assert alive() is None  # the cycle made inside the block was collected when it ended


def test_fonts_are_subset_by_fonttools_even_where_the_host_has_harfbuzz_subset(tmp_path, monkeypatch):
    """The subsetter decides the bytes of the embedded fonts: the pinned fontTools on every machine,
    never the host's libharfbuzz-subset (present here or not)."""
    from weasyprint.pdf import fonts

    used = []
    original = fonts.Font._fonttools_subset
    monkeypatch.setattr(fonts.Font, "_fonttools_subset", lambda self, *a: used.append(self.family) or original(self, *a))
    monkeypatch.setattr(fonts.Font, "_harfbuzz_subset", lambda self, *a: used.append("harfbuzz"))
    host = fonts.harfbuzz_subset
    _render(tmp_path, "fonts.pdf")
    assert used and "harfbuzz" not in used
    assert fonts.harfbuzz_subset is host  # the host's choice is restored after the render
