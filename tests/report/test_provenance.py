"""Provenance: every input hashed; the fingerprint moves with any input or code change, not with noise."""

from __future__ import annotations

import json

from pipelines.report.provenance import collect
from tests.conftest import ROOT


def test_every_input_is_listed_with_its_hash(sources_copy):
    record = collect(sources_copy, ROOT / "templates", "afml-13", "2020-11-10T00:00:00Z").as_record()
    paths = {i["path"] for i in record["inputs"]}
    assert "sources/catalog/recommendations.csv" in paths
    assert "sources/editions/afml-13/survey/THA-MOL.xlsx" in paths
    assert "sources/editions/afml-13/tables/table01_outflow.csv" in paths
    assert all(len(i["sha256"]) == 64 for i in record["inputs"])
    assert record["packages"]["weasyprint"] and record["commit"]


def test_the_fingerprint_follows_inputs_but_not_lock_files(sources_copy):
    before = collect(sources_copy, ROOT / "templates", "afml-13", "").fingerprint
    (sources_copy / "editions" / "afml-13" / "survey" / "~$THA-MOL.xlsx").write_bytes(b"lock")
    assert collect(sources_copy, ROOT / "templates", "afml-13", "").fingerprint == before
    table = sources_copy / "editions" / "afml-13" / "tables" / "table04_legal_cases.csv"
    table.write_text(table.read_text().replace("355", "356"))
    assert collect(sources_copy, ROOT / "templates", "afml-13", "").fingerprint != before


def test_the_published_build_carries_its_manifest(afml13_build):
    manifest = json.loads((afml13_build.edition_dir / "manifest.json").read_text())
    assert manifest["edition"] == "afml-13" and manifest["build_date"] == "2020-11-10T00:00:00Z"
    assert len(manifest["inputs"]) > 40 and len(manifest["fingerprint"]) == 64


def test_the_previous_editions_survey_is_an_input_of_the_build_that_compares_with_it(sources_copy):
    """The change since the previous edition is computed from that edition's survey folder, so a
    correction there must make the published build out of date (and rebuild it)."""
    import shutil

    import yaml

    from tests.conftest import FIXTURES

    editions_file = sources_copy / "editions.yaml"
    declared = yaml.safe_load(editions_file.read_text())
    current = declared["editions"][0]
    declared["editions"].append(dict(current, id="afml-11-fixture", prepared_for="afml11", forums_covered={"first": "afml03", "last": "afml10"}, review_period={"start": "2016-01-01", "end": "2018-06-30"}, publication_date="2018-10-30", previous_edition=None))
    current["previous_edition"] = "afml-11-fixture"
    editions_file.write_text(yaml.safe_dump(declared, allow_unicode=True))
    shutil.copytree(FIXTURES / "previous_edition", sources_copy / "editions" / "afml-11-fixture")

    record = collect(sources_copy, ROOT / "templates", "afml-13", "").as_record()
    previous_survey = sorted(i["path"] for i in record["inputs"] if i["path"].startswith("sources/editions/afml-11-fixture/"))
    assert previous_survey and all("/survey/" in path for path in previous_survey)
    survey_file = next((sources_copy / "editions" / "afml-11-fixture" / "survey").iterdir())
    survey_file.write_bytes(survey_file.read_bytes() + b"\n")
    assert collect(sources_copy, ROOT / "templates", "afml-13", "").fingerprint != record["fingerprint"]
