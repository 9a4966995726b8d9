"""Each indicator checked on a small hand-made dataset whose answers are worked out below."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.indicators.compute import cluster_by_country, indicator_changes, indicator_table, newly_covered, respondents_by_country, with_constituency

FORUMS = pd.DataFrame({"forum_id": ["afml03", "afml05", "afml07"], "number": ["3", "5", "7"], "ordinal": ["3rd", "5th", "7th"]})
RECS = pd.DataFrame({"recommendation_id": ["afml03-01", "afml05-02", "afml07-03", "afml07-04"], "forum_id": ["afml03", "afml05", "afml07", "afml07"]})
# Cluster A: r1 (A1), r2 (A1), r3 (A2). Cluster B: r3 (B1, so r3 sits in two clusters), r4 (B1).
MEMBERS = pd.DataFrame(
    {
        "recommendation_id": ["afml03-01", "afml05-02", "afml07-03", "afml07-03", "afml07-04"],
        "cluster": ["A", "A", "A", "B", "B"],
        "subcluster_id": ["A1", "A1", "A2", "B1", "B1"],
    }
)
RESPONDENTS = pd.DataFrame({"respondent_id": ["G", "W"], "country": ["IDN", "IDN"], "constituency": ["government", "workers"]})


def initiative(uid, respondent, country, cluster, sub, recs="", gender="unknown", status="ongoing"):
    return {"uid": uid, "respondent_id": respondent, "country": country, "cluster": cluster, "subcluster": sub, "recommendation_ids": recs, "gender_responsive": gender, "status": status, "source": "questionnaire" if respondent else "literature_review"}


INITIATIVES = pd.DataFrame(
    [
        initiative("1", "G", "IDN", "A", "A1", "afml03-01", gender="yes"),
        initiative("2", "W", "THA", "A", "A1", "afml03-01 afml07-03", status="completed"),
        initiative("3", "", "THA", "A", "A2", "", status=""),
        initiative("4", "G", "PHL", "B", "B1", "", gender="no", status="planned"),
    ]
)


@pytest.fixture(scope="module")
def clusters():
    return indicator_table(MEMBERS, RECS, FORUMS, with_constituency(INITIATIVES, RESPONDENTS), "cluster").set_index("cluster")


def test_recommendation_counts_and_coverage(clusters):
    # Cluster A holds r1, r2, r3. Initiatives name r1 (twice) and r3: 2 of 3 covered, r2 never.
    a = clusters.loc["A"]
    assert (a["recommendations"], a["recommendations_with_initiatives"], a["never_covered"]) == (3, 2, 1)
    assert a["share_covered"] == pytest.approx(66.7)
    # Cluster B holds r3 and r4; r3 was named by an initiative filed under A: coverage counts it.
    b = clusters.loc["B"]
    assert (b["recommendations"], b["recommendations_with_initiatives"], b["share_covered"]) == (2, 1, 50.0)


def test_initiatives_countries_and_forums(clusters):
    a = clusters.loc["A"]
    assert a["initiatives"] == 3
    assert (a["countries_reporting"], a["countries"]) == (2, "IDN THA")
    assert a["forum_range"] == "3rd–7th"
    assert clusters.loc["B", "forum_range"] == "7th"


def test_constituency_gender_and_status_mix(clusters):
    a = clusters.loc["A"]
    assert (a["initiatives_government"], a["initiatives_workers"], a["initiatives_employers"], a["initiatives_no_respondent"]) == (1, 1, 0, 1)
    assert a["share_gender_responsive"] == pytest.approx(33.3)  # 1 of 3 marked yes
    assert (a["status_ongoing"], a["status_completed"], a["status_planned"], a["status_not_stated"]) == (1, 1, 0, 1)
    assert clusters.loc["B", "share_gender_responsive"] == 0.0


def test_subcluster_level():
    subs = indicator_table(MEMBERS, RECS, FORUMS, with_constituency(INITIATIVES, RESPONDENTS), "subcluster").set_index("subcluster")
    assert subs.loc["A1", ["recommendations", "recommendations_with_initiatives", "initiatives"]].tolist() == [2, 1, 2]
    assert subs.loc["A2", ["recommendations", "recommendations_with_initiatives", "initiatives"]].tolist() == [1, 1, 1]
    assert subs.loc["B1", "cluster"] == "B"


def test_a_cluster_without_initiatives_has_zeros_not_errors():
    table = indicator_table(MEMBERS, RECS, FORUMS, with_constituency(INITIATIVES.iloc[0:0], RESPONDENTS), "cluster").set_index("cluster")
    assert table.loc["A", "initiatives"] == 0 and table.loc["A", "share_gender_responsive"] is None
    assert table.loc["A", "never_covered"] == 3


def test_coverage_matrices_include_states_with_nothing():
    clusters = pd.DataFrame({"cluster": ["A", "B"]})
    matrix = cluster_by_country(INITIATIVES, clusters)
    assert matrix.loc["A", "THA"] == 2 and matrix.loc["B", "PHL"] == 1 and matrix.loc["A", "BRN"] == 0
    assert matrix.shape == (2, 10)
    answered = respondents_by_country(RESPONDENTS)
    assert answered.loc["IDN", "government"] == 1 and answered.loc["BRN"].sum() == 0


def test_change_since_the_previous_edition():
    previous = INITIATIVES[INITIATIVES["uid"] == "1"]
    assert newly_covered(INITIATIVES, previous) == ["afml07-03"]
    before = indicator_table(MEMBERS, RECS, FORUMS, with_constituency(previous, RESPONDENTS), "cluster")
    now = indicator_table(MEMBERS, RECS, FORUMS, with_constituency(INITIATIVES, RESPONDENTS), "cluster")
    change = indicator_changes(now, before, "cluster").set_index("cluster")
    assert change.loc["A", "initiatives_change"] == 2
    assert change.loc["A", "recommendations_with_initiatives_change"] == 1


def test_indicator_definitions_are_complete_and_unique():
    from pipelines.indicators.definitions import INDICATORS

    names = [i.name for i in INDICATORS]
    assert len(names) == len(set(names))
    assert {"recommendations", "recommendations_with_initiatives", "initiatives", "countries_reporting"} <= set(names)
    assert all(i.label and i.description for i in INDICATORS)
