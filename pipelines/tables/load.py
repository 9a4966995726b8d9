"""Reading a source table: its CSV of raw values, typed by its YAML declaration."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.sourcefiles import FIRST_DATA_ROW, SourceError, SourceProblem, read_csv_strings
from pipelines.tables import values
from pipelines.tables.spec import TableSpec, load_spec

ROW_KEY = "_row"  # the row's key as used in published.csv ("KHM", "total", "total:<group>")
IS_TOTAL = "_total"


@dataclass
class SourceTable:
    """A table's raw values plus what the pipeline derived from them."""

    spec: TableSpec
    file: str
    rows: pd.DataFrame
    summaries: dict[str, pd.DataFrame] = field(default_factory=dict)
    treatments: list[str] = field(default_factory=list)

    def value(self, row_key: str, column: str):
        """A derived or raw value by (row key, column); summaries are searched too."""
        hit = self.rows.loc[self.rows[ROW_KEY] == row_key]
        if column in self.rows.columns and not hit.empty:
            return hit.iloc[0][column]
        for summary in self.summaries.values():
            if column in summary.columns:
                hit = summary.loc[summary[ROW_KEY] == row_key]
                if not hit.empty:
                    return hit.iloc[0][column]
        raise KeyError((row_key, column))


def read_table(csv_path: Path, root: Path) -> SourceTable:
    """Read ``<id>.csv`` with ``<id>.yaml``; every bad cell is reported, with file, row and column."""
    spec = load_spec(csv_path.with_suffix(".yaml"))
    name = csv_path.relative_to(root).as_posix() if csv_path.is_relative_to(root) else csv_path.name
    frame = read_csv_strings(csv_path)
    problems: list[SourceProblem] = []
    declared = [c.name for c in spec.columns]
    for column in declared:
        if column not in frame.columns:
            problems.append(SourceProblem(name, None, column, "", "column declared in the YAML is missing from the CSV"))
    for column in frame.columns:
        if column not in declared:
            problems.append(SourceProblem(name, None, column, "", "column not declared in the YAML"))
    if problems:
        raise SourceError(problems)
    typed = pd.DataFrame(index=frame.index)
    for column in spec.columns:
        if column.numeric:
            cells = []
            for position, text in enumerate(frame[column.name]):
                try:
                    cells.append(values.parse(text, column.type))
                except ValueError as exc:
                    problems.append(SourceProblem(name, position + FIRST_DATA_ROW, column.name, text, str(exc)))
                    cells.append("n/a")
            typed[column.name] = pd.Series(cells, index=frame.index, dtype=object)
        else:
            typed[column.name] = frame[column.name]
    if problems:
        raise SourceError(problems)
    typed[ROW_KEY] = frame[spec.key].astype(str) if spec.key in frame.columns else [str(i + 1) for i in range(len(frame))]
    typed[IS_TOTAL] = False
    return SourceTable(spec=spec, file=name, rows=typed)


def table_files(tables_dir: Path) -> list[Path]:
    """The source tables of an edition: every CSV with a YAML declaration beside it."""
    return sorted(p for p in tables_dir.glob("*.csv") if p.with_suffix(".yaml").exists())
