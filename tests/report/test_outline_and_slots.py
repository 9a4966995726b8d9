"""Where things go is data: the outline's blocks and the placements are checked by name, and a
mistyped one fails with its file and the valid names."""

from __future__ import annotations

import pytest

from pipelines.report.blocks import BLOCKS
from pipelines.report.document import Box, Table
from pipelines.report.outline import OutlineError, load_outline
from pipelines.report.slots import Slots
from tests.conftest import ROOT, SOURCES


def test_every_edition_outline_and_the_default_one_load():
    paths = sorted(SOURCES.glob("editions/*/outline.yaml")) + [ROOT / "templates" / "report" / "outline.yaml"]
    for path in paths:
        outline = load_outline(path, path.name, set(BLOCKS))
        assert outline.body, path


def test_a_mistyped_block_fails_with_the_file_and_the_valid_blocks(tmp_path):
    path = tmp_path / "outline.yaml"
    path.write_text("body:\n  - {key: x, title: X, blocks: [coverage_heatmapp]}\n", encoding="utf-8")
    with pytest.raises(OutlineError) as caught:
        load_outline(path, "sources/editions/e/outline.yaml", set(BLOCKS))
    message = str(caught.value)
    assert message.startswith("sources/editions/e/outline.yaml") and "'coverage_heatmapp'" in message and "coverage_heatmap," in message


def test_a_mistyped_placement_fails_with_the_file_the_nearest_slot_and_all_slots():
    slots = Slots.for_paper(["labour-migration", "appendix/III"], ["A", "B"], ["A1", "A2", "B1"])
    table = Table(key="t", caption="T", columns=[], rows=[])
    slots.put("subgroup/A3", table, "sources/editions/e/tables/t.yaml", 12)
    assert slots.take("subgroup/A1") == [] and len(slots.problems) == 1  # collected, reported with the narrative problems
    message = str(slots.problems[0])
    assert message.startswith('sources/editions/e/tables/t.yaml, line 12: the table "t" has placement "subgroup/A3"')
    assert "Did you mean" in message and "subgroup/B1" in message and "labour-migration" in message


def test_a_slot_gives_tables_then_figures_then_boxes():
    slots = Slots.for_paper([], ["A"], ["A1"])
    box = Box(key="b", title="B", body="")
    table = Table(key="t", caption="T", columns=[], rows=[])
    slots.put("subgroup/A1", box, "b.md")
    slots.put("subgroup/A1", table, "t.yaml")
    assert [b.kind for b in slots.take("subgroup/A1")] == ["table", "box"]
    with pytest.raises(TypeError):
        slots.put("subgroup/A1", "a string is not placeable", "x")
