"""A third framework needs only files: the tiny fixture (tests/fixtures/frameworks/tiny/) copied into
a copy of sources/, one edition entry naming it, and the whole pipeline builds its paper -- no code.

The tiny Charter ("pledges" in "areas") takes its evidence from the afml-13 survey through its
mapping to AFML sub-clusters A1 and D1; it has no outline, narrative or tables of its own, so the
generic outline and default texts stand.
"""

from __future__ import annotations

import re

import shutil

import pandas as pd
import pytest

from tests.conftest import FIXTURES, SOURCES

TINY = FIXTURES / "frameworks"
EDITION = "tiny-baseline"


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    import dagster as dg

    from pipelines.cli import run_build
    from pipelines.settings import ProjectPaths

    tmp = tmp_path_factory.mktemp("tiny")
    sources = tmp / "sources"
    shutil.copytree(SOURCES, sources)
    shutil.copytree(TINY / "tiny", sources / "frameworks" / "tiny")
    shutil.copy(TINY / "mappings" / "tiny__afml.csv", sources / "frameworks" / "mappings" / "tiny__afml.csv")
    with (sources / "editions.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            f"\n  - id: {EDITION}\n    framework: tiny\n    title: A tiny baseline\n    evidence: {{survey_of: afml-13}}\n"
            "    review_period: {start: 2018-01-01, end: 2020-10-31}\n    publication_date: 2024-01-15\n    previous_edition: null\n"
        )
    home = tmp / "dagster_home"
    home.mkdir()
    paths = ProjectPaths(sources_dir=str(sources), outputs_dir=str(tmp / "outputs"))
    result = run_build(dg.DagsterInstance.local_temp(str(home)), paths, EDITION)
    return result, tmp / "outputs" / EDITION, sources


def test_the_tiny_framework_builds_its_own_paper(tiny_build):
    result, outputs, _ = tiny_build
    assert result.success
    assert (outputs / "report.pdf").stat().st_size > 0


def test_its_vocabulary_groups_and_commitments_reach_the_paper(tiny_build):
    _, outputs, sources = tiny_build
    html = (outputs / "report.html").read_text(encoding="utf-8")
    assert "Progress, area by area" in html  # the generic outline in the framework's words
    assert "Indicators for this area" in html
    for text in pd.read_csv(sources / "frameworks" / "tiny" / "commitments.csv", dtype=str)["text"]:
        assert text.replace("'", "&#39;") in html  # every pledge, verbatim (escaped as HTML)
    body = re.split(r"<main[^>]*>", html.lower(), maxsplit=1)[1].split("colophon", 1)[0]
    assert "cluster" not in body.replace("sub-cluster", "").replace("cluster-", "")


def test_each_initiative_counts_once_per_framework(tiny_build):
    """Initiatives recorded under A1 count for pledges 1 and 2 (both in area 'info'): twice in the
    per-pledge rows, once in the area and in the totals."""
    _, outputs, _ = tiny_build
    classified = pd.read_csv(outputs / "data" / "initiatives.csv", dtype=str, keep_default_na=False)
    groups = pd.read_csv(outputs / "data" / "cluster_indicators.csv", dtype=str).set_index("cluster")
    subs = pd.read_csv(outputs / "data" / "subcluster_indicators.csv", dtype=str).set_index("subcluster")
    in_a1 = classified.loc[classified["evidence_subcluster"] == "A1", "uid"].nunique()
    assert in_a1 > 0
    assert int(subs.loc["tiny-1", "initiatives"]) == int(subs.loc["tiny-2", "initiatives"]) == in_a1
    assert int(groups.loc["info", "initiatives"]) == in_a1  # not 2 x in_a1
    assert int(groups["initiatives"].astype(int).sum()) == classified["uid"].nunique()
