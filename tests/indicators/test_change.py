"""Change since a previous edition, on a small previous-edition fixture (afml-13 itself has none)."""

from __future__ import annotations

import shutil

import pandas as pd
import yaml

from pipelines.indicators.change import changes_since_previous
from pipelines.indicators.compute import indicator_table, with_constituency
from pipelines.settings import ProjectPaths
from pipelines.survey.intake import catalogue_for, run_intake
from tests.conftest import FIXTURES


def test_afml13_has_no_previous_edition_and_says_so(catalog):
    result = changes_since_previous(ProjectPaths(), "afml-13", catalog["forums"], catalog["clusters"], catalog["subclusters"], catalog["recommendations"], catalog["memberships"], pd.DataFrame(), pd.DataFrame())
    assert result == {"previous": None}


def test_changes_against_a_previous_edition_fixture(sources_copy, catalog):
    editions_file = sources_copy / "editions.yaml"
    declared = yaml.safe_load(editions_file.read_text())
    current = declared["editions"][0]
    previous = dict(current, id="afml-11-fixture", prepared_for="afml11", forums_covered={"first": "afml03", "last": "afml10"}, review_period={"start": "2016-01-01", "end": "2018-06-30"}, publication_date="2018-10-30", previous_edition=None)
    current["previous_edition"] = "afml-11-fixture"
    declared["editions"].append(previous)
    editions_file.write_text(yaml.safe_dump(declared, allow_unicode=True))
    shutil.copytree(FIXTURES / "previous_edition", sources_copy / "editions" / "afml-11-fixture")

    paths = ProjectPaths(sources_dir=str(sources_copy))
    from pipelines.editions import load_editions

    edition = load_editions(sources_copy)["afml-13"]
    intake = run_intake(sources_copy / "editions" / "afml-13" / "survey", sources_copy.parent, catalogue_for(edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"]))
    reviewed = catalog["recommendations"]
    members = catalog["memberships"][catalog["memberships"]["recommendation_id"].isin(reviewed["recommendation_id"])]
    now = indicator_table(members, reviewed, catalog["forums"], with_constituency(intake.initiatives, intake.respondents), "cluster")
    result = changes_since_previous(paths, "afml-13", catalog["forums"], catalog["clusters"], catalog["subclusters"], catalog["recommendations"], catalog["memberships"], now, intake.initiatives)

    assert result["previous"] == "afml-11-fixture"
    changes = result["clusters"].set_index("cluster")
    # The fixture reports one initiative in D and one in B; afml-13 reports many more.
    assert changes.loc["D", "initiatives_previous"] == 1
    assert changes.loc["D", "initiatives_change"] == changes.loc["D", "initiatives"] - 1
    assert changes.loc["A", "initiatives_previous"] == 0
    # afml03-03 and afml04-01 were covered before: they cannot have "gained their first initiative".
    assert "afml03-03" not in result["newly_covered"] and "afml04-01" not in result["newly_covered"]
    covered_now = {r for ids in intake.initiatives["recommendation_ids"] for r in ids.split()}
    assert set(result["newly_covered"]) == covered_now - {"afml03-03", "afml04-01"}
