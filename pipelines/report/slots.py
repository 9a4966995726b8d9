"""Named, typed slots of the document: where source tables, figures and boxes go.

Each table or figure YAML and each box says where it goes with ``placement:``. The valid places are
the slots the edition's outline declares (``slot:`` on a section) and one slot per group and
sub-group of the framework (``group/<id>``, ``subgroup/<id>``). A placement that names no slot fails
the build with its file and the valid slots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.report.document import Box, Figure, Table

Placeable = Table | Figure | Box
ORDER = {"table": 0, "figure": 1, "box": 2}  # within a slot: tables, then figures, then boxes


class PlacementError(ValueError):
    """A placement that names no slot."""


@dataclass
class Slots:
    """The slots of one paper and what has been placed in each."""

    names: list[str]
    placed: dict[str, list[Placeable]] = field(default_factory=dict)

    @classmethod
    def for_paper(cls, outline_slots: list[str], groups: list[str], subgroups: list[str]) -> "Slots":
        return cls(list(outline_slots) + [f"group/{g}" for g in groups] + [f"subgroup/{s}" for s in subgroups])

    def put(self, placement: str, block: Placeable, file: str) -> None:
        """Place ``block`` (declared in ``file``) into the slot ``placement``."""
        if not isinstance(block, (Table, Figure, Box)):
            raise TypeError(f"{file}: only tables, figures and boxes are placed, not {type(block).__name__}")
        if placement not in self.names:
            import difflib

            near = difflib.get_close_matches(placement, self.names, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise PlacementError(f"{file}: placement {placement!r} names no slot{hint}; the valid slots are: {', '.join(self.names)}")
        self.placed.setdefault(placement, []).append(block)

    def take(self, name: str) -> list[Placeable]:
        """What was placed in slot ``name``, tables first, then figures, then boxes (each in file order)."""
        return sorted(self.placed.get(name, []), key=lambda block: ORDER[block.kind])
