"""What the PDF render keeps between renders (the charts' drawings, the embedded font subsets) and
what it does once before forking its parts' processes: the same bytes as WeasyPrint's own work, on
the real charts and faces of afml-13, and the work really skipped when it is kept."""

from __future__ import annotations

import base64
import datetime as dt
import io
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont

from pipelines.report import fonts as report_fonts
from pipelines.report.embedded_subsets import KIND as SUBSETS
from pipelines.report.render import layout_tables_dropped_first, loaded_before_fork, write_part
from pipelines.report.svg_drawings import KIND as DRAWINGS
from pipelines.report.svg_drawings import NOT_KEPT
from pipelines.shared.content_cache import cache_folder

BUILD_DATE = dt.datetime(2020, 11, 10, tzinfo=dt.timezone.utc)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def charts(afml13_build) -> list[str]:
    """The data: URLs of the paper's charts, as the paged HTML inlines them."""
    with open(f"{afml13_build.instance.storage_directory()}/report_paged_html/afml-13", "rb") as value:
        paged = pickle.load(value)
    return re.findall(r'src="(data:image/svg\+xml;base64,[^"]+)"', paged)


def _page(charts: list[str]) -> str:
    """Text in the paper's own faces (embedded, so subset) and ``charts``."""
    figures = "".join(f'<figure><img src="{url}" alt="Chart {i}" style="width: 16cm"></figure>' for i, url in enumerate(charts))
    text = "Charts. Some text in the faces of the paper, 0123456789."
    faces = report_fonts.font_face_css(frozenset(text + "Chart" + "0123456789"))
    style = f"<style>{faces} body {{ font-family: 'Source Serif Pro'; }} h1 {{ font-family: 'Source Sans Pro'; }}</style>"
    return f"<html lang='en'><head><title>t</title>{style}</head><body><h1>Charts</h1><p>{text}</p>{figures}</body></html>"


def _render(tmp_path, name: str, html: str, cache=None) -> bytes:
    target = tmp_path / name
    if cache is None:
        write_part(html, target, tmp_path, [tmp_path], BUILD_DATE)
    else:
        with cache_folder(cache):
            write_part(html, target, tmp_path, [tmp_path], BUILD_DATE)
    return target.read_bytes()


def test_kept_drawings_and_subsets_give_weasyprints_own_bytes_and_skip_its_work(tmp_path, charts, monkeypatch):
    from weasyprint.svg import SVG

    html = _page(charts[:4])  # the heat map (a raster image inside: drawn by WeasyPrint each time) and three others
    own = _render(tmp_path, "own.pdf", html)  # no content cache: WeasyPrint draws and subsets
    cache = tmp_path / "cache"
    first = _render(tmp_path, "first.pdf", html, cache)
    assert first == own
    kept = [entry.read_bytes() for entry in (cache / DRAWINGS).iterdir()]
    assert len(kept) == 4 and kept.count(NOT_KEPT) == 1  # the heat map needs an image resource: drawn by WeasyPrint
    assert list((cache / SUBSETS).iterdir())

    drawn = []
    original_draw = SVG.draw
    monkeypatch.setattr(SVG, "draw", lambda svg, *args: drawn.append(svg) or original_draw(svg, *args))
    monkeypatch.setattr(subset.Subsetter, "subset", lambda *args: pytest.fail("a kept subset was made again"))
    second = _render(tmp_path, "second.pdf", html, cache)
    assert second == own
    assert len(drawn) == 1  # the heat map only


def test_recording_a_drawing_leaves_nothing_of_it_in_a_process_that_never_collects(tmp_path, charts, monkeypatch):
    """The layout processes run with the collector off. A chart drawn to be recorded is drawn on a copy
    of its SVG, freed with what the drawing built (a node per element, the stream: about 2 MB a
    chart), while the SVG WeasyPrint laid out stays undrawn; the drawing is WeasyPrint's own all the same."""
    import gc
    import weakref

    from weasyprint.svg import SVG

    html = _page(charts[1:3])
    own = _render(tmp_path, "own.pdf", html)
    drawn = []
    original_draw = SVG.draw
    monkeypatch.setattr(SVG, "draw", lambda svg, *args: drawn.append((weakref.ref(svg), svg.tree._children)) or original_draw(svg, *args))
    gc.disable()
    try:
        recorded = _render(tmp_path, "recorded.pdf", html, tmp_path / "cache")
        alive = [ref for ref, _ in drawn if ref() is not None]
    finally:
        gc.enable()
    assert recorded == own
    assert len(drawn) == 2
    assert all(children is None for _, children in drawn)  # each drawn before any drawing had built its nodes
    assert alive == []


def test_a_drawing_that_needs_a_group_is_drawn_by_weasyprint_and_not_kept(tmp_path):
    """Opacity below 1 makes WeasyPrint draw into a transparency group, a numbered page resource."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50" fill="#1f4e79" opacity="0.5"/><path d="M 0 0 L 100 50" stroke="black"/></svg>'
    html = _page(["data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()])
    own = _render(tmp_path, "own.pdf", html)
    cache = tmp_path / "cache"
    assert _render(tmp_path, "kept.pdf", html, cache) == own
    assert [entry.read_bytes() for entry in (cache / DRAWINGS).iterdir()] == [NOT_KEPT]


def test_the_drawing_depends_on_where_it_is_drawn(tmp_path, charts):
    """The same chart at two sizes: two drawings, each WeasyPrint's own."""
    html = _page(charts[1:2]).replace("</body>", f'<figure><img src="{charts[1]}" alt="Again" style="width: 9cm"></figure></body>')
    own = _render(tmp_path, "own.pdf", html)
    cache = tmp_path / "cache"
    assert _render(tmp_path, "first.pdf", html, cache) == own
    assert len([entry for entry in (cache / DRAWINGS).iterdir() if entry.read_bytes() != NOT_KEPT]) == 2
    assert _render(tmp_path, "second.pdf", html, cache) == own


def test_dropping_the_layout_tables_first_makes_the_same_subsets_of_the_paper_faces(monkeypatch):
    """fontTools drops GSUB and GPOS for WeasyPrint; dropping them before it reads them changes no byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    options = subset.Options(retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True, hinting=False, desubroutinize=True, notdef_outline=False)
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    for path in report_fonts.font_files()[:4]:
        results = []
        for dropped_first in (False, True):
            font = TTFont(path)
            subsetter = subset.Subsetter(options)
            subsetter.populate(gids=list(range(3, 120)))
            if dropped_first:
                with layout_tables_dropped_first():
                    subsetter.subset(font)
            else:
                subsetter.subset(font)
            out = io.BytesIO()
            font.save(out)
            results.append(out.getvalue())
        assert "GPOS" in TTFont(path) or "GSUB" in TTFont(path)
        assert results[0] == results[1], path.name


def test_after_loading_before_fork_a_layout_parses_no_other_c_type(tmp_path, charts):
    """The list of C types parsed before forking is complete for the paper (a WeasyPrint upgrade that
    needs another one fails here rather than costing every part's process). In a fresh process: this
    one has parsed them all already."""
    page = tmp_path / "page.html"
    page.write_text(_page(charts[:2]), encoding="utf-8")
    script = (
        "import sys, pathlib\n"
        "from weasyprint.text.ffi import ffi\n"
        "from pipelines.report.render import loaded_before_fork, write_part\n"
        "loaded_before_fork()\n"
        "before = set(ffi._parsed_types)\n"
        "folder = pathlib.Path(sys.argv[1])\n"
        "write_part((folder / 'page.html').read_text(), folder / 'page.pdf', folder, [folder])\n"
        "print(sorted(set(ffi._parsed_types) - before))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "page.pdf").stat().st_size > 0


def test_a_build_keeps_its_charts_drawings_and_font_subsets_in_its_content_cache(afml13_build):
    """The report_pdf asset hands the render process the build's content cache: the next build of the
    same paper draws no chart and subsets no face again."""
    cache = afml13_build.paths.cache_dir
    drawings = [entry.read_bytes() for entry in (cache / DRAWINGS).iterdir()]
    assert len([drawing for drawing in drawings if drawing != NOT_KEPT]) >= 13  # of the 14 charts, the heat map aside
    assert len(list((cache / SUBSETS).iterdir())) >= 12  # at least one face in each of the 12 parts
