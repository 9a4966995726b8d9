"""The narrative quotes any source-table cell by name: {{ tables.<id>.<row key>.<column> }}."""

from __future__ import annotations

import pytest

from pipelines.report.facts import table_facts
from pipelines.report.narrative import NarrativeError, render_narrative
from pipelines.settings import ProjectPaths
from pipelines.tables.assets import load_edition_tables
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def facts(tmp_path_factory):
    paths = ProjectPaths(sources_dir=str(SOURCES), outputs_dir=str(tmp_path_factory.mktemp("out")))
    return {"tables": table_facts(load_edition_tables(paths, "afml-13"))}


def test_cells_raw_derived_and_summaries_are_quoted_by_name(facts):
    text = render_narrative(
        "No. {{ tables.context_remittances.PHL.world_rank }}, US${{ tables.context_remittances.PHL.remittances_usd_bn|number(1) }} billion;"
        " {{ tables.table06_mrc_outreach['total:triangle_in_asean'].clients|number }} clients;"
        " {{ tables.table07_labour_attaches.IDN.attaches }} attachés listed",
        "t.md", facts, {},
    )
    text = str(text).replace("\xa0", " ")
    assert "No. 4, US$33.8 billion" in text
    assert "26 977 clients" in text
    assert "12 attachés listed" in text  # the sum of the postings, as computed (the paper prints 11)
    assert facts["tables"].outflow_women_majority  # the named facts are still there


def test_a_missing_cell_fails_with_the_file_and_line(facts):
    with pytest.raises(NarrativeError, match="t.md, line 2"):
        render_narrative("fine\n{{ tables.context_remittances.XXX.world_rank }}", "t.md", facts, {})
