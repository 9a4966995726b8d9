"""Scope of an initiative: national (one Member State) or regional (an ASEAN body or network)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.indicators.compute import cluster_by_country, indicator_table, with_constituency
from pipelines.report.parts.evidence import ASEAN_LEVEL, compilation
from pipelines.survey.intake import catalogue_for, run_intake
from tests.conftest import SOURCES

HEADER = "initiative_id,country,title,description,cluster,subcluster,source,scope,regional_actor\n"


@pytest.fixture(scope="module")
def catalogue(catalog, edition):
    return catalogue_for(edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"])


@pytest.fixture(scope="module")
def afml13(catalogue):
    return run_intake(SOURCES / "editions" / "afml-13" / "survey", SOURCES.parent, catalogue)


def test_scope_rules_name_row_column_and_reason(tmp_path, catalogue):
    rows = [
        "1,LAO,National with country,d,H,H1,literature_review,,",  # accepted, scope defaults to national
        "2,,Regional with actor,d,H,H1,literature_review,regional,ACMW",  # accepted
        "3,,National without country,d,H,H1,literature_review,national,",
        "4,THA,Regional with a country,d,H,H1,literature_review,regional,ACMW",
        "5,,Regional without actor,d,H,H1,literature_review,regional,",
        "6,,Unknown scope,d,H,H1,literature_review,global,ACMW",
    ]
    (tmp_path / "lit.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    result = run_intake(tmp_path, tmp_path, catalogue)
    accepted = result.initiatives.set_index("initiative_id")
    assert accepted.loc["1", "scope"] == "national" and accepted.loc["2", "scope"] == "regional"
    assert accepted.loc["2", "regional_actor"] == "ACMW" and accepted.loc["2", "country"] == ""
    found = {(p.row, p.column) for p in result.problems.itertuples(index=False)}
    assert found == {(4, "country"), (5, "country"), (6, "regional_actor"), (7, "scope")}
    assert set(result.quarantine["row"]) == {4, 5, 6, 7}


def test_afml13_regional_initiatives_have_an_actor_and_no_country(afml13):
    frame = afml13.initiatives
    regional = frame[frame["scope"] == "regional"]
    assert len(regional) >= 15  # the ASEAN-level initiatives of the paper's chapter 2
    assert (regional["country"] == "").all() and (regional["regional_actor"] != "").all()
    assert (frame.loc[frame["scope"] == "national", "country"] != "").all()
    # the sub-clusters where the paper credits regional progress and no Member State
    assert {"H1", "I2"} <= set(regional["subcluster"])


def test_regional_initiatives_count_for_the_cluster_but_not_per_country(afml13, catalog):
    initiatives = with_constituency(afml13.initiatives, afml13.respondents)
    national = initiatives[initiatives["scope"] == "national"]
    args = (catalog["memberships"], catalog["recommendations"], catalog["forums"])
    both = indicator_table(*args, initiatives, "cluster").set_index("cluster")
    only_national = indicator_table(*args, national, "cluster").set_index("cluster")
    regional_per_cluster = initiatives[initiatives["scope"] == "regional"].groupby("cluster").size()
    for cluster, count in regional_per_cluster.items():
        assert both.loc[cluster, "initiatives"] == only_national.loc[cluster, "initiatives"] + count
        assert both.loc[cluster, "initiatives_regional"] == count
        assert both.loc[cluster, "countries_reporting"] == only_national.loc[cluster, "countries_reporting"]
        assert both.loc[cluster, "countries"] == only_national.loc[cluster, "countries"]
    pd.testing.assert_frame_equal(cluster_by_country(initiatives, catalog["clusters"]), cluster_by_country(national, catalog["clusters"]))


def test_compilation_lists_asean_level_after_the_member_states(afml13, edition):
    from pipelines.frameworks import load_framework
    from tests.conftest import SOURCES

    words = load_framework(SOURCES, edition.framework).vocabulary
    part = afml13.initiatives[afml13.initiatives["subcluster"] == "J1"]
    groups = [c.country for c in compilation(part, afml13.respondents, words).countries]
    assert groups[-1] == ASEAN_LEVEL and groups.count(ASEAN_LEVEL) == 1
    assert len(groups) > 1  # Viet Nam's own entry comes first


def test_a_regional_initiative_round_trips_through_the_questionnaire_and_a_form_export(tmp_path, catalog, edition, catalogue):
    from pipelines.survey.questionnaire import write_questionnaire

    folder = tmp_path / "survey"
    write_questionnaire(
        edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"], catalog["memberships"], catalog["forums"], folder / "q.xlsx",
        prefill={"respondent_id": "IDN-Z", "organisation": "Z", "country": "Indonesia", "constituency": "workers"},
        initiatives=[{"initiative_id": "1", "title": "Regional desk", "description": "A regional help desk.", "cluster": "C", "subcluster": "C1", "scope": "regional – ASEAN level", "regional_actor": "ASEAN Trade Union Council"}],
    )
    (folder / "kobo.csv").write_text(
        "_uuid,_submission_time,respondent/respondent_id,respondent/organisation,respondent/country,respondent/constituency,"
        "initiative/initiative_id,initiative/title,initiative/description,initiative/cluster,initiative/scope,initiative/regional_actor,initiative/country\n"
        "u1,2020-07-01T00:00:00Z,MYS-K,K,MYS,civil_society,1,Platform,A platform.,J,Regional,Task Force on ASEAN Migrant Workers,\n"
        "u1,2020-07-01T00:00:00Z,MYS-K,K,MYS,civil_society,2,Forgot scope,No country.,J,,Some network,\n",
        encoding="utf-8",
    )
    result = run_intake(folder, tmp_path, catalogue)
    accepted = result.initiatives.set_index("uid")
    assert accepted.loc["IDN-Z:1", ["scope", "regional_actor", "country"]].tolist() == ["regional", "ASEAN Trade Union Council", ""]
    assert accepted.loc["MYS-K:1", "scope"] == "regional"
    assert result.problems[["file", "row", "column"]].values.tolist() == [["survey/kobo.csv", 3, "country"]]  # national by default, so a country is required
