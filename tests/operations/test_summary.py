"""The build summary is read from what the run recorded: survey files, accepted and quarantined rows,
unknown columns and failed warning checks, on a survey folder with planted problems; and the survey text
of those problems reaches the UI's Markdown inert."""

from __future__ import annotations

import csv

import dagster as dg
from markdown_it import MarkdownIt

from pipelines.catalog.assets import CATALOG_ASSETS
from pipelines.operations.summary import summarize_run
from pipelines.partitions import sync_edition_partitions
from pipelines.settings import ProjectPaths
from pipelines.survey.assets import SURVEY_CHECKS, survey_intake

HOSTILE_COUNTRY = '![x](http://example.org/a.png)<img src="http://example.org/b.png">'


def plant_problems(sources) -> None:
    """literature-review.csv gets a column the layout does not know and one row with an impossible country."""
    path = sources / "editions" / "afml-13" / "survey" / "literature-review.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    rows[0] = header + ["reviewer_note"]
    rows[1] = rows[1] + ["checked"]
    rows[1][header.index("country")] = HOSTILE_COUNTRY
    rows[2:] = [row + [""] for row in rows[2:]]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_the_summary_of_a_run_with_problems(sources_copy, tmp_path):
    plant_problems(sources_copy)
    paths = ProjectPaths(sources_dir=str(sources_copy), outputs_dir=str(tmp_path / "outputs"))
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        sync_edition_partitions(instance, paths)
        result = dg.materialize([*CATALOG_ASSETS, survey_intake, *SURVEY_CHECKS], partition_key="afml-13", instance=instance, resources={"paths": paths})
        assert result.success
        summary = summarize_run(instance, result.run_id, "afml-13")
        intake = result.asset_materializations_for_node("survey_intake")[0].metadata
    assert summary.files_read == 10 and summary.records_read == 420
    assert summary.quarantined == 1 and summary.unknown_columns == 1
    assert summary.respondents_accepted + summary.initiatives_accepted + summary.quarantined + summary.superseded == summary.records_read
    assert [c.check for c in summary.failed_warnings] == ["survey_rows_all_accepted"]
    assert summary.has_warnings and summary.strict_reasons()[0] == "1 survey row(s) quarantined"
    assert summary.tags() == {"afml/files": "10", "afml/accepted": "419", "afml/quarantined": "1", "afml/unknown_columns": "1", "afml/warnings": "1"}
    text = "\n".join(summary.lines())
    assert "quarantined: 1 rows" in text and "unknown columns ignored: 1" in text and "survey_rows_all_accepted (survey_intake)" in text
    # the hostile value is in the problems table of the intake, shown as written and inert
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(intake["problems"].value)
    assert "http://example.org/a.png" in rendered and "<img" not in rendered and "<a " not in rendered
