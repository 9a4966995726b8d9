"""The HTML edition's additions that need no browser: nested prose headings, quoted numbers and their
origin, data links that never break."""

from __future__ import annotations

from types import SimpleNamespace

from pipelines.report.document import Figure, Section, Table
from pipelines.report.html_edition import data_links, show_facts
from pipelines.report.narrative import nest_headings
from pipelines.report.narrative import render_narrative


def test_prose_headings_sit_just_below_their_section():
    html = "<h4>Theme</h4><p>x</p><h5>Detail</h5><h4>Other</h4>"
    assert nest_headings(html, 2) == "<h3>Theme</h3><p>x</p><h4>Detail</h4><h3>Other</h3>"
    assert nest_headings("<p>no heading</p>", 2) == "<p>no heading</p>"


def test_a_quoted_number_carries_its_origin_on_screen_and_nothing_in_print():
    facts = {"cluster": SimpleNamespace(initiatives=1234, title="Information"), "n": 7}
    html = render_narrative("{{ cluster.initiatives|number }} initiatives on {{ cluster.title }}, {{ n }} more.", "x.md", facts, {})
    assert show_facts(html, screen=False) == "<p>1\u00a0234 initiatives on Information, 7 more.</p>\n"
    screen = show_facts(html, screen=True)
    assert '<span class="fact" data-fact="cluster.initiatives"' in screen and ">1\u00a0234</span>" in screen
    assert 'data-href="#table-indicator-definitions"' in screen
    assert screen.count('class="fact"') == 1  # text and unnamed values stay plain


def test_data_links_point_only_to_files_that_exist(tmp_path):
    (tmp_path / "data" / "tables").mkdir(parents=True)
    (tmp_path / "data" / "tables" / "t1.csv").write_text("a\n")
    (tmp_path / "data" / "tables" / "t1.xlsx").write_bytes(b"")
    (tmp_path / "data" / "initiatives_by_cluster_and_country.csv").write_text("a\n")
    blocks = [
        Table(key="t1", caption="A source table", columns=["a"], rows=[]),
        Table(key="t2", caption="A table without export", columns=["a"], rows=[]),
        Figure(key="cluster-B-countries", caption="A chart", svg="<svg/>", alt="a chart"),
    ]
    document = SimpleNamespace(sections=[Section("s", "S", level=2, blocks=blocks)])
    links = data_links(document, tmp_path)
    assert [(link.label, link.href) for link in links["table-t1"]] == [("CSV", "data/tables/t1.csv"), ("XLSX", "data/tables/t1.xlsx")]
    assert "table-t2" not in links
    assert [link.href for link in links["figure-cluster-b-countries"]] == ["data/initiatives_by_cluster_and_country.csv"]
