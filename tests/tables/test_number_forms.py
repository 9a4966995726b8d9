"""Table cells are numbers only in the documented form (ASCII digits, optional minus and decimal point)."""

from __future__ import annotations

import shutil

import pytest

from pipelines.sourcefiles import SourceError
from pipelines.tables import values
from pipelines.tables.load import read_table
from tests.conftest import SOURCES

TABLES = SOURCES / "editions" / "afml-13" / "tables"


@pytest.mark.parametrize("text,expected", [("1234", 1234), ("-12", -12), ("39.6", 39.6), ("12.0", 12), (" 7 ", 7), ("n/a", "n/a"), ("-", "-")])
def test_documented_forms_are_read(text, expected):
    parsed = values.parse(text, "float" if "." in text and text != "12.0" else "int")
    assert parsed == expected and type(parsed) is type(expected)


@pytest.mark.parametrize("text", ["84_666", "٨٤٦٦٦", "๘๔", "８４", "1,000", "1 000", "+5", "1e3", "inf", "nan", "0x1F", "12.", ".5", "--1"])
def test_other_digit_forms_are_errors(text):
    with pytest.raises(ValueError, match="not a number"):
        values.parse(text, "int")


def test_a_generous_number_in_a_table_is_named_by_file_row_column_and_value(tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(TABLES, folder)
    path = folder / "table02_stock.csv"
    text = path.read_text(encoding="utf-8")
    assert "63647" in text
    path.write_text(text.replace("63647", "63_647", 1), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_table(path, tmp_path)
    [found] = caught.value.problems
    assert (found.file, found.row, found.column, found.value) == ("tables/table02_stock.csv", 2, "men", "63_647")
    assert "ASCII digits" in str(caught.value) and '"63_647"' in str(caught.value)


def test_a_table_that_is_not_utf8_is_named_with_what_to_save_as(tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(TABLES, folder)
    path = folder / "table02_stock.csv"
    path.write_bytes(path.read_bytes() + "\nDécret".encode("cp1252"))
    with pytest.raises(SourceError) as caught:
        read_table(path, tmp_path)
    [found] = caught.value.problems
    assert found.file == "table02_stock.csv" and "not UTF-8" in found.reason and "CSV UTF-8" in found.reason
