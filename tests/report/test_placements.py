"""Boxes, tables and figures go where their files say, or the build stops saying where that is wrong;
the assembly reports the problems of every narrative file at once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from pipelines.report.assemble import AssemblyContext, NarrativeSlot, assemble
from pipelines.report.document import Box, Table
from pipelines.report.narrative import NarrativeError
from pipelines.report.outline import BlockSpec, Outline, SectionSpec
from pipelines.report.parts.boxes import placed_boxes
from pipelines.report.slots import Slots
from pipelines.yamlfiles import YamlError

SUBCLUSTERS = ["A1", "A2", "B1"]
BUILD_DATE = dt.datetime(2020, 11, 10, tzinfo=dt.timezone.utc)


def box(folder, name: str, front: str, body: str = "A box body.\n"):
    (folder / "boxes").mkdir(parents=True, exist_ok=True)
    (folder / "boxes" / name).write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def build(narrative_dir, edition, facts=None):
    """Assemble a one-section paper from ``narrative_dir`` the way the build does: the boxes go into
    the slots of the paper (one per sub-group), the section takes sub-group A2's."""
    from pipelines.frameworks import load_framework
    from tests.conftest import SOURCES

    slots = Slots.for_paper([], [], SUBCLUSTERS)
    for placed, box in placed_boxes(narrative_dir, edition.id):
        slots.put(placed.placement, box, placed.file, placed.line)
    section = SectionSpec("1", "One", level=2, number="1", narrative="one", blocks=[BlockSpec("narrative", narrative="two")], slot="subgroup/A2")
    ctx = AssemblyContext(
        edition=edition,
        framework=load_framework(SOURCES, edition.framework),
        catalog=SimpleNamespace(subclusters=pd.DataFrame({"subcluster_id": SUBCLUSTERS})),
        narrative_dir=narrative_dir,
        templates_dir=narrative_dir,
        facts=facts or {"catalog": {"recommendations": 94}},
        slots=slots,
    )
    return assemble(ctx, Outline("outline.yaml", [], [section]), BUILD_DATE)


def test_a_box_placed_nowhere_stops_the_build_with_file_line_and_valid_places(tmp_path, edition):
    box(tmp_path, "box-x.md", "title: A box\nplacement: subgroup/A9\nsource: somewhere\n")
    with pytest.raises(NarrativeError) as caught:
        build(tmp_path, edition)
    assert [str(p) for p in caught.value.problems] == [
        f'sources/editions/{edition.id}/narrative/boxes/box-x.md, line 3: the box "box-x" has placement "subgroup/A9", which is not a place in the paper. '
        'Did you mean "subgroup/A2"? The places are: subgroup/A1, subgroup/A2, subgroup/B1.'
    ]


def test_a_well_placed_box_is_in_the_paper(tmp_path, edition):
    box(tmp_path, "box-x.md", "title: A box\nplacement: subgroup/A2\n", "Body with {{ catalog.recommendations }} figures.\n")
    document = build(tmp_path, edition)
    boxes = [b for s in document.sections for b in s.blocks if isinstance(b, Box)]
    assert [b.number for b in boxes] == ["1"] and "94" in boxes[0].body


def test_a_table_placed_nowhere_is_named_with_its_yaml_line():
    slots = Slots.for_paper(["labour-migration"], ["A"], SUBCLUSTERS)
    slots.put("subgroup/C9", Table(key="table04", caption="", columns=[], rows=[]), "sources/x/tables/table04.yaml", 40)
    slots.put("labour-migration", Table(key="t2", caption="", columns=[], rows=[]), "t2.yaml", 3)
    assert len(slots.problems) == 1 and slots.take("labour-migration")[0].key == "t2"
    assert str(slots.problems[0]).startswith('sources/x/tables/table04.yaml, line 40: the table "table04" has placement "subgroup/C9", which is not a place in the paper.')
    assert "The places are: labour-migration, group/A, subgroup/A1, subgroup/A2, subgroup/B1." in str(slots.problems[0])


def test_front_matter_keys_are_checked(tmp_path, edition):
    box(tmp_path, "box-x.md", "title: A box\nplacment: subgroup/A2\n")
    with pytest.raises(YamlError) as caught:
        placed_boxes(tmp_path, edition.id)
    messages = [str(p) for p in caught.value.problems]
    assert any(f'sources/editions/{edition.id}/narrative/boxes/box-x.md, line 3: unknown key "placment"; did you mean "placement"?' in m for m in messages)
    assert any('"placement" is missing; add a line such as  placement: subgroup/A2' in m for m in messages)


def test_every_narrative_problem_of_a_build_is_reported_at_once(tmp_path, edition):
    """Two narrative files and a box body with problems, and a misplaced box: one error lists them all,
    each at its line in its file (a box body's lines count from the top of the box file)."""
    (tmp_path / "one.md").write_text("First paragraph.\n\nThere are {{ catalog.recomendations }} of them.\n", encoding="utf-8")
    (tmp_path / "two.md").write_text("Fine: {{ catalog.recommendations }}.\n\nBut 94 is typed here.\n", encoding="utf-8")
    box(tmp_path, "box-a.md", "title: A box\nplacement: subgroup/A2\n", "Body.\n\n{{ 1 / 0 }}\n")
    box(tmp_path, "box-b.md", "title: B box\nplacement: appendix/III\n")
    with pytest.raises(NarrativeError) as caught:
        build(tmp_path, edition)
    where = [(p.file.rsplit("/", 1)[-1], p.line) for p in caught.value.problems]
    assert where == [("box-a.md", 7), ("box-b.md", 3), ("one.md", 3), ("two.md", 3)]
    text = str(caught.value)
    assert text.startswith("4 problems in the narrative")
    assert 'did you mean "catalog.recommendations"?' in text and 'the number "94" is typed' in text and "division by zero" in text


def test_a_narrative_file_that_is_not_utf8_is_named(tmp_path, edition):
    (tmp_path / "one.md").write_bytes("Caf\xe9 society.\n".encode("latin-1"))
    with pytest.raises(NarrativeError, match=r"narrative/one.md, line 1: is not UTF-8 text; save the file as UTF-8"):
        build(tmp_path, edition)


def test_front_matter_problems_of_all_boxes_are_reported_together(tmp_path, edition):
    box(tmp_path, "box-a.md", "title: A\nplacement: [subgroup/A1\n")
    box(tmp_path, "box-b.md", "titel: B\nplacement: subgroup/A1\n")
    (tmp_path / "boxes" / "box-c.md").write_text("No front matter here.\n", encoding="utf-8")
    with pytest.raises(YamlError) as caught:
        placed_boxes(tmp_path, edition.id)
    where = sorted({(p.file.rsplit("/", 1)[-1], p.line) for p in caught.value.problems})
    assert where == [("box-a.md", 4), ("box-b.md", 2), ("box-c.md", 1)]
    assert "a box starts with a front matter block" in str(caught.value)
