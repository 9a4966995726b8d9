"""The list of references is data: source lines link the works they cite to their entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.report.document import Section, Table
from pipelines.report.parts.references import fill_references, linked_source, load_references, pending_sources

REFERENCES = Path(__file__).resolve().parents[2] / "sources" / "editions" / "afml-13" / "references.yaml"


@pytest.fixture(scope="module")
def references():
    return load_references(REFERENCES, "references.yaml")


def test_a_source_line_links_every_work_it_cites(references):
    linked, cited = linked_source("ILO 2020a; Harkins, Lindgren and Suravoranon 2017 (as cited in ILO 2020, chapter 3).", references)
    assert [r.year for r in cited] == ["2020a", "2017", "2020"]
    assert 'href="#ref-ilo-2020a">ILO 2020a</a>' in linked and 'href="#ref-ilo-2020">ILO 2020</a>, chapter 3' in linked


def test_the_list_gives_author_year_title_and_where_cited(references):
    table = Table(key="t", caption="c", columns=["a"], rows=[], source="ILO and UN Women 2019.", number="4")
    section = Section("s", "S", 2, blocks=[table, pending_sources()])
    fill_references([section], references)
    listing = str(section.blocks[1].html)
    assert 'id="ref-ilo-and-un-women-2019"' in listing and "ILO and UN Women (2019). <em>Public attitudes towards migrant workers</em>." in listing
    assert "Cited in Table 4." in listing and 'href="#ref-ilo-and-un-women-2019"' in str(table.source)


def test_a_reference_without_author_fails_with_the_file(tmp_path):
    path = tmp_path / "references.yaml"
    path.write_text("references:\n  - {year: '2019', cited_as: [X 2019]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="references.yaml: reference 1: author missing"):
        load_references(path, "references.yaml")
