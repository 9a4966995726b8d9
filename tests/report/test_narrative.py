"""Narrative: live figures only, no raw HTML, clear errors, no typed numbers."""

from __future__ import annotations

import re

import pytest

from pipelines.report.narrative import NarrativeError, render_narrative, typed_numbers
from tests.conftest import ROOT, SOURCES

NARRATIVE_DIRS = sorted((SOURCES / "editions").glob("*/narrative")) + [ROOT / "templates" / "narrative"]


class Ref:
    label, anchor = "Table 4", "table-x"


def test_expressions_render_computed_values():
    html = render_narrative("There are {{ n|number }} of them; see {{ ref('x') }}.", "n.md", {"n": 1234}, {"x": Ref()})
    assert "1\u00a0234" in html and 'href="#table-x"' in html and 'class="xref"' in html


def test_an_unknown_value_fails_with_file_and_line():
    with pytest.raises(NarrativeError) as caught:
        render_narrative("First line.\n\nThe count is {{ catalog.nonexistent }}.\n", "narrative/intro.md", {"catalog": {"recommendations": 1}}, {})
    assert caught.value.file == "narrative/intro.md" and caught.value.line == 3
    assert "nonexistent" in str(caught.value)


def test_an_unknown_reference_fails():
    with pytest.raises(NarrativeError) as caught:
        render_narrative("see {{ ref('nope') }}", "x.md", {}, {"x": Ref()})
    assert "nope" in str(caught.value)


def test_raw_html_is_escaped_not_rendered():
    html = render_narrative("Hello <script>alert(1)</script> <img src=x onerror=y> [link](javascript:alert(1))", "x.md", {}, {})
    assert "<script>" not in html and "<img" not in html and "href=\"javascript" not in html
    assert "&lt;script&gt;" in html


def test_values_cannot_reach_python_internals():
    with pytest.raises(Exception):
        render_narrative("{{ x.__class__.__mro__ }}", "x.md", {"x": 1}, {})


def test_the_scanner_finds_typed_numbers_and_spares_years_and_ordinals():
    text = "In 2019 the 13th AFML adopted 20 recommendations; {{ n }} more; 45.3 per cent; the 3rd–12th AFMLs."
    assert [t for _, t in typed_numbers(text)] == ["20", "45.3"]


def _body(text: str) -> str:
    """A narrative without its front matter (a box's title and placement are metadata)."""
    return text.split("---", 2)[2] if text.startswith("---") else text


@pytest.mark.parametrize("folder", NARRATIVE_DIRS, ids=lambda p: p.parent.name + "/" + p.name)
def test_no_narrative_file_types_a_figure(folder):
    files = sorted(folder.rglob("*.md")) + sorted(folder.rglob("*.md.j2"))
    assert files, f"no narrative in {folder}"
    typed = [(f.name, line, token) for f in files for line, token in typed_numbers(_body(f.read_text(encoding="utf-8")))]
    assert typed == []
