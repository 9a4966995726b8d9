"""Metadata that makes an asset readable in the Dagster UI: row counts and a Markdown preview.

The Dagster UI renders ``MetadataValue.md`` as Markdown, and survey text is untrusted: every value that
goes into Markdown metadata passes through :func:`escape_markdown`, so no link, image, HTML or emphasis
from a survey file reaches the UI (an image link would make every viewer's browser fetch its address).
"""

from __future__ import annotations

import re

import dagster as dg
import pandas as pd

# Characters that start Markdown syntax inside a line: code, emphasis, links and images, raw HTML and
# entities, table cells, headings, strikethrough, autolinks (``http://``, e-mail). Newlines are collapsed
# first, so line-start syntax (lists, setext headings) cannot arise. An underscore inside a word
# (``table07_labour``) cannot emphasise in CommonMark and is left as written; so are ``-`` and ``.``.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*{}\[\]()<>#!|~&:@]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|(?<=[wW]{3})\.")


def escape_markdown(value: object, max_chars: int | None = None) -> str:
    """``value`` as inert Markdown text: whitespace runs and newlines collapsed to one space, every
    character that could start Markdown syntax backslash-escaped (so ``![x](http://…)`` and ``<img …>``
    show as written and do nothing), shortened to ``max_chars`` characters of the original text."""
    text = " ".join(str(value).split())
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(0), text)


def markdown_list(lines: list[str], empty: str = "none") -> str:
    """A Markdown bullet list of untrusted lines (``empty`` when there are none)."""
    return "\n".join(f"- {escape_markdown(line)}" for line in lines) or empty


def markdown_table(frame: pd.DataFrame, max_rows: int = 20, max_chars: int = 80) -> str:
    """A small Markdown table of the first rows, every cell escaped and long cells shortened."""

    def cell(value: object) -> str:
        return escape_markdown(value, max_chars)

    head = frame.head(max_rows)
    lines = ["| " + " | ".join(cell(c) for c in head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in head.itertuples(index=False)]
    if len(frame) > max_rows:
        lines.append(f"\n… {len(frame) - max_rows} more rows")
    return "\n".join(lines)


def frame_metadata(frame: pd.DataFrame, max_rows: int = 20) -> dict[str, dg.MetadataValue]:
    """Row count and preview, under the keys the Dagster UI knows."""
    return {
        "dagster/row_count": dg.MetadataValue.int(len(frame)),
        "preview": dg.MetadataValue.md(markdown_table(frame, max_rows)),
    }
