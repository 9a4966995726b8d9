"""The authors' documentation of the data model lists every field the code defines."""

from pipelines.survey.model import INITIATIVE_FIELDS, RESPONDENT_FIELDS
from tests.conftest import ROOT


def test_every_field_is_documented():
    text = (ROOT / "docs" / "survey-data-model.md").read_text(encoding="utf-8")
    for field in RESPONDENT_FIELDS + INITIATIVE_FIELDS:
        assert f"| `{field.name}` | {field.label} |" in text, field.name
