"""``data/datapackage.json``: a Frictionless Data Package that describes every file published under data/.

Each CSV gets a Table Schema (field names, types inferred from the written values, titles, descriptions
and units from the metadata the pipeline already holds: the source tables' JSON sidecars, the indicator
definitions, the survey data model); workbooks and JSON files are listed with their format. A reviewer's
tool (or ``frictionless validate data/datapackage.json``) can check the files against it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

PACKAGE_FILE = "datapackage.json"
INTEGER = re.compile(r"^-?\d+$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
BOOLEAN = {"True", "False", "true", "false"}

# Files the pipeline writes whose content is not described by a sidecar of their own. Titles and
# descriptions here and in GENERIC_FIELDS are in the framework's words: {group}, {Commitments}, ... are
# filled from its vocabulary (pipelines/frameworks.py), so a theme is not called a cluster.
FILE_TITLES = {
    "cluster_indicators.csv": ("Indicators by {group}", "One row per {group}, one column per indicator (wide form)."),
    "subcluster_indicators.csv": ("Indicators by {subgroup}", "One row per {subgroup}, one column per indicator (wide form)."),
    "indicators_long.csv": ("Indicators, long form", "One row per {group} or {subgroup} and indicator, with the indicator's unit."),
    "indicators.json": ("Indicators and their definitions", "The indicator definitions and values as JSON."),
    "initiatives.csv": ("Initiatives", "The accepted initiatives, one row each, with the file, sheet and row they were read from."),
    "respondents.csv": ("Respondents", "The organisations whose responses were accepted."),
    "initiatives_by_cluster_and_country.csv": ("Initiatives by {group} and Member State", "Counts of accepted initiatives."),
    "respondents_by_country_and_constituency.csv": ("Respondents by Member State and constituency", "Counts of respondents."),
    "printed_vs_computed.csv": ("Printed versus computed values", "Every total and share the source printed, beside the value computed from its components."),
}

# Columns written to several files, in the framework's words. The catalogue's columns are described
# here rather than by the questionnaire's help texts, which speak to a respondent filling in one
# initiative ("see the Recommendations sheet").
CATALOGUE_FIELDS = {
    "cluster": ("{Group}", "The {group} of {commitments} the row is about."),
    "subcluster": ("{Subgroup}", "The {subgroup} of {commitments} the row is about."),
    "recommendation_ids": ("{Commitments}", "The ids of the {commitments} the initiative implements, separated by spaces."),
    "level": ("Level", "cluster (a row about a {group}) or subcluster (a row about a {subgroup})."),
    "group": ("{Group} or {subgroup}", "The {group} or {subgroup} the row is about."),
}
# Other columns written to several files, unless the survey data model describes them.
GENERIC_FIELDS = {
    "indicator": ("Indicator", "The indicator's name (a column of the wide files)."),
    "label": ("Label", "The indicator's label as the paper prints it."),
    "value": ("Value", "The indicator's value; empty when it cannot be computed."),
    "unit": ("Unit", "number or percent."),
    "file": ("File", "The file the row was read from."),
    "sheet": ("Sheet", "The workbook sheet the row was read from."),
    "row": ("Row", "The row of the sheet or file the record was read from."),
    "uid": ("Initiative key", "respondent id and initiative id."),
}
# Columns whose meaning belongs to one file (a status of a comparison is not an initiative's status).
FILE_FIELDS = {
    "printed_vs_computed.csv": {
        "table_id": ("Table", "The source table."),
        "row": ("Row", "The row's key in the source table."),
        "column": ("Column", "The column of the source table."),
        "printed": ("Printed value", "The value as the source printed it."),
        "computed": ("Computed value", "The value computed from the table's components, at the printed precision."),
        "difference": ("Difference", "Computed minus printed."),
        "status": ("Status", "agrees, differs, not computable or unknown cell."),
    },
}


def field_type(values: pd.Series) -> str:
    present = [v for v in values if v != ""]
    if not present:
        return "string"
    if all(v in BOOLEAN for v in present):
        return "boolean"
    if all(INTEGER.match(v) for v in present):
        return "integer"
    if all(NUMBER.match(v) for v in present):
        return "number"
    return "string"


def _sidecar_fields(sidecar: dict) -> dict[str, tuple[str, str, str]]:
    fields = {}
    for column in sidecar.get("columns", []):
        fields[column["name"]] = (column.get("label") or column["name"], column.get("label") or "", column.get("unit") or "")
    for step in sidecar.get("derived", []):
        if "name" in step:
            fields[step["name"]] = (str(step.get("label", step["name"])), f"Computed from the table's columns ({step.get('op', '')}).", "")
    from pipelines.tables.values import MARKER_STATUS

    markers = "; ".join(f"{MARKER_STATUS.get(k, k)} = {v}" for k, v in (sidecar.get("missing_markers") or {}).items())
    for name, (title, _, _) in list(fields.items()):
        fields[f"{name}_status"] = (f"{title}: status", f"Why the value is missing ({markers or 'see the table notes'}); empty where there is a value.", "")
    fields["row_key"] = ("Row", "The row's key (total rows: total or total:<group>).", "")
    fields["is_computed_total"] = ("Computed total", "True for total rows that the pipeline computed.", "")
    return fields


def _known_fields(data_dir: Path, words: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """Column descriptions shared by several files: the generic ones, the survey data model's, the
    catalogue's columns in the framework's ``words``, and the indicator definitions in the framework's
    words (as written to indicators.json by the same build); each later one taking precedence."""
    from pipelines.indicators.long_form import UNITS
    from pipelines.survey.model import INITIATIVE_FIELDS, RESPONDENT_FIELDS

    known = {name: (title, text, "") for name, (title, text) in GENERIC_FIELDS.items()}
    known |= {field.name: (field.label, field.help, "") for field in RESPONDENT_FIELDS + INITIATIVE_FIELDS}
    known |= {name: (title.format(**words), text.format(**words), "") for name, (title, text) in CATALOGUE_FIELDS.items()}
    definitions = data_dir / "indicators.json"
    if definitions.exists():
        for indicator in json.loads(definitions.read_text(encoding="utf-8")).get("definitions", []):
            known[indicator["name"]] = (indicator["label"], indicator["description"], UNITS.get(indicator["kind"], ""))
    return known


def _resource_name(relative: str) -> str:
    return re.sub(r"[^a-z0-9._-]", "-", relative.lower().replace("/", "-"))


def describe(data_dir: Path, title: str, words: dict[str, str]) -> dict:
    """The data package descriptor of every file under ``data_dir`` (sorted, so the bytes are stable),
    in the framework's ``words`` (:meth:`pipelines.frameworks.Vocabulary.as_dict`)."""
    known = _known_fields(data_dir, words)
    resources = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file() and p.name != PACKAGE_FILE):
        relative = path.relative_to(data_dir).as_posix()
        stem = path.name.split(".")[0]
        sidecar_path = path.parent / f"{stem}.json"
        sidecar = json.loads(sidecar_path.read_text(encoding="utf-8")) if sidecar_path.exists() and sidecar_path != path else {}
        file_title, description = (text.format(**words) for text in FILE_TITLES[path.name]) if path.name in FILE_TITLES else (sidecar.get("title", path.stem), "")
        if sidecar and path.name != f"{stem}.csv" and path.suffix == ".csv":
            description = f"A summary computed from the table ({path.name.split('.')[1]})."
        resource: dict = {"name": _resource_name(relative), "path": relative, "title": file_title}
        if description or sidecar.get("source"):
            resource["description"] = " ".join(x for x in [description, f"Source: {sidecar['source']}." if sidecar.get("source") else ""] if x)
        if path.suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
            from_sidecar = _sidecar_fields(sidecar) if sidecar else {}
            fields = []
            for column in frame.columns:
                in_file = FILE_FIELDS.get(path.name, {}).get(column)
                name_title, text, unit = from_sidecar.get(column) or (in_file + ("",) if in_file else None) or known.get(column) or (column, "", "")
                field = {"name": column, "type": field_type(frame[column]), "title": name_title}
                if text:
                    field["description"] = text
                if unit:
                    field["unit"] = unit
                fields.append(field)
            resource |= {"type": "table", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": {"fields": fields}}
        elif path.suffix == ".xlsx":
            resource |= {"type": "file", "format": "xlsx", "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        elif path.suffix == ".json":
            resource |= {"type": "json", "format": "json", "mediatype": "application/json"}
        else:
            resource |= {"type": "file"}
        resources.append(resource)
    return {"name": _resource_name(title)[:60].strip("-") or "data", "title": title, "resources": resources}


def write_datapackage(data_dir: Path, title: str, words: dict[str, str]) -> Path:
    target = data_dir / PACKAGE_FILE
    target.write_text(json.dumps(describe(data_dir, title, words), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
