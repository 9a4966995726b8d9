"""Survey text in the Markdown metadata of the Dagster UI is inert: no image, link, HTML or table break."""

from __future__ import annotations

import re

import pandas as pd
from markdown_it import MarkdownIt

from pipelines.metadata import escape_markdown, markdown_list, markdown_table
from pipelines.survey.assets import survey_is_usable, survey_rows_all_accepted
from pipelines.survey.validate import PROBLEM_COLUMNS, IntakeResult

IMAGE = "![x](http://example.org/a.png)"
HTML = '<img src="http://example.org/b.png" onerror="alert(1)">'
HOSTILE = [IMAGE, HTML, "[a link](http://example.org) and <http://example.org>", "a | b\n\n# heading\n- item", "**bold** _it_ `code` ~~s~~ \\"]
# The UI renders Markdown with raw HTML allowed in the worst case; tables as GitHub does.
RENDER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render


def unescaped_syntax(markdown: str) -> list[str]:
    """Characters that would start Markdown syntax, outside a backslash escape (table pipes and list dashes aside)."""
    return re.findall(r"(?<!\\)(?:\\\\)*([\[\]()<>!*_`~#])", markdown)


def assert_inert(html: str) -> None:
    assert "<img" not in html and "<a " not in html and "<h1" not in html and "<strong" not in html and "<em" not in html and "<code" not in html
    assert "http://example.org/a.png" in html  # shown as written, not dropped


def test_escaped_values_show_as_written_and_do_nothing():
    for value in HOSTILE:
        escaped = escape_markdown(value)
        assert unescaped_syntax(escaped) == [] and "\n" not in escaped
        rendered = RENDER(escaped)
        assert "<img" not in rendered and "<a " not in rendered and "<code" not in rendered and "<strong" not in rendered
        assert " ".join(value.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in rendered


def test_a_preview_table_of_hostile_titles_renders_inert():
    frame = pd.DataFrame({"title": HOSTILE, "country": ["IDN"] * len(HOSTILE)})
    html = RENDER(markdown_table(frame))
    assert_inert(html)
    assert html.count("<tr>") == len(HOSTILE) + 1  # no row broken by a pipe or a newline
    assert_inert(RENDER(markdown_list(HOSTILE)))


def test_the_survey_checks_escape_problems_and_structural_failures():
    problems = pd.DataFrame([{c: "" for c in PROBLEM_COLUMNS} | {"file": "survey/x.csv", "column": "title", "value": IMAGE + " " + HTML, "reason": "too long"}])
    quarantine = pd.DataFrame({"disposition": ["rejected"]})
    empty = pd.DataFrame()
    intake = IntakeResult(respondents=empty, initiatives=empty, quarantine=quarantine, problems=problems, files=empty, structural=[f"survey/{IMAGE}.csv: unknown layout {HTML}"])
    usable = survey_is_usable(intake)
    accepted = survey_rows_all_accepted(intake)
    assert not usable.passed and not accepted.passed
    for markdown in (usable.metadata["structural_failures"].value, accepted.metadata["problems"].value):
        assert_inert(RENDER(markdown))
