"""The authors' documentation of the data model lists every field the code defines."""

from pipelines.survey.model import INITIATIVE_FIELDS, RESPONDENT_FIELDS
from tests.conftest import ROOT


def test_every_field_is_documented():
    text = (ROOT / "docs" / "survey-data-model.md").read_text(encoding="utf-8")
    for field in RESPONDENT_FIELDS + INITIATIVE_FIELDS:
        assert f"| `{field.name}` | {field.label} |" in text, field.name


def test_limits_and_lengths_are_documented():
    from pipelines.survey import readers

    text = (ROOT / "docs" / "survey-data-model.md").read_text(encoding="utf-8")
    for field in RESPONDENT_FIELDS + INITIATIVE_FIELDS:
        assert f"| `{field.name}` | {field.label} |" in text and text.split(f"| `{field.name}` | {field.label} |")[1].split("\n")[0].rstrip().endswith(f"| {field.max_length} |"), field.name
    for value in (readers.MAX_ZIP_MEMBERS, readers.MAX_SHEET_COLUMNS, readers.MAX_SHEET_CELLS, readers.MAX_ROWS, readers.MAX_COMPRESSION_RATIO):
        assert f"{value:,}".replace(",", " ") in text, value
    assert f"{readers.MAX_UNZIPPED_BYTES // 2**20} MB" in text and f"{readers.MAX_FILE_BYTES['.xlsx'] // 2**20} MB" in text
