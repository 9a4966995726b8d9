"""A source table's declaration: its metadata YAML, read and checked."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.yamlfiles import Field, load_yaml, shown_path

NUMERIC_TYPES = {"int", "float"}
COLUMN_TYPES = ("text", "int", "float", "bool")
KINDS = ("table", "figure", "facts")  # facts: values the text quotes, not printed as a table


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
    file: str = ""  # the YAML file, as messages name it
    lines: dict[str, int] = field(default_factory=dict)  # the line of each top-level key in that file

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


# How the paper may lay a table out (display.layout); pipelines.report.present has one function each.
DISPLAY_LAYOUTS = ("rows", "transposed", "grouped_list", "pivot")


def _layouts() -> tuple[str, ...]:
    return DISPLAY_LAYOUTS


def _derive_keys(op: object) -> dict[str, Field] | None:
    """The keys a derive step may have besides ``op``: the parameters of its operation (those
    without a default are required), plus ``label`` and ``decimals``, which document the result."""
    from pipelines.tables.derive import OPERATIONS  # lazily: derive.py reads specs

    operation = OPERATIONS.get(str(op))
    if operation is None:
        return None
    keys = {"label": Field(), "decimals": Field("integer")}
    for name, parameter in list(inspect.signature(operation).parameters.items())[1:]:
        if parameter.kind is parameter.VAR_KEYWORD:
            continue
        kind = "list" if "list" in str(parameter.annotation) else "text"
        keys[name] = Field(kind, required=parameter.default is parameter.empty, nullable=parameter.default is None)
    return keys


def _derive_ops() -> tuple[str, ...]:
    from pipelines.tables.derive import OPERATIONS

    return tuple(OPERATIONS)


COLUMN = Field("mapping", keys={
    "name": Field(required=True, example="legal_cases_2019"),
    "label": Field(),
    "type": Field(choices=COLUMN_TYPES, example="int"),
    "unit": Field(nullable=True),
})
DISPLAY = Field("mapping", keys={
    "layout": Field(choices=_layouts, example="rows"),
    "caption": Field(),
    "row_label": Field(),
    "row_header": Field(),
    "columns": Field("list"),
    "headers": Field("mapping", values=Field()),
    "notes": Field("list", items=Field()),
    "legend": Field(),
    "css_class": Field(),
    "decimals": Field("mapping", values=Field("integer")),
    "group_by": Field(),
    "group_labels": Field("mapping", values=Field()),
    "merge_repeated": Field(),  # any value switches it on
    "total_columns": Field("mapping", values=Field()),
    "total_measures": Field("list"),
    "item": Field(),
    "count": Field(),
    "index": Field(),
    "columns_by": Field(),
    "column_label": Field(),
    "value": Field(),
    "index_key": Field(example="instrument_name"),  # pivot: the column whose values give the key's labels
    "nowrap": Field("list", example="[date_as_printed]"),  # columns kept on one line
    # A table drawn as a chart instead (pipelines/report/present.py present_figure).
    "figure": Field("mapping", keys={
        "chart": Field(choices=("bars",), example="bars"),
        "label": Field(required=True, example="country"),
        "value": Field(required=True, example="decline_reported"),
        "title": Field(),
        "caption": Field(required=True),
        "data_caption": Field(),
        "headers": Field("list"),
        "alt": Field(),
        "format": Field(example='"{:.0f}"'),
    }),
})
FACT = Field("mapping", keys={
    "sum": Field(example="total"),
    "largest": Field(example="total"),
    "show": Field(example="country"),
    "rows_above": Field("mapping", keys={"column": Field(required=True), "value": Field(required=True)}),
    "none": Field(),
})
SPEC_SCHEMA = Field("mapping", required=True, keys={
    "id": Field(required=True, example="table04_cases"),
    "kind": Field(choices=KINDS, example="table"),
    "number": Field(),
    "title": Field(required=True, example='"Number of legal cases, 2019"'),
    "unit": Field(),
    "reference_period": Field(),
    "source": Field(required=True, example='"ILO TRIANGLE in ASEAN Annual Report 2019"'),
    "source_location": Field(),
    "notes": Field("list", items=Field()),
    "footnotes": Field("list", items=Field()),
    "missing_markers": Field("mapping", values=Field()),
    "columns": Field("list", required=True, example="(a list of {name: ..., label: ..., type: ...})", items=COLUMN),
    "layout": Field(),  # documents the CSV's shape; the paper's layout is display.layout
    "derive": Field("list", items=Field("mapping", keys={"op": Field(required=True, choices=_derive_ops, example="total_row")}, switch=("op", _derive_keys))),
    "display": DISPLAY,
    "key": Field(),
    "placement": Field(example="subgroup/C2"),
    "facts": Field("mapping", values=FACT),
})
"""The keys a table's YAML may have; messages about it name the nearest allowed key."""


def load_spec(path: Path) -> TableSpec:
    """Read and check a table's YAML declaration; every problem names the file and line."""
    name = shown_path(path)
    raw = load_yaml(path, SPEC_SCHEMA, name=name)
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
        file=name,
        lines=dict(raw.lines),
    )
