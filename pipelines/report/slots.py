"""Named, typed slots of the document: where source tables, figures and boxes go.

Each table or figure YAML and each box says where it goes with ``placement:``. The valid places are
the slots the edition's outline declares (``slot:`` on a section) and one slot per group and
sub-group of the framework (``group/<id>``, ``subgroup/<id>``). A placement that names no slot fails
the build with its file, line, the nearest slot and the valid slots; the problems of every placement
are reported together with those of the narratives (see :func:`pipelines.report.assemble.written_in`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.report.document import Box, Figure, Table
from pipelines.yamlfiles import Problem, nearest

Placeable = Table | Figure | Box
ORDER = {"table": 0, "figure": 1, "box": 2}  # within a slot: tables, then figures, then boxes


@dataclass(frozen=True)
class Placed:
    """A table, figure or box and where its file says it goes."""

    kind: str  # "table", "figure" or "box"
    key: str
    placement: str
    file: str
    line: int | None


@dataclass
class Slots:
    """The slots of one paper and what has been placed in each."""

    names: list[str]
    placed: dict[str, list[Placeable]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # placements that name no slot

    @classmethod
    def for_paper(cls, outline_slots: list[str], groups: list[str], subgroups: list[str]) -> "Slots":
        return cls(list(outline_slots) + [f"group/{g}" for g in groups] + [f"subgroup/{s}" for s in subgroups])

    def put(self, placement: str, block: Placeable, file: str, line: int | None = None) -> None:
        """Place ``block`` (declared in ``file``, at ``line``) into the slot ``placement``; a placement
        that names no slot is recorded in :attr:`problems` (the block goes nowhere)."""
        if not isinstance(block, (Table, Figure, Box)):
            raise TypeError(f"{file}: only tables, figures and boxes are placed, not {type(block).__name__}")
        if placement not in self.names:
            suggestion = nearest(placement, self.names)
            self.problems.append(Problem(
                file, line,
                f'the {block.kind} "{block.key}" has placement "{placement}", which is not a place in the paper.'
                + (f' Did you mean "{suggestion}"?' if suggestion else "")
                + f" The places are: {', '.join(self.names)}.",
            ))
            return
        self.placed.setdefault(placement, []).append(block)

    def take(self, name: str) -> list[Placeable]:
        """What was placed in slot ``name``, tables first, then figures, then boxes (each in file order)."""
        return sorted(self.placed.get(name, []), key=lambda block: ORDER[block.kind])
