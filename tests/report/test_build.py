"""The whole asset graph materialised into a temporary instance, and the paper a reviewer gets."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from tests.conftest import build_into


@pytest.fixture(scope="module")
def pdf(afml13_build):
    return PdfReader(afml13_build.edition_dir / "report.pdf")


@pytest.fixture(scope="module")
def pdf_text(pdf):
    return "\n".join(page.extract_text() for page in pdf.pages)


def _outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += _outline_titles(item)
        else:
            titles.append(item.title)
    return titles


def test_every_asset_and_check_succeeded(afml13_build):
    result = afml13_build.result
    assert result.success
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed and e.severity.value == "ERROR"]
    assert failed == []


def test_the_outputs_are_published_through_latest(afml13_build):
    edition = afml13_build.edition_dir
    for name in ("report.pdf", "report.html", "data", "validation"):
        assert (edition / name).is_symlink() and (edition / name).exists(), name
    assert (edition / "data" / "cluster_indicators.csv").exists()
    assert (edition / "data" / "tables" / "table01_outflow.xlsx").exists()


def test_the_report_checks_ran_on_the_real_build_and_found_nothing_to_report(afml13_build):
    evaluations = {e.check_name: e for e in afml13_build.result.get_asset_check_evaluations()}
    for name in ("report_text_has_glyphs", "report_within_volume_limits"):
        assert evaluations[name].passed, name


def test_pdf_outline_lists_chapters_clusters_subsections_and_appendices(pdf, catalog):
    titles = _outline_titles(pdf.outline)
    joined = "\n".join(titles)
    for expected in ["Introduction", "Successes and challenges", "Next steps", "Appendix I", "Appendix II", "Appendix III"]:
        assert expected in joined, expected
    for cluster in catalog["clusters"].itertuples(index=False):
        assert any(cluster.title in t for t in titles), cluster.title
    for sub in catalog["subclusters"].itertuples(index=False):
        assert any(sub.title in t for t in titles), sub.title
    assert not any("Contents" == t for t in titles)


def test_pdf_text_extracts_and_names_every_cluster(pdf_text, catalog):
    flat = re.sub(r"\s+", " ", pdf_text)
    for title in catalog["clusters"]["title"]:
        assert title in flat, title


def test_contents_has_real_page_numbers(pdf):
    texts = [p.extract_text() for p in pdf.pages]
    contents = next(t for t in texts if t.lstrip().startswith("Contents") or "\nContents\n" in t[:300])
    entries = dict(re.findall(r"(Introduction|Successes and challenges)\s*\.{3,}\s*(\d+)", contents))
    assert set(entries) == {"Introduction", "Successes and challenges"}
    for title, number in entries.items():
        # The page that shows this number in its footer carries the chapter heading.
        pages = [t for t in texts if t.rstrip().endswith("\n" + number) and re.search(rf"^\d\s+{title}", t, re.M)]
        assert pages, (title, number)


def test_pdf_is_tagged_with_title_language_and_attachments(pdf, afml13_build):
    root = pdf.trailer["/Root"]
    assert root.get("/Lang") == "en"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "Progress of the implementation" in pdf.metadata.title
    assert {"table01_outflow.csv", "table04_legal_cases.csv", "printed_vs_computed.csv"} <= set(pdf.attachments)


def _heading_levels(node, found: list[int]) -> list[int]:
    """The levels of the H1-H6 elements of a PDF structure tree, in reading order."""
    node = node.get_object()
    tag = str(node.get("/S", "")) if hasattr(node, "get") else ""
    if re.fullmatch(r"/H[1-6]", tag):
        found.append(int(tag[2]))
    kids = node.get("/K") if hasattr(node, "get") else None
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object"):
            _heading_levels(kid, found)
    return found


def test_the_pdf_headings_never_skip_a_level(pdf):
    """Assistive technology navigates the PDF by its tagged headings: a narrative's own "####" under a
    chapter is tagged one level below the chapter's heading, as in the HTML edition."""
    levels = _heading_levels(pdf.trailer["/Root"]["/StructTreeRoot"], [])
    assert len(levels) > 200
    assert [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1] == []


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.external, self.beside = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            value = attrs.get(key) or ""
            if value.startswith("#"):
                self.hrefs.append(value[1:])
            elif tag == "a" and key == "href" and value and ":" not in value and not value.startswith("/"):
                self.beside.append(value)  # a download published beside the report (the PDF, the data)
            elif value and not value.startswith("data:"):
                self.external.append(value)


def test_html_is_self_contained_and_every_internal_link_resolves(afml13_build):
    parser = _Links()
    parser.feed((afml13_build.edition_dir / "report.html").read_text(encoding="utf-8"))
    missing = sorted(set(parser.hrefs) - parser.ids)
    assert missing == []
    assert parser.external == []
    assert len(parser.hrefs) > 200
    assert [href for href in parser.beside if not (afml13_build.edition_dir / href).is_file()] == []


def test_boxes_are_numbered_listed_and_placed(afml13_build, pdf_text):
    html = (afml13_build.edition_dir / "report.html").read_text(encoding="utf-8")
    assert html.count('<aside class="box"') == 8
    assert "List of boxes" in pdf_text and "Box 8." in pdf_text


def test_every_figure_has_alt_text_and_a_caption(afml13_build):
    html = (afml13_build.edition_dir / "report.html").read_text(encoding="utf-8")
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) >= 4
    assert all(re.search(r'alt="[^"]{20,}"', img) for img in images)


# What differs between two builds by design: the run that made it.
RUN_RECORD = {"BUILD.json"}


def published_files(build) -> dict[str, bytes]:
    latest = (build.edition_dir / "latest").resolve()
    return {p.relative_to(latest).as_posix(): p.read_bytes() for p in sorted(latest.rglob("*")) if p.is_file() and p.name not in RUN_RECORD}


def test_two_builds_seconds_apart_on_the_fonttools_path_give_the_same_bytes(tmp_path, monkeypatch):
    """WeasyPrint subsets the fonts with fontTools on every machine (pipelines.report.render.
    fonttools_subsetting), which stamps the clock into every font it writes unless SOURCE_DATE_EPOCH is
    honoured. Two builds at least two seconds apart must publish byte-identical files.

    The second build starts with the first one's content cache (charts and font subsets,
    pipelines/shared/content_cache.py) and must draw no chart: what it takes from the cache is
    byte for byte what the first build computed."""
    import os
    import shutil
    import time

    from pipelines.report import charts, fonts

    def forget_what_this_process_drew() -> None:  # only the disk cache may carry charts and fonts over
        monkeypatch.setattr(charts, "_DRAWN", {})
        fonts.font_face_css.cache_clear()

    epoch_before = os.environ.get("SOURCE_DATE_EPOCH")
    forget_what_this_process_drew()
    first = build_into(tmp_path / "first")
    elapsed = time.time() - (first.edition_dir / "report.pdf").stat().st_mtime
    time.sleep(max(0.0, 2.5 - elapsed))
    shutil.copytree(first.paths.cache_dir, tmp_path / "second" / "outputs" / ".cache")
    forget_what_this_process_drew()
    drawn = []
    monkeypatch.setattr(charts, "drawn", lambda function, args, kwargs: drawn.append(function) or "<svg/>")
    second = build_into(tmp_path / "second")

    assert first.result.success and second.result.success
    assert drawn == [], "a chart was drawn again although its data and code did not change"
    assert os.environ.get("SOURCE_DATE_EPOCH") == epoch_before  # set while rendering only, then restored
    before, after = published_files(first), published_files(second)
    assert sorted(after) == sorted(before)
    for kind in (".pdf", ".html", ".xlsx", ".csv", ".json"):
        assert any(name.endswith(kind) for name in after), kind
    assert [name for name in after if after[name] != before[name]] == []
