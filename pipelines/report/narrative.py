"""Narrative in Markdown with live figures.

Authors write ``sources/editions/<edition>/narrative/<part>.md``. Each file is first rendered as a
Jinja template over the computed *facts* (so ``{{ catalog.recommendations }}`` prints the count that
the pipeline computed), then as CommonMark with raw HTML disabled. A reference to a value that does
not exist fails the build with the file and line; ``{{ ref("table-key") }}`` links a table, figure
or box by its number, and the PDF adds the page.
"""

from __future__ import annotations

import functools
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.sandbox
from markupsafe import Markup

from pipelines import formatting


class NarrativeError(ValueError):
    """A narrative file that cannot be rendered, with where the problem is."""

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line = file, line
        super().__init__(f"{file}{f', line {line}' if line else ''}: {message}")


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


def _environment(name: str, source: str) -> jinja2.Environment:
    loader = jinja2.FunctionLoader(lambda requested: (source, name, lambda: True) if requested == name else None)
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=loader, undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
    )
    env.filters["number"] = formatting.number
    env.filters["percent"] = formatting.percent
    env.filters["count_noun"] = formatting.count_noun
    return env


@dataclass
class Narrative:
    """A narrative file to be rendered once the floats are numbered."""

    path: Path
    display_name: str

    def render(self, facts: dict, refs: dict[str, object]) -> Markup:
        return render_narrative(self.path.read_text(encoding="utf-8"), self.display_name, facts, refs)


def _template_line(exc: BaseException, name: str) -> int | None:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == name:
            return frame.lineno
    return getattr(exc, "lineno", None)


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
    """Render one narrative text; ``refs`` maps float keys to numbered tables, figures and boxes."""

    def ref(key: str) -> str:
        target = refs.get(key)
        if target is None:
            raise KeyError(f"ref({key!r}): no table, figure or box has this key; known: {', '.join(sorted(refs))}")
        return f"[{target.label.lower()}](#{target.anchor})"

    env = _environment(name, mark_quoted_facts(source))
    try:
        template = env.get_template(name)
        text = template.render(**facts, ref=ref, _fact=_fact)
    except jinja2.TemplateSyntaxError as exc:
        raise NarrativeError(name, exc.lineno, f"template syntax: {exc.message}") from None
    except (jinja2.UndefinedError, KeyError, AttributeError, TypeError) as exc:
        raise NarrativeError(name, _template_line(exc, name), str(exc).strip("'\"")) from None
    return markdown_to_html(text)


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
