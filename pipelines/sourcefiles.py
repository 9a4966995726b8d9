"""Reading the project's CSV sources the same way everywhere, and reporting what is wrong with them.

Identifiers stay strings, nothing is guessed to be missing ("n/a" in an answer is an answer), and
every problem found carries the file, sheet, row, column and value a person needs to fix it.
Row numbers are the ones a spreadsheet shows: the header is row 1, the first record row 2.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

FIRST_DATA_ROW = 2  # the header is spreadsheet row 1


@dataclass(frozen=True)
class SourceProblem:
    """One thing wrong with one cell (or row, or file) of a source."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str
    sheet: str = ""

    def describe(self) -> str:
        where = self.file + (f" [{self.sheet}]" if self.sheet else "")
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason} (value: {self.value!r})"

    def as_record(self) -> dict[str, object]:
        return asdict(self)


class SourceError(ValueError):
    """A source that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[SourceProblem]):
        self.problems = problems
        lines = [p.describe() for p in problems[:50]]
        if len(problems) > 50:
            lines.append(f"... and {len(problems) - 50} more")
        super().__init__(f"{len(problems)} problem(s) in the sources:\n  " + "\n  ".join(lines))


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's content, read in blocks."""
    import hashlib

    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def read_csv_strings(path: Path) -> pd.DataFrame:
    """Read a UTF-8 CSV (a BOM is tolerated) with every cell as a string and nothing turned into NaN."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")


def relative_name(path: Path, root: Path) -> str:
    """The path as a person finds it in the checkout (never an absolute path of this machine)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def problems_from_pandera(error: Exception, file: str, frame: pd.DataFrame) -> list[SourceProblem]:
    """Turn a lazy pandera ``SchemaErrors`` into one :class:`SourceProblem` per failing cell."""
    cases = getattr(error, "failure_cases", None)
    if cases is None:
        return [SourceProblem(file, None, "", "", str(error))]
    problems = []
    for case in cases.itertuples(index=False):
        index = getattr(case, "index", None)
        row = None
        if index is not None and not pd.isna(index) and index in frame.index:
            row = int(frame.index.get_loc(index)) + FIRST_DATA_ROW
        column = "" if pd.isna(case.column) else str(case.column)
        value = "" if pd.isna(case.failure_case) else str(case.failure_case)
        problems.append(SourceProblem(file, row, column, value, f"fails check {case.check}"))
    return problems


def load_validated_csv(path: Path, model: type, root: Path) -> pd.DataFrame:
    """Read ``path`` and validate it against a pandera model, raising one error that lists every problem."""
    import pandera.errors

    name = relative_name(path, root)
    if not path.exists():
        raise SourceError([SourceProblem(name, None, "", "", "file not found")])
    frame = read_csv_strings(path)
    try:
        return model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        raise SourceError(problems_from_pandera(error, name, frame)) from None
