"""Narrative in Markdown with live figures.

Authors write ``sources/editions/<edition>/narrative/<part>.md``. Each file is first rendered as a
Jinja template over the computed *facts* (so ``{{ catalog.recommendations }}`` prints the count that
the pipeline computed), then as CommonMark with raw HTML disabled. ``{{ ref("table-key") }}`` links a
table, figure or box by its number, and the PDF adds the page.

Expressions run in a bounded sandbox (:mod:`pipelines.report.sandbox`). Every problem of a file is
collected — a name that does not exist (with the nearest existing one), a runtime error, a sandbox
violation, an expression too costly to run, a number typed instead of computed — and raised at once
as a :class:`NarrativeError` naming file and line; the assembly gathers them over all files.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipelines.report import sandbox
from pipelines.report.sandbox import AuthorError
from pipelines.yamlfiles import AuthorFileError, Problem, YamlError, did_you_mean, read_text

__all__ = ["NarrativeError", "Problem", "Narrative", "render_narrative", "typed_numbers", "typed_number_problems", "markdown_to_html"]


class NarrativeError(AuthorFileError):
    """Narrative files that cannot be rendered, with every problem found and where it is."""

    what = "the narrative"


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["replacements", "smartquotes", "table"]).use(footnote_plugin)

    def footnote_ref(renderer, tokens, idx, options, env):
        # The note's text goes where it is called: the PDF floats it to the foot of the page.
        note = env["footnotes"]["list"][tokens[idx].meta["id"]]
        body = renderer.renderInline(note.get("tokens") or [], options, env)
        return f'<span class="footnote">{body}</span>'

    md.add_render_rule("footnote_ref", footnote_ref)

    def link_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        if (token.attrGet("href") or "").startswith("#"):
            token.attrSet("class", "xref")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def markdown_to_html(text: str) -> Markup:
    """CommonMark to HTML with raw HTML escaped, never passed through; ``^[…]`` is a footnote."""
    md = _markdown()
    env: dict = {}
    tokens = md.parse(text, env)
    kept, in_block = [], False
    for token in tokens:  # the notes are rendered inline at their call, not as a list at the end
        if token.type == "footnote_block_open":
            in_block = True
        elif token.type == "footnote_block_close":
            in_block = False
        elif not in_block:
            kept.append(token)
    return Markup(md.renderer.render(kept, md.options, env))



@dataclass
class Narrative:
    """A narrative file to be rendered once the floats are numbered."""

    path: Path
    display_name: str

    def render(self, facts: dict, refs: dict[str, object]) -> Markup:
        try:
            source = read_text(self.path, self.display_name)  # bounded in size, UTF-8 or a located error
        except YamlError as exc:
            raise NarrativeError(exc.problems) from None
        return render_narrative(source, self.display_name, facts, refs)


HEADING = re.compile(r"<(/?)h([1-6])\b")


def nest_headings(html: str, level: int) -> Markup:
    """Prose headings renumbered so that the highest one sits just below its section's heading
    (``level``), keeping their relative depth: authors need not know where their text is placed,
    and the paper's headings never skip a level (PDF/UA, WCAG 1.3.1)."""
    levels = [int(m.group(2)) for m in HEADING.finditer(html)]
    if not levels:
        return Markup(html)
    shift = level + 1 - min(levels)
    return Markup(HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", str(html)))


def _statement_line(exc: BaseException, name: str) -> int | None:
    """The narrative line of an error raised outside a guarded ``{{ … }}`` (Jinja rewrites the
    traceback so that the narrative's frames carry its lines)."""
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == name:
            return frame.lineno
    return getattr(exc, "lineno", None)


def _syntax_message(exc: jinja2.TemplateSyntaxError, env: sandbox.NarrativeSandbox) -> str:
    message = sandbox._plain(exc.message or "")
    unknown = re.match(r'No (filter|test) named "([^"]+)"', message)
    if unknown:
        kind, word = unknown.groups()
        known = env.filters if kind == "filter" else env.tests
        return f'there is no {kind} "{word}"{did_you_mean(word, known)}'
    return f"Jinja syntax: {message.rstrip('.')}; check the {{{{ … }}}} and {{% … %}} on this line"


# A number quoted from the facts is marked in the rendered text with its name (private-use characters,
# which Markdown leaves alone): the HTML edition turns the mark into a note on where the number comes
# from, the PDF drops it (pipelines.report.html_edition.show_facts).
FACT_START, FACT_VALUE, FACT_END = "\ue000", "\ue001", "\ue002"
QUOTED_FACT = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)+)\s*((?:\|[^{}]*)?)\}\}")
NUMERIC_TEXT = re.compile(r"[\d\u00a0\u202f ,.%]*\d[\d\u00a0\u202f ,.%]*")


def mark_quoted_facts(source: str) -> str:
    """``{{ cluster.initiatives|number }}`` becomes ``{{ _fact(cluster.initiatives|number, "cluster.initiatives") }}``
    (same line, so errors keep their line numbers)."""
    return QUOTED_FACT.sub(lambda m: f'{{{{ _fact({m.group(1)}{m.group(2).rstrip()}, "{m.group(1)}") }}}}', source)


def _fact(value, name: str):
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number or (isinstance(value, str) and NUMERIC_TEXT.fullmatch(value)):
        return f"{FACT_START}{name}{FACT_VALUE}{value}{FACT_END}"
    return value


def render_narrative(source: str, name: str, facts: dict, refs: dict[str, object]) -> Markup:
    """Render one narrative text; ``refs`` maps float keys to numbered tables, figures and boxes.

    Raises :class:`NarrativeError` with every problem of the text (typed numbers included)."""
    if len(source) > sandbox.MAX_OUTPUT:
        raise NarrativeError([Problem(name, None, f"is {len(source):,} characters long; a narrative file may have at most {sandbox.MAX_OUTPUT:,}: split it or move data into a table".replace(",", " "))])
    problems = typed_number_problems(source, name)

    def ref(key: str) -> str:
        target = refs.get(key)
        if target is None:
            raise AuthorError(f'ref("{key}"): no table, figure or box has this key{did_you_mean(key, refs)}')
        return f"[{target.label.lower()}](#{target.anchor})"

    expressions = sandbox.expressions_by_line(source)
    failed: set[tuple[int, int]] = set()

    def on_failure(exc: Exception, line: int, index: int) -> None:
        if (line, index) in failed:  # in a loop: reported once
            return
        failed.add((line, index))
        expression = expressions.get((line, index))
        where = f"in {expression}: " if expression else ""
        problems.append(Problem(name, line, where + sandbox.describe(exc, expression, names)))

    env = sandbox.NarrativeSandbox(on_failure)
    names = sorted({*facts, "ref", *(n for n in env.globals if not n.startswith("_"))})
    try:
        template = sandbox.compile_narrative(env, mark_quoted_facts(source), name)
    except jinja2.TemplateSyntaxError as exc:
        problems.append(Problem(name, exc.lineno, _syntax_message(exc, env)))
        raise NarrativeError(problems) from None

    chunks, size = [], 0
    env.start(sandbox.TIME_LIMIT)
    try:
        for chunk in template.generate(**facts, ref=ref, _fact=_fact):
            size += len(chunk)
            if size > sandbox.MAX_OUTPUT:
                raise AuthorError(f"the narrative would print more than {sandbox.MAX_OUTPUT:,} characters; shorten its loops".replace(",", " "))
            chunks.append(chunk)
    except sandbox.TooSlow as exc:
        line = sandbox.line_reached(exc, template, name)
        problems.append(Problem(name, line, f"still running after {sandbox.TIME_LIMIT:g} seconds (a loop over a large range, a macro calling itself?); simplify it"))
    except Exception as exc:  # noqa: BLE001 -- an error in a {% … %} statement stops this file only
        problems.append(Problem(name, _statement_line(exc, name), sandbox.describe(exc, None, names)))
    if problems:
        raise NarrativeError(problems)
    return markdown_to_html("".join(chunks))


TYPED_NUMBER = re.compile(r"(?<![\w.{#-])\d[\d,.]*\d?(?![\w}])")
ALLOWED_TYPED = re.compile(
    r"^(19|20)\d{2}$"  # a year
)


def typed_numbers(source: str) -> list[tuple[int, str]]:
    """Numbers written in a narrative outside ``{{ … }}`` and ``{% … %}`` (years and ordinals aside)."""
    found = []
    for lineno, line in enumerate(source.splitlines(), start=1):
        stripped = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", line)
        stripped = re.sub(r"\]\(#[^)]*\)", "]", stripped)  # anchors of links
        for match in TYPED_NUMBER.finditer(stripped):
            token = match.group(0).rstrip(".,")
            tail = stripped[match.end(): match.end() + 2]
            if ALLOWED_TYPED.match(token) or re.match(r"(st|nd|rd|th)\b", tail):
                continue
            if re.match(r"^\d+$", token) and stripped[max(0, match.start() - 1): match.start()] in ("–", "-"):
                continue
            found.append((lineno, token))
    return found


def typed_number_problems(source: str, name: str) -> list[Problem]:
    """The typed-number rule as build problems: every figure must be computed, never typed."""
    return [
        Problem(name, line, f'the number "{token}" is typed; write the expression that computes it instead (e.g. {{{{ catalog.recommendations }}}}) — only years and ordinals (13th) may be typed')
        for line, token in typed_numbers(source)
    ]
