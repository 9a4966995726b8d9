"""One intake, several frameworks: the afml-13 initiatives classified to the 2023 Declaration."""

from __future__ import annotations

import pytest

from pipelines.settings import ProjectPaths
from tests.conftest import ROOT, SOURCES


@pytest.fixture(scope="module")
def intake():
    from pipelines.catalog.load import catalog_of_edition
    from pipelines.survey.intake import catalogue_for, run_intake

    paths = ProjectPaths()
    catalog = catalog_of_edition(paths, "afml-13")
    return run_intake(paths.survey_dir("afml-13"), ROOT, catalogue_for(paths.edition("afml-13"), catalog["clusters"], catalog["subclusters"], catalog["recommendations"]))


def _classify(intake, classification_file):
    from pipelines.catalog.load import catalog_of_edition
    from pipelines.survey.classify import classify

    paths = ProjectPaths()
    framework = paths.framework("asean-crisis-2023-baseline")
    memberships = catalog_of_edition(paths, "asean-crisis-2023-baseline")["cluster_memberships"]
    return classify(intake.initiatives, classification_file, framework.mappings["afml"], "afml-13", memberships, ROOT)


def test_each_classified_initiative_is_filed_under_its_commitments_and_counted_once(intake):
    framework = ProjectPaths().framework("asean-crisis-2023-baseline")
    rows = _classify(intake, framework.classifications["afml-13"])
    written = (SOURCES / "frameworks" / "mappings" / "asean-crisis-2023__classification.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == len(written)  # one row per initiative and commitment (each commitment sits in one theme)
    assert rows["uid"].nunique() < len(rows)  # some initiative serves two commitments ...
    twice = rows[rows["uid"].duplicated(keep=False)]
    assert twice["cluster"].nunique() == 1  # ... of one theme, where it counts once:
    from pipelines.indicators.compute import cluster_by_country

    import pandas as pd

    matrix = cluster_by_country(rows, pd.DataFrame({"cluster": sorted(rows["cluster"].unique())}))
    assert int(matrix.to_numpy().sum()) == rows.drop_duplicates(["uid", "cluster"]).shape[0]
    assert set(rows["recommendation_ids"]) == set(rows["subcluster"]) and rows["evidence_subcluster"].ne("").all()


def test_a_stale_key_or_a_wrong_mapping_claim_stops_the_build_with_file_and_row(intake, tmp_path):
    from pipelines.sourcefiles import SourceError

    original = SOURCES / "frameworks" / "mappings" / "asean-crisis-2023__classification.csv"
    bad = tmp_path / "asean-crisis-2023__classification.csv"
    lines = original.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("PHL-POEA:1,", "PHL-POEA:999,", 1)  # an initiative that does not exist
    lines[2] = lines[2].replace(",decl23-03,mapping,", ",decl23-09,mapping,", 1)  # the mapping does not reach paragraph 9 from A1
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        _classify(intake, bad)
    problems = {(p.row, p.column): p.reason for p in caught.value.problems}
    assert "no accepted initiative of afml-13" in problems[(2, "uid")]
    with pytest.raises(SourceError) as caught:
        lines[1] = original.read_text(encoding="utf-8").splitlines()[1]
        bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _classify(intake, bad)
    assert any(p.row == 3 and "the mapping reaches decl23-03" in p.reason for p in caught.value.problems)


def test_the_declaration_questionnaire_asks_about_its_commitments_and_reads_back(tmp_path):
    """``make questionnaire EDITION=asean-crisis-2023-baseline``: the framework's words and paragraphs;
    an answer filed under a theme and a paragraph validates against the Declaration."""
    from openpyxl import load_workbook

    from pipelines.catalog.load import catalog_of_edition
    from pipelines.survey.intake import catalogue_for, run_intake
    from pipelines.survey.questionnaire import write_questionnaire

    paths = ProjectPaths()
    edition = paths.edition("asean-crisis-2023-baseline")
    catalog = catalog_of_edition(paths, edition.id)
    target = tmp_path / "survey" / "q.xlsx"
    write_questionnaire(
        edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"], catalog["cluster_memberships"], catalog["forums"], target,
        prefill={"respondent_id": "SGP-Z", "organisation": "Z", "country": "Singapore", "constituency": "workers"},
        initiatives=[{"initiative_id": "1", "country": "SGP – Singapore", "title": "T", "description": "D.", "cluster": "information-services – Information and services", "subcluster": "decl23-03 – Commitment 3", "recommendation_ids": "decl23-03", "start_year": 2020}],
    )
    book = load_workbook(target)
    listed = {str(c.value) for row in book.worksheets[3].iter_rows() for c in row if c.value}
    assert {f"decl23-0{n}" for n in range(1, 10)} <= listed  # the reference sheet lists the Declaration's paragraphs
    result = run_intake(target.parent, tmp_path, catalogue_for(edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"]))
    assert result.problems.empty, result.problems.to_dict("records")
    row = result.initiatives.iloc[0]
    assert (row["cluster"], row["subcluster"], row["recommendation_ids"]) == ("information-services", "decl23-03", "decl23-03")
