"""Commitment frameworks, read from ``sources/frameworks/<id>/framework.yaml``.

A framework is data: the commitments it tracks (stable ids, verbatim texts), how they are grouped,
the instruments (forums, declarations) that adopted them, and its vocabulary -- what a commitment,
a group and a sub-group are called in the questionnaire, the indicators' labels and the report.
The code knows no framework: adding one is a folder under ``sources/frameworks/`` (the format is
described in ``sources/frameworks/README.md``).

Each table of a framework is ``{file, columns: {role: column}}``. This module reads the tables and
renames the roles into the catalog model's columns (``forum_id`` for an instrument, ``cluster`` for
a group, ``subcluster_id`` for a sub-group, ``recommendation_id`` for a commitment), which the rest
of the pipeline uses whatever the framework calls them. A framework without sub-groups gets one
sub-group per commitment; one without an instruments table gets one instrument, itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from pipelines.shared.region import ASEAN_MEMBER_STATES
from pipelines.sourcefiles import SourceError, SourceProblem, read_csv_strings, relative_name

FRAMEWORK_FILE = "framework.yaml"
FRAMEWORKS_DIR = "frameworks"

# role -> catalog-model column, per table; roles in REQUIRED must be declared
ROLES = {
    "commitments": {"id": "recommendation_id", "number": "number", "text": "text", "instrument": "forum_id", "kind": "kind"},
    "groups": {"id": "cluster", "name": "title", "order": "order", "description": "description"},
    "subgroups": {"id": "subcluster_id", "group": "cluster", "name": "title", "order": "position"},
    "memberships": {"commitment": "recommendation_id", "group": "cluster", "subgroup": "subcluster_id", "order": "position", "note": "note"},
    "instruments": {"id": "forum_id", "number": "number", "ordinal": "ordinal", "year": "year", "month": "month", "place": "city", "country": "country_code", "name": "theme"},
    "instrument_subthemes": {"instrument": "forum_id", "order": "position", "text": "subtheme"},
}
REQUIRED = {
    "commitments": ("id", "number", "text"),
    "groups": ("id", "name"),
    "subgroups": ("id", "group", "name"),
    "memberships": ("commitment", "group"),
    "instruments": ("id",),
    "instrument_subthemes": ("instrument", "text"),
}
REQUIRED_TABLES = ("commitments", "groups", "memberships")
WORDS = ("commitment", "group", "subgroup", "instrument")


@dataclass(frozen=True)
class Vocabulary:
    """What the framework calls its parts, as written mid-sentence; capitalised variants for headings
    (``words.Commitments``)."""

    commitment: str
    commitments: str
    group: str
    groups: str
    subgroup: str
    subgroups: str
    instrument: str
    instruments: str
    has_subgroups: bool = True
    instrument_label: str = ""  # template over the instruments table's columns, e.g. "{ordinal} AFML"
    commitment_label: str = ""  # template over a commitment's number and {instrument}

    def __getattr__(self, name: str) -> str:
        lower = name[:1].lower() + name[1:]
        if name[:1].isupper() and lower in self.__dataclass_fields__:
            word = object.__getattribute__(self, lower)
            return word[:1].upper() + word[1:]
        raise AttributeError(name)

    def as_dict(self) -> dict[str, str]:
        """Every word, lower and capitalised: ``{"commitments": "recommendations", "Commitments": ...}``."""
        names = [n for w in WORDS for n in (w, w + "s")]
        words = {n: getattr(self, n) for n in names}
        return words | {n[:1].upper() + n[1:]: v[:1].upper() + v[1:] for n, v in words.items()}


@dataclass(frozen=True)
class TableSource:
    file: Path
    columns: dict[str, str]  # role -> column of the file


@dataclass(frozen=True)
class Framework:
    """A set of commitments and its grouping, read from a folder of data."""

    id: str
    name: str
    short_name: str
    title: str
    folder: Path
    vocabulary: Vocabulary
    tables: dict[str, TableSource]
    adopted: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    mappings: dict[str, Path] = field(default_factory=dict)  # target framework -> mapping file
    classifications: dict[str, Path] = field(default_factory=dict)  # edition -> classification file

    @property
    def short_title(self) -> str:
        return self.short_name

    def instrument_label(self, instrument: dict) -> str:
        """How the paper names an instrument ("3rd AFML"); the framework's short name by default."""
        template = self.vocabulary.instrument_label
        return template.format(**instrument) if template else self.short_name


def framework_dir(sources: Path, framework_id: str) -> Path:
    return sources / FRAMEWORKS_DIR / framework_id


def _words(raw, key: str, default: str) -> tuple[str, str]:
    entry = raw.get(key)
    if entry is None:
        return default, default + "s"
    if isinstance(entry, str):
        return entry, entry + "s"
    return str(entry.get("singular", default)), str(entry.get("plural", str(entry.get("singular", default)) + "s"))


def load_framework(sources: Path, framework_id: str) -> Framework:
    """Read ``sources/frameworks/<id>/framework.yaml`` (the tables are read by :func:`catalog_tables`)."""
    folder = framework_dir(sources, framework_id)
    path = folder / FRAMEWORK_FILE
    name = relative_name(path, sources.parent)
    if not path.exists():
        known = sorted(p.parent.name for p in (sources / FRAMEWORKS_DIR).glob(f"*/{FRAMEWORK_FILE}"))
        raise SourceError([SourceProblem(name, None, "", framework_id, f"no such framework (known: {', '.join(known) or 'none'})")])
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise SourceError([SourceProblem(name, None, "", "", "a framework file is a mapping of keys (id, name, title, vocabulary, tables, ...)")])
    problems = []
    if str(raw.get("id", "")) != framework_id:
        problems.append(SourceProblem(name, None, "id", str(raw.get("id", "")), f"the id must be the folder's name, {framework_id}"))
    for key in ("name", "title", "vocabulary", "tables"):
        if not raw.get(key):
            problems.append(SourceProblem(name, None, key, "", "required (see sources/frameworks/README.md)"))
    tables: dict[str, TableSource] = {}
    for table, spec in (raw.get("tables") or {}).items():
        if table not in ROLES:
            continue  # a framework may declare tables the pipeline does not use
        if not isinstance(spec, dict) or "file" not in spec:
            problems.append(SourceProblem(name, None, f"tables.{table}", str(spec), "a table is {file: <path>, columns: {<role>: <column>}}"))
            continue
        columns = {str(k): str(v) for k, v in (spec.get("columns") or {}).items()}
        unknown = sorted(set(columns) - set(ROLES[table]))
        if unknown:
            problems.append(SourceProblem(name, None, f"tables.{table}.columns", ", ".join(unknown), f"unknown role(s); the roles of {table} are: {', '.join(ROLES[table])}"))
        missing = [r for r in REQUIRED[table] if r not in columns]
        if missing:
            problems.append(SourceProblem(name, None, f"tables.{table}.columns", "", f"lacks the role(s) {', '.join(missing)}"))
        tables[table] = TableSource((folder / str(spec["file"])).resolve(), columns)
    for table in REQUIRED_TABLES:
        if raw.get("tables") and table not in tables:
            problems.append(SourceProblem(name, None, "tables", "", f"lacks the table {table}"))
    words = raw.get("vocabulary") or {}
    if problems:
        raise SourceError(problems)
    commitment = _words(words, "commitment", "commitment")
    group = _words(words, "group", "group")
    has_subgroups = words.get("subgroup", "") is not None and "subgroups" in tables
    subgroup = _words(words, "subgroup", "sub-group") if has_subgroups else commitment
    instrument = _words(words, "instrument", "instrument")
    vocabulary = Vocabulary(*commitment, *group, *subgroup, *instrument, has_subgroups=has_subgroups, instrument_label=str(words.get("instrument_label") or ""), commitment_label=str(words.get("commitment_label") or ""))
    return Framework(
        id=framework_id,
        name=" ".join(str(raw["name"]).split()),
        short_name=str(raw.get("short_name") or raw["name"]),
        title=" ".join(str(raw["title"]).split()),
        folder=folder,
        vocabulary=vocabulary,
        tables=tables,
        adopted=dict(raw.get("adopted") or {}),
        texts={k: " ".join(str(v).split()) for k, v in (raw.get("texts") or {}).items()},
        source=dict(raw.get("source") or {}),
        mappings={str(m["target"]): (folder / str(m["file"])).resolve() for m in raw.get("mappings") or []},
        classifications={str(c["edition"]): (folder / str(c["file"])).resolve() for c in raw.get("classifications") or []},
    )


def _read(framework: Framework, table: str, root: Path) -> pd.DataFrame:
    """A framework table with its role columns renamed to the catalog model's names."""
    source = framework.tables[table]
    name = relative_name(source.file, root)
    if not source.file.exists():
        raise SourceError([SourceProblem(name, None, "", "", f"file not found (tables.{table} of {framework.id})")])
    frame = read_csv_strings(source.file)
    missing = [column for column in source.columns.values() if column not in frame.columns]
    if missing:
        raise SourceError([SourceProblem(name, None, c, "", f"column named in framework.yaml (tables.{table}) is not in the file; it has: {', '.join(frame.columns)}") for c in missing])
    return pd.DataFrame({ROLES[table][role]: frame[column] for role, column in source.columns.items()})


def _order(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Sorted by its order column when it has one (file order otherwise), numbered from 1."""
    if column in frame.columns and (frame[column] != "").all():
        frame = frame.assign(_o=pd.to_numeric(frame[column], errors="coerce")).sort_values("_o", kind="stable").drop(columns="_o")
    return frame.reset_index(drop=True)


def catalog_tables(framework: Framework, root: Path) -> dict[str, pd.DataFrame]:
    """The framework's tables in the catalog model (every cell a string; the schemas type them):
    instruments, instrument_subthemes, groups, subgroups, commitments, memberships."""
    commitments = _read(framework, "commitments", root)
    if "instruments" in framework.tables:
        instruments = _read(framework, "instruments", root)
        if "country_code" in instruments.columns:
            instruments["country_name"] = instruments["country_code"].map(lambda c: ASEAN_MEMBER_STATES.get(c, c))
    else:
        adopted = framework.adopted
        date = str(adopted.get("date", ""))
        place = str(adopted.get("place", ""))
        city, _, country = place.partition(",")
        code = next((c for c, n in ASEAN_MEMBER_STATES.items() if n == country.strip()), "")
        instruments = pd.DataFrame([{"forum_id": framework.id, "number": "1", "ordinal": framework.short_name, "year": date[:4], "month": str(int(date[5:7])) if len(date) >= 7 else "", "city": city.strip(), "country_code": code, "country_name": country.strip(), "theme": framework.title}])
    defaults = {"number": lambda f: [str(i + 1) for i in range(len(f))], "ordinal": lambda f: f["forum_id"], "year": "", "month": "", "city": "", "country_code": "", "country_name": "", "theme": lambda f: f["forum_id"]}
    for column, default in defaults.items():
        if column not in instruments.columns:
            instruments[column] = default(instruments) if callable(default) else default
    if "forum_id" not in commitments.columns:
        commitments["forum_id"] = instruments["forum_id"].iloc[0]
    if "kind" not in commitments.columns:
        commitments["kind"] = "commitment"
    commitments["kind"] = commitments["kind"].replace("", "commitment")
    groups = _order(_read(framework, "groups", root), "order")
    memberships = _read(framework, "memberships", root)
    if "position" not in memberships.columns or (memberships["position"] == "").any():
        memberships["position"] = [str(i + 1) for i in range(len(memberships))]
    if "note" not in memberships.columns:
        memberships["note"] = ""
    if framework.vocabulary.has_subgroups:
        subgroups = _read(framework, "subgroups", root)
        if "position" not in subgroups.columns:
            subgroups["position"] = subgroups.groupby("cluster").cumcount().add(1).astype(str)
    else:
        subgroups, memberships = _one_subgroup_per_commitment(framework, commitments, groups, memberships)
    subgroups["chapter_section"] = ""
    if "instrument_subthemes" in framework.tables:
        notes = _read(framework, "instrument_subthemes", root)
        if "position" not in notes.columns:
            notes["position"] = notes.groupby("forum_id").cumcount().add(1).astype(str)
    else:
        notes = pd.DataFrame({"forum_id": pd.Series(dtype=str), "position": pd.Series(dtype=str), "subtheme": pd.Series(dtype=str)})
    return {
        "instruments": instruments[["forum_id", "number", "ordinal", "year", "month", "city", "country_code", "country_name", "theme"]],
        "instrument_subthemes": notes[["forum_id", "position", "subtheme"]],
        "groups": groups[["cluster", "title"]],
        "subgroups": subgroups[["subcluster_id", "cluster", "position", "title", "chapter_section"]],
        "commitments": commitments[["recommendation_id", "forum_id", "number", "text"]],
        "commitment_kinds": commitments[["recommendation_id", "kind"]],
        "memberships": memberships[["position", "recommendation_id", "cluster", "subcluster_id"]],
        "membership_notes": memberships[["recommendation_id", "cluster", "note"]],
    }


def _one_subgroup_per_commitment(framework: Framework, commitments: pd.DataFrame, groups: pd.DataFrame, memberships: pd.DataFrame):
    """A framework without sub-groups: each commitment is its own sub-group, in group order."""
    words = framework.vocabulary
    order = {g: i for i, g in enumerate(groups["cluster"])}
    numbers = dict(zip(commitments["recommendation_id"], commitments["number"]))
    kinds = dict(zip(commitments["recommendation_id"], commitments["kind"]))
    members = memberships.assign(_g=memberships["cluster"].map(order), _p=pd.to_numeric(memberships["position"], errors="coerce")).sort_values(["_g", "_p"], kind="stable")
    members = members.drop(columns=["_g", "_p"]).reset_index(drop=True)
    members["subcluster_id"] = members["recommendation_id"]

    def title(commitment_id: str) -> str:
        number = numbers.get(commitment_id, "")
        if kinds.get(commitment_id, "commitment") == "commitment" or not words.commitment_label:
            return f"{words.Commitment} {number}"
        label = words.commitment_label.format(number=number, instrument=framework.short_name)
        return f"{kinds[commitment_id][:1].upper()}{kinds[commitment_id][1:]} ({label})"

    subgroups = pd.DataFrame(
        {
            "subcluster_id": members["recommendation_id"],
            "cluster": members["cluster"],
            "position": members.groupby("cluster", sort=False).cumcount().add(1).astype(str),
            "title": members["recommendation_id"].map(title),
        }
    ).drop_duplicates("subcluster_id")
    return subgroups.reset_index(drop=True), members


def framework_files(framework: Framework) -> list[Path]:
    """Every file the framework is made of (for the manifest of a build)."""
    files = {framework.folder / FRAMEWORK_FILE}
    files |= {t.file for t in framework.tables.values()}
    files |= set(framework.mappings.values()) | set(framework.classifications.values())
    return sorted(p.resolve() for p in files if p.exists())
