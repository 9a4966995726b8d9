"""Where tables, figures and boxes may go in the paper (``placement:`` in their files).

A placement names a slot the report's parts fill: ``labour-migration`` (section 1.1),
``subcluster/<id>`` (a sub-cluster section of chapter 2) and ``appendix/III`` (the ratifications
appendix). A table, figure or box whose placement names no slot would silently disappear from the
paper; :func:`check_placements` stops the build instead, naming the file, the line and the valid
placements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.yamlfiles import did_you_mean

INTRO_TABLES = "labour-migration"
RATIFICATIONS_APPENDIX = "appendix/III"
SUBCLUSTER = "subcluster/"


@dataclass(frozen=True)
class Placed:
    """A table, figure or box and where its file says it goes."""

    kind: str  # "table", "figure" or "box"
    key: str
    placement: str
    file: str
    line: int | None


class PlacementError(ValueError):
    """Tables, figures or boxes whose placement names no place in the paper."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        head = problems[0] if len(problems) == 1 else f"{len(problems)} placements point nowhere:\n  " + "\n  ".join(problems)
        super().__init__(head)


def valid_placements(kind: str, subcluster_ids: Iterable[str]) -> list[str]:
    """The placements a ``kind`` of block may name, given the edition's sub-clusters."""
    subclusters = [f"{SUBCLUSTER}{s}" for s in subcluster_ids]
    if kind == "table":
        return [INTRO_TABLES, *subclusters, RATIFICATIONS_APPENDIX]
    return subclusters


def check_placements(placed: Iterable[Placed], subcluster_ids: Iterable[str]) -> None:
    """Raise :class:`PlacementError` listing every block whose placement is not a place of the paper."""
    subcluster_ids = list(subcluster_ids)
    problems = []
    for item in placed:
        valid = valid_placements(item.kind, subcluster_ids)
        if item.placement in valid:
            continue
        where = f"{item.file}{f', line {item.line}' if item.line else ''}"
        problems.append(
            f'{where}: the {item.kind} "{item.key}" has placement "{item.placement}", which is not a place in the '
            f"paper{did_you_mean(item.placement, valid)}; a {item.kind} can go to: {', '.join(valid)}"
        )
    if problems:
        raise PlacementError(problems)
