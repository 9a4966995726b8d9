"""A source table's declaration: its metadata YAML, read and checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

NUMERIC_TYPES = {"int", "float"}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    label: str
    type: str
    unit: str | None = None

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass
class TableSpec:
    """Everything the YAML sidecar of a source table says about it."""

    id: str
    kind: str
    number: str
    title: str
    unit: str
    reference_period: str
    source: str
    source_location: str
    notes: list[str]
    footnotes: list[str]
    missing_markers: dict[str, str]
    columns: list[ColumnSpec]
    derive: list[dict]
    display: dict = field(default_factory=dict)
    key: str = "country_code"
    placement: str = ""  # where the paper shows it: a slot of the edition's outline, group/<id> or subgroup/<id>
    facts: dict = field(default_factory=dict)  # values narratives may quote, computed from the table (report/facts.py)

    def column(self, name: str) -> ColumnSpec:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.id}: no column {name!r}")

    @property
    def metadata_record(self) -> dict:
        """The metadata exported beside the data (JSON sidecar)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "number": self.number,
            "title": self.title,
            "unit": self.unit,
            "reference_period": self.reference_period,
            "source": self.source,
            "source_location": self.source_location,
            "notes": self.notes,
            "footnotes": self.footnotes,
            "missing_markers": self.missing_markers,
            "columns": [c.__dict__ for c in self.columns],
            "derived": self.derive,
        }


def load_spec(path: Path) -> TableSpec:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    required = ["id", "title", "source", "columns"]
    missing = [k for k in required if k not in raw]
    if missing:
        raise ValueError(f"{path.name}: missing {', '.join(missing)}")
    columns = [ColumnSpec(c["name"], str(c.get("label", c["name"])), c.get("type", "text"), c.get("unit")) for c in raw["columns"]]
    names = [c.name for c in columns]
    return TableSpec(
        id=raw["id"],
        kind=raw.get("kind", "table"),
        number=str(raw.get("number", "")),
        title=raw["title"],
        unit=raw.get("unit", ""),
        reference_period=str(raw.get("reference_period", "")),
        source=raw["source"],
        source_location=raw.get("source_location", ""),
        notes=list(raw.get("notes") or []),
        footnotes=list(raw.get("footnotes") or []),
        missing_markers=dict(raw.get("missing_markers") or {}),
        columns=columns,
        derive=list(raw.get("derive") or []),
        display=dict(raw.get("display") or {}),
        key=raw.get("key", "country_code" if "country_code" in names else names[0]),
        placement=str(raw.get("placement", "")),
        facts=dict(raw.get("facts") or {}),
    )
