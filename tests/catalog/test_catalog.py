"""The recommendation catalog extracted from the 2020 paper, and the checks that guard it."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.catalog import checks, schemas
from pipelines.sourcefiles import SourceError, load_validated_csv
from tests.conftest import ROOT, SOURCES


def test_162_recommendations_from_the_3rd_to_the_12th_forum(catalog):
    recs = catalog["recommendations"]
    assert len(recs) == 162
    per_forum = recs.groupby("forum_id").size().to_dict()
    assert per_forum == {
        "afml03": 6, "afml04": 17, "afml05": 21, "afml06": 20, "afml07": 20,
        "afml08": 15, "afml09": 16, "afml10": 19, "afml11": 15, "afml12": 13,
    }


def test_177_cluster_memberships_and_the_recommendations_listed_twice(catalog):
    members = catalog["memberships"]
    assert len(members) == 177
    appearances = members.groupby("recommendation_id").size()
    # Appendix II lists 14 recommendations more than once (the paper's "two clusters")...
    assert int((appearances > 1).sum()) == 14
    # ...of which 12 sit in two different clusters and 2 twice within one cluster (afml08-15, afml12-07).
    clusters_per_rec = members.groupby("recommendation_id")["cluster"].nunique()
    assert int((clusters_per_rec == 2).sum()) == 12
    assert sorted(appearances[(appearances > 1) & (clusters_per_rec == 1)].index) == ["afml08-15", "afml12-07"]


def test_13_forums_with_themes_and_ten_clusters(catalog):
    forums = catalog["forums"]
    assert len(forums) == 13
    assert forums.loc[forums["forum_id"] == "afml13", "city"].item() == "Hanoi"
    assert list(catalog["clusters"]["cluster"]) == list("ABCDEFGHIJ")
    assert catalog["subclusters"].groupby("cluster").size().sum() == 34


def test_recommendation_texts_are_clean_and_verbatim(catalog):
    texts = catalog["recommendations"]["text"]
    assert not texts.str.contains("  ").any()
    assert not texts.str.contains(r"\n").any()
    first = catalog["recommendations"].set_index("recommendation_id").loc["afml05-08", "text"]
    assert first.startswith("Ensure availability of information to the public on recruitment and emigration procedures")


def test_every_catalog_file_passes_its_schema():
    for name, model in [("forums.csv", schemas.Forums), ("clusters.csv", schemas.Clusters), ("subclusters.csv", schemas.Subclusters), ("recommendations.csv", schemas.Recommendations), ("memberships.csv", schemas.Memberships)]:
        assert len(load_validated_csv(SOURCES / "catalog" / name, model, ROOT)) > 0


def test_a_schema_error_names_file_row_column_and_value(tmp_path):
    bad = tmp_path / "recommendations.csv"
    original = (SOURCES / "catalog" / "recommendations.csv").read_text(encoding="utf-8").splitlines()
    original[3] = original[3].replace("afml03-03", "afml03 03", 1)  # an id with a space is no identifier
    bad.write_text("\n".join(original) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_validated_csv(bad, schemas.Recommendations, tmp_path)
    problem = next(p for p in caught.value.problems if p.column == "recommendation_id")
    assert (problem.file, problem.row, problem.value) == ("recommendations.csv", 4, "afml03 03")


def test_integrity_checks_pass_on_the_real_catalog(catalog):
    memberships = catalog["memberships"].assign(position=lambda f: f["position"].astype(int))
    assert checks.memberships_point_to_known_entries(memberships, catalog["recommendations"], catalog["clusters"], catalog["subclusters"]).passed
    assert checks.every_recommendation_is_clustered(memberships, catalog["recommendations"]).passed
    recs = catalog["recommendations"].assign(number=lambda f: f["number"].astype(int))
    assert checks.recommendations_come_from_known_forums(recs, catalog["forums"]).passed


def test_integrity_checks_catch_planted_faults(catalog):
    memberships = catalog["memberships"].copy()
    memberships.loc[0, "subcluster_id"] = "B1"  # afml03-01 is in cluster A: B1 is not a sub-cluster of A
    memberships.loc[1, "recommendation_id"] = "afml99-01"
    result = checks.memberships_point_to_known_entries(memberships, catalog["recommendations"], catalog["clusters"], catalog["subclusters"])
    assert not result.passed and result.metadata["failures"].value == 2
    orphaned = catalog["memberships"][catalog["memberships"]["recommendation_id"] != "afml03-01"]
    result = checks.every_recommendation_is_clustered(orphaned, catalog["recommendations"])
    assert not result.passed and "afml03-01" in result.metadata["failing_rows"].value
