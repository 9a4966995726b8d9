"""Narrative: live figures only, no raw HTML, clear errors, no typed numbers."""

from __future__ import annotations

import sys
import time

import pytest

from pipelines.report import sandbox
from pipelines.report.narrative import NarrativeError, render_narrative, typed_number_problems, typed_numbers
from pipelines.report.parts.boxes import box_body
from tests.conftest import ROOT, SOURCES

NARRATIVE_DIRS = sorted((SOURCES / "editions").glob("*/narrative")) + [ROOT / "templates" / "narrative"]


class Ref:
    label, anchor = "Table 4", "table-x"


def test_expressions_render_computed_values():
    html = render_narrative("There are {{ n|number }} of them; see {{ ref('x') }}.", "n.md", {"n": 1234}, {"x": Ref()})
    assert "1\u00a0234" in html and 'href="#table-x"' in html and 'class="xref"' in html


def test_an_unknown_value_fails_with_file_and_line():
    with pytest.raises(NarrativeError) as caught:
        render_narrative("First line.\n\nThe count is {{ catalog.nonexistent }}.\n", "narrative/intro.md", {"catalog": {"recommendations": 1}}, {})
    assert caught.value.file == "narrative/intro.md" and caught.value.line == 3
    assert "nonexistent" in str(caught.value)


def test_an_unknown_reference_fails():
    with pytest.raises(NarrativeError) as caught:
        render_narrative("see {{ ref('nope') }}", "x.md", {}, {"x": Ref()})
    assert "nope" in str(caught.value)


def test_raw_html_is_escaped_not_rendered():
    html = render_narrative("Hello <script>alert(x)</script> <img src=x onerror=y> [link](javascript:alert(x))", "x.md", {}, {})
    assert "<script>" not in html and "<img" not in html and "href=\"javascript" not in html
    assert "&lt;script&gt;" in html


def test_values_cannot_reach_python_internals():
    with pytest.raises(Exception):
        render_narrative("{{ x.__class__.__mro__ }}", "x.md", {"x": 1}, {})


def test_the_scanner_finds_typed_numbers_and_spares_years_and_ordinals():
    text = "In 2019 the 13th AFML adopted 20 recommendations; {{ n }} more; 45.3 per cent; the 3rd–12th AFMLs."
    assert [t for _, t in typed_numbers(text)] == ["20", "45.3"]


def _body(path) -> str:
    """A narrative without its front matter (a box's title and placement are metadata), as the build reads it."""
    text = path.read_text(encoding="utf-8")
    return box_body(text, path.name) if path.parent.name == "boxes" else text


@pytest.mark.parametrize("folder", NARRATIVE_DIRS, ids=lambda p: p.parent.name + "/" + p.name)
def test_no_narrative_file_types_a_figure(folder):
    """The same rule the build applies (typed_number_problems), over every narrative file at once."""
    files = sorted(folder.rglob("*.md")) + sorted(folder.rglob("*.md.j2"))
    assert files, f"no narrative in {folder}"
    typed = [str(p) for f in files for p in typed_number_problems(_body(f), f.name)]
    assert typed == []


# --- every problem, located, in the author's words -------------------------------------------------

FACTS = {"catalog": {"recommendations": 94, "clusters": 10}, "survey": {"respondents": 31, "empty": 0}}


def problems_of(text: str, facts=FACTS, refs=None) -> list[str]:
    with pytest.raises(NarrativeError) as caught:
        render_narrative(text, "narrative/intro.md", facts, refs or {})
    return [str(p) for p in caught.value.problems]


def test_all_problems_of_a_file_are_reported_at_once_with_their_lines():
    text = (
        "The forum adopted {{ catalog.recomendations }} recommendations.\n"
        "\n"
        "On average {{ survey.respondents / survey.empty }} per country.\n"
        "Internals: {{ catalog.__class__ }}, and {{ cataloge.clusters }} clusters.\n"
    )
    problems = problems_of(text)
    assert problems == [
        'narrative/intro.md, line 1: in {{ catalog.recomendations }}: "catalog.recomendations" does not exist; did you mean "catalog.recommendations"?',
        "narrative/intro.md, line 3: in {{ survey.respondents / survey.empty }}: division by zero: the divisor can be 0 here; test it first ({% if n %}…{% endif %}) or quote a share computed in Python",
        'narrative/intro.md, line 4: in {{ catalog.__class__ }}: "__class__" cannot be used in a narrative (names that start with "_", Python internals and changes to values are blocked); use the facts the narrative is given',
        'narrative/intro.md, line 4: in {{ cataloge.clusters }}: "cataloge" is not defined; did you mean "catalog"?',
    ]
    assert not any("jinja2" in p or "'" in p or "UndefinedError" in p for p in problems)


def test_the_message_of_a_file_lists_every_problem():
    with pytest.raises(NarrativeError) as caught:
        render_narrative("{{ a }}\n{{ b }}\n", "n.md", {}, {})
    assert str(caught.value).startswith("2 problems in the narrative (fix them all, then run make report again):\n  n.md, line 1:")


@pytest.mark.parametrize("expression, expected", [
    ("{{ 9**9**9 }}", "has about 78 digits"),  # Jinja reads it as (9**9)**9
    ("{{ 9**(9**9) }}", "has about 369 693 100 digits"),
    ("{{ 2 ** 100000000000 }}", "digits; a narrative may compute numbers of at most"),
    ("{{ 'x' * 10**8 }}", "would be 100 000 000 long"),
    ("{{ [1] * 10**8 }}", "would be 100 000 000 long"),
    ("{{ 'x'.ljust(10**9) }}", "size above"),
    ("{{ 'x'|center(10**9) }}", "|center with a size above"),
    ("{{ '%999999999d' % 1 }}", "format width of 999999999"),
    ("{{ '{:>999999999}'.format(1) }}", "format width of 999999999"),
    ("{{ ('a' * 100000).replace('a', 'aa') }}", "the replaced text would be 200 000 long"),
    ("{% for i in range(10**9) %}.{% endfor %}", "range() may produce at most 100 000 numbers"),
    ("{% set ns = namespace(t='ab') %}{% for i in range(40) %}{% set ns.t = ns.t ~ ns.t %}{% endfor %}", "the joined text would be"),
    ("{% set ns = namespace(x=[1]) %}{% for i in range(64) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}{{ ns.x|string }}", "lists of more than 100 000 items"),
    ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "endless recursion"),
    ("{{ lipsum(10**6) }}", '"lipsum" is not defined'),
    ("{{ catalog.items().__iter__ }}", "cannot be used in a narrative"),
])
def test_expensive_or_forbidden_expressions_stop_quickly_with_a_located_message(expression, expected):
    started = time.monotonic()
    problems = problems_of("Intro.\n" + expression)
    assert time.monotonic() - started < 2
    assert len(problems) == 1 and problems[0].startswith("narrative/intro.md, line 2: ")
    assert expected in problems[0]


def test_a_narrative_that_runs_too_long_is_stopped_at_its_line(monkeypatch):
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.5)
    tracer = sys.gettrace()
    started = time.monotonic()
    problems = problems_of("Intro.\n\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n")
    assert time.monotonic() - started < 3
    assert problems == ["narrative/intro.md, line 3: still running after 0.5 seconds (a loop over a large range, a macro calling itself?); simplify it"]
    assert sys.gettrace() is tracer  # no tracer is involved


def test_a_statement_error_a_syntax_error_and_an_unknown_filter_are_located():
    assert problems_of("One.\n{% for x in nothing %}{{ x }}{% endfor %}") == ['narrative/intro.md, line 2: "nothing" is not defined; a narrative can use: catalog, ref, survey']
    assert problems_of("One.\nTwo {{ catalog.recommendations }.\n")[0].startswith("narrative/intro.md, line 2: Jinja syntax:")
    assert problems_of("{{ catalog.recommendations|numbr }}") == ['narrative/intro.md, line 1: there is no filter "numbr"; did you mean "number"?']


def test_printing_a_list_asks_for_its_items():
    assert "print its items instead" in problems_of("{{ survey.values()|list }}")[0]


def test_a_typed_number_fails_the_rendering_with_file_line_and_number():
    problems = problems_of("In 2019 the {{ catalog.clusters }} clusters held\n45 recommendations.\n")
    assert problems == ['narrative/intro.md, line 2: the number "45" is typed; write the expression that computes it instead (e.g. {{ catalog.recommendations }}) — only years and ordinals (13th) may be typed']


def test_a_build_with_narrative_problems_fails_listing_them_all(sources_copy, tmp_path):
    """The real build: a typed number and a misspelt name in two narrative files stop it, both named."""
    from tests.conftest import build_into

    narrative = sources_copy / "editions" / "afml-13" / "narrative"
    (narrative / "foreword.md").write_text((narrative / "foreword.md").read_text(encoding="utf-8") + "\nThe forum met 12 times.\n", encoding="utf-8")
    typed_line = len((narrative / "foreword.md").read_text(encoding="utf-8").splitlines())
    (narrative / "next-steps.md").write_text("Of {{ catalog.recomendations }} recommendations.\n", encoding="utf-8")
    build = build_into(tmp_path / "b", sources_copy)
    assert not build.result.success
    errors = []
    for event in build.result.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None:
            errors.append(error.message)
            error = error.cause
    text = "\n".join(errors)
    assert "2 problems in the narrative" in text
    assert f'sources/editions/afml-13/narrative/foreword.md, line {typed_line}: the number "12" is typed' in text
    assert 'narrative/next-steps.md, line 1: in {{ catalog.recomendations }}: "catalog.recomendations" does not exist; did you mean "catalog.recommendations"?' in text
