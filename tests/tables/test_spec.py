"""A table's YAML declaration: checked key by key, every problem with its line and the nearest key."""

from __future__ import annotations

import pytest

from pipelines.tables.spec import load_spec
from pipelines.yamlfiles import YamlError
from tests.conftest import SOURCES

REAL = SOURCES / "editions" / "afml-13" / "tables" / "table04_legal_cases.yaml"


def planted(tmp_path, *replacements: tuple[str, str]):
    text = REAL.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / REAL.name
    path.write_text(text, encoding="utf-8")
    return path, text.splitlines()


def line_of(lines: list[str], fragment: str) -> int:
    return next(i for i, line in enumerate(lines, 1) if fragment in line)


def test_every_real_declaration_loads_with_its_placement_line():
    for path in sorted(SOURCES.glob("editions/*/tables/*.yaml")):
        spec = load_spec(path)
        assert spec.file.endswith(path.name)
        assert "placement" in path.read_text().splitlines()[spec.lines["placement"] - 1]
        assert spec.placement or spec.kind == "facts"  # facts are quoted by the text, not printed


def test_misspelt_keys_at_any_depth_are_all_named_with_line_and_suggestion(tmp_path):
    path, lines = planted(tmp_path, ("\ntitle:", "\ntitel:"), ("  row_label: country", "  row_lable: country"), ("type: int, unit: cases}", "typ: int, unit: cases}"))
    with pytest.raises(YamlError) as caught:
        load_spec(path)
    messages = [str(p) for p in caught.value.problems]
    assert any(f'line {line_of(lines, "titel:")}: unknown key "titel"; did you mean "title"?' in m for m in messages)
    assert any(f'line {line_of(lines, "typ: int")}: unknown key "typ" (in columns, item 3); did you mean "type"?' in m for m in messages)
    assert any(f'line {line_of(lines, "row_lable")}: unknown key "row_lable" (in display); did you mean "row_label"?' in m for m in messages)
    assert any('line 1: "title" is missing; add a line such as  title: "Number of legal cases, 2019"' in m for m in messages)


def test_a_derive_step_is_checked_against_its_operation(tmp_path):
    path, lines = planted(tmp_path, ("op: total_row, label", "op: totl_row, label"))
    with pytest.raises(YamlError, match=r'derive, item 1, op is "totl_row", which is not one of: .*; did you mean "total_row"\?'):
        load_spec(path)
    path, lines = planted(tmp_path, ("op: total_row, label", "op: total_row, colums: [x], label"))
    with pytest.raises(YamlError) as caught:
        load_spec(path)
    text = str(caught.value)
    assert 'unknown key "colums" (in derive, item 1); did you mean "columns"?' in text


def test_a_value_outside_its_choices_is_named(tmp_path):
    path, lines = planted(tmp_path, ("  layout: rows", "  layout: row"))
    with pytest.raises(YamlError, match=rf'line {line_of(lines, "  layout: row")}: display, layout is "row", which is not one of: rows, transposed, grouped_list, pivot; did you mean "rows"\?'):
        load_spec(path)
