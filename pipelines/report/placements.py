"""Where tables, figures and boxes may go in the paper (``placement:`` in their files).

A placement names a slot the report's parts fill: ``labour-migration`` (section 1.1),
``subcluster/<id>`` (a sub-cluster section of chapter 2) and ``appendix/III`` (the ratifications
appendix). A table, figure or box whose placement names no slot would silently disappear from the
paper; :func:`placement_problems` lists them, and the assembly stops the build with the file, the
line and the valid placements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.yamlfiles import Problem, nearest

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


def valid_placements(kind: str, subcluster_ids: Iterable[str]) -> list[str]:
    """The placements a ``kind`` of block may name, given the edition's sub-clusters."""
    subclusters = [f"{SUBCLUSTER}{s}" for s in subcluster_ids]
    if kind == "table":
        return [INTRO_TABLES, *subclusters, RATIFICATIONS_APPENDIX]
    return subclusters


def _listed(kind: str, subcluster_ids: list[str]) -> str:
    subclusters = f"{SUBCLUSTER}<id> with <id> one of {', '.join(subcluster_ids)}"
    if kind == "table":
        return f"{INTRO_TABLES} (section 1.1), {RATIFICATIONS_APPENDIX} (the ratifications appendix) or {subclusters}"
    return subclusters


def placement_problems(placed: Iterable[Placed], subcluster_ids: Iterable[str]) -> list[Problem]:
    """Every table, figure or box whose placement is not a place of the paper, with where to fix it."""
    subcluster_ids = [str(s) for s in subcluster_ids]
    problems = []
    for item in placed:
        valid = valid_placements(item.kind, subcluster_ids)
        if item.placement in valid:
            continue
        suggestion = nearest(item.placement, valid)
        problems.append(Problem(
            item.file, item.line,
            f'the {item.kind} "{item.key}" has placement "{item.placement}", which is not a place in the paper.'
            + (f' Did you mean "{suggestion}"?' if suggestion else "")
            + f" A {item.kind} can go to {_listed(item.kind, subcluster_ids)}.",
        ))
    return problems
