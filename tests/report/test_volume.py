"""The paper's volume limits: decided from counts and lengths before anything is laid out, stated in
the paper, and applied by pointing to the data files instead of exhausting memory."""

from __future__ import annotations

import re
import time

import pandas as pd

from pipelines.report import volume
from pipelines.report.parts.evidence import compilation, respondents_list
from pipelines.report.render import render_html
from pipelines.report.volume import MAX_DESCRIPTION_CHARS, MAX_INITIATIVES_PRINTED, MAX_RESPONDENTS_LISTED, plan_volume, shorten
from tests.report.test_scripts import TEMPLATES, document, survey

from pipelines.frameworks import load_framework  # noqa: E402
from tests.conftest import SOURCES  # noqa: E402

WORDS = load_framework(SOURCES, "afml").vocabulary  # the AFML words the compilation speaks


def synthetic(initiatives: int, respondents: int, description_chars: int = 100) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A form export as large as the one that once took a build to 6 GB: 200 000 initiatives."""
    ids = [f"R{i % respondents}" for i in range(initiatives)]
    frame = pd.DataFrame({"uid": [f"u{i}" for i in range(initiatives)], "respondent_id": ids, "country": "IDN", "title": "Initiative", "description": "x" * description_chars,
                          "start_year": "2019", "end_year": "", "status": "ongoing", "gender_responsive": "no", "source": "questionnaire"})
    people = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(respondents)], "organisation": "Organisation", "acronym": "", "country": "IDN", "constituency": "government"})
    return frame, people


def test_a_huge_survey_is_decided_in_a_moment_with_a_message_naming_each_limit_and_what_to_do():
    initiatives, respondents = synthetic(200_000, 20_000)
    initiatives.loc[:9, "description"] = "y" * (MAX_DESCRIPTION_CHARS + 1)
    started = time.perf_counter()
    plan = plan_volume(initiatives, respondents)
    assert time.perf_counter() - started < 5
    assert not plan.print_compilation and not plan.list_respondents and plan.long_descriptions == 10
    messages = "\n".join(plan.messages())
    for expected in ("200 000 initiatives", "MAX_INITIATIVES_PRINTED", "data/initiatives.csv", "split the survey", "20 000 respondents", "MAX_RESPONDENTS_LISTED", "10 initiative descriptions", "MAX_DESCRIPTION_CHARS"):
        assert expected in messages.replace("\u00a0", " "), expected
    # The compilation of a sub-cluster is then a sentence, not 200 000 entries.
    block = compilation(initiatives.head(3000), respondents, WORDS, plan=plan)
    assert block.countries == [] and "3 000 initiatives were reported" in block.empty_message.replace("\u00a0", " ")
    assert "list of initiatives published with this paper" in block.empty_message
    assert "list of respondents published with this paper" in respondents_list(respondents, plan).html


def test_at_the_limits_everything_is_printed():
    initiatives, respondents = synthetic(MAX_INITIATIVES_PRINTED, MAX_RESPONDENTS_LISTED, MAX_DESCRIPTION_CHARS)
    plan = plan_volume(initiatives, respondents)
    assert plan.print_compilation and plan.list_respondents and plan.messages() == []
    assert "where noted" not in plan.statement() and str(MAX_INITIATIVES_PRINTED)[:1] in plan.statement()


def test_a_long_description_is_shortened_on_the_page_with_a_note_and_kept_whole_in_the_data():
    initiatives, respondents = survey([("IDN", "Long", "word " * 2000, "")])
    whole = initiatives["description"].iloc[0]
    html = render_html(document([compilation(initiatives, respondents, WORDS, plan=plan_volume(initiatives, respondents))]), TEMPLATES, medium="html")
    printed = re.search(r"<strong>Long\.</strong>(.*?)<span", html, re.S).group(1)
    assert len(printed) < MAX_DESCRIPTION_CHARS + 120
    assert "the full description is in the list of initiatives published with this paper" in printed
    assert initiatives["description"].iloc[0] == whole  # the frame the exports write is untouched


def test_a_sub_cluster_over_the_limit_renders_its_pointer_sentence(monkeypatch):
    monkeypatch.setattr(volume, "MAX_INITIATIVES_PRINTED", 2)
    initiatives, respondents = survey([("IDN", f"Title {i}", "Description", "") for i in range(3)])
    plan = plan_volume(initiatives, respondents)
    html = render_html(document([compilation(initiatives, respondents, WORDS, plan=plan)]), TEMPLATES, medium="html")
    assert "Title 0" not in html
    assert "3 initiatives were reported for this sub-cluster" in html.replace("\u00a0", " ").replace("&nbsp;", " ")


def test_shorten_cuts_at_a_word_and_leaves_short_text_alone():
    assert shorten("short", 10) == "short"
    assert shorten("one two three four", 12, "note") == "one two…  [note]".replace("  ", " ")
