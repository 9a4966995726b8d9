"""The 2023 ASEAN Declaration baseline builds from the sources alone: a section for each of its
nine commitments (and the tasking clause), its paragraphs verbatim, and each initiative counted once."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import ROOT, SOURCES

EDITION = "asean-crisis-2023-baseline"


@pytest.fixture(scope="module")
def declaration_build(tmp_path_factory):
    import dagster as dg

    from pipelines.cli import run_build
    from pipelines.settings import ProjectPaths

    tmp = tmp_path_factory.mktemp("declaration")
    (tmp / "home").mkdir()
    paths = ProjectPaths(outputs_dir=str(tmp / "outputs"))
    result = run_build(dg.DagsterInstance.local_temp(str(tmp / "home")), paths, EDITION)
    assert result.success
    return tmp / "outputs" / EDITION


def _titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += _titles(item) if isinstance(item, list) else [item.title]
    return titles


def test_a_section_for_each_commitment_and_the_paragraphs_verbatim(declaration_build):
    from pypdf import PdfReader

    commitments = pd.read_csv(SOURCES / "frameworks" / "asean-crisis-2023" / "commitments.csv", dtype=str)
    titles = _titles(PdfReader(declaration_build / "report.pdf").outline)
    numbered = commitments[commitments["kind"] == "commitment"]["number"]
    assert len(numbered) == 9
    for number in numbered:
        assert any(t.endswith(f"Commitment {number}") for t in titles), number
    html = (declaration_build / "report.html").read_text(encoding="utf-8")
    for text in commitments["text"]:
        assert text.replace("'", "&#39;") in html


def test_each_initiative_counts_once_in_the_totals(declaration_build):
    initiatives = pd.read_csv(declaration_build / "data" / "initiatives.csv", dtype=str, keep_default_na=False)
    themes = pd.read_csv(declaration_build / "data" / "cluster_indicators.csv")
    classification = pd.read_csv(SOURCES / "frameworks" / "mappings" / "asean-crisis-2023__classification.csv", dtype=str)
    assert initiatives["uid"].nunique() == classification["uid"].nunique() < len(classification)
    assert themes["initiatives"].sum() == initiatives.drop_duplicates(["uid", "cluster"]).shape[0]
    assert set(initiatives["recommendation_ids"]) == set(classification["commitment_id"])
    manifest = (declaration_build / "manifest.json").read_text(encoding="utf-8")
    assert "sources/editions/afml-13/survey/literature-review.csv" in manifest  # the evidence, read in place
    assert "sources/frameworks/mappings/asean-crisis-2023__classification.csv" in manifest
    assert str(ROOT) not in manifest


def test_the_data_package_speaks_of_themes_and_commitments_not_clusters(declaration_build):
    """The published data package describes the files in the Declaration's words."""
    import json

    package = json.loads((declaration_build / "data" / "datapackage.json").read_text(encoding="utf-8"))
    by_path = {r["path"]: r for r in package["resources"]}
    assert by_path["cluster_indicators.csv"]["title"] == "Indicators by theme"
    fields = {f["name"]: f for r in package["resources"] for f in r.get("schema", {}).get("fields", [])}
    assert fields["cluster"]["title"] == "Theme"
    text = json.dumps(package)
    assert "AFML" not in text and "cluster of" not in text and "Recommendations sheet" not in text
