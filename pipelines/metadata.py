"""Metadata that makes an asset readable in the Dagster UI: row counts and a Markdown preview."""

from __future__ import annotations

import dagster as dg
import pandas as pd


def markdown_table(frame: pd.DataFrame, max_rows: int = 20, max_chars: int = 80) -> str:
    """A small Markdown table of the first rows, with long cells shortened and pipes escaped."""

    def cell(value: object) -> str:
        text = " ".join(str(value).split()).replace("|", "\\|")
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"

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
