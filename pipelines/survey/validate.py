"""Validation of survey records: every problem collected, accepted rows go on, rejected rows are kept.

Each problem names file, sheet, row, column, value and reason, in words a respondent can act on.
A respondent's later submission replaces the earlier one; the replaced rows are kept too
(disposition ``superseded``), so that accepted + rejected + superseded = every row read.

Rules run column-wise over whole tables (one boolean mask per rule), so a million initiatives
validate in seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from pipelines.catalog.schemas import ASEAN_MEMBER_STATES
from pipelines.editions import Edition
from pipelines.survey.model import CONSTITUENCIES, GENDER, INITIATIVE_FIELDS, NATIONAL, REGIONAL, RESPONDENT_FIELDS, SCOPES, SOURCES, STATUSES
from pipelines.survey.readers import INITIATIVE_COLUMNS, RESPONDENT_COLUMNS, FileRead, as_frame

PROBLEM_COLUMNS = ["file", "sheet", "row", "column", "value", "reason", "respondent_id", "record"]
QUARANTINE_COLUMNS = ["record", "disposition", "file", "sheet", "row", "reason", "data"]
ACCEPTED, REJECTED, SUPERSEDED = "accepted", "rejected", "superseded"
COUNTRY_ALIASES = {"lao pdr": "LAO", "laos": "LAO", "vietnam": "VNM", "brunei": "BRN", "burma": "MMR"}


@dataclass
class Catalogue:
    """What answers are checked against: the catalog restricted to the edition."""

    clusters: dict[str, str]  # letter -> title
    subclusters: dict[str, str]  # id -> cluster letter
    subcluster_titles: dict[str, str]  # title (lower) -> id
    recommendations: set[str]
    edition: Edition


@dataclass
class IntakeResult:
    respondents: pd.DataFrame
    initiatives: pd.DataFrame
    quarantine: pd.DataFrame
    problems: pd.DataFrame
    files: pd.DataFrame
    log: list[str] = field(default_factory=list)
    structural: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return int(self.files["respondents_read"].sum() + self.files["initiatives_read"].sum()) if not self.files.empty else 0


class Problems:
    """Collects problems of one table, rule by rule."""

    def __init__(self, frame: pd.DataFrame, kind: str):
        self.frame, self.kind = frame, kind
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, column: str, reason, value: pd.Series | None = None) -> None:
        if not mask.any():
            return
        rows = self.frame[mask]
        values = (value if value is not None else rows[column] if column in rows.columns else pd.Series("", index=rows.index))
        self.parts.append(
            pd.DataFrame(
                {
                    "file": rows["_file"], "sheet": rows["_sheet"], "row": rows["_row"], "column": column,
                    "value": values.loc[rows.index] if len(values) != len(rows) else values,
                    "reason": reason if isinstance(reason, str) else reason.loc[rows.index],
                    "respondent_id": rows["respondent_id"] if "respondent_id" in rows.columns else "",
                    "record": self.kind, "_index": rows.index,
                }
            )
        )

    def table(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS + ["_index"])
        return pd.concat(self.parts, ignore_index=True)


def _lookup(choices: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    return {k.lower(): k for k in choices} | {v.lower(): k for k, v in choices.items()} | {k.lower(): v for k, v in (extra or {}).items()}


def _per_unique(values: pd.Series, function) -> pd.Series:
    """Apply ``function`` once per distinct value: answers repeat a lot (countries, clusters, years)."""
    uniques = pd.unique(values)
    return values.map(dict(zip(uniques, (function(v) for v in uniques))))


def _choice(values: pd.Series, choices: dict[str, str], extra: dict[str, str] | None = None) -> pd.Series:
    """Answers given as a code, a label or "CODE – label", as codes; NaN where nothing matches."""
    table = _lookup(choices, extra)

    def code(text: str):
        lowered = text.strip().lower()
        head = lowered.split(" – ", 1)[0].split(" - ", 1)[0].strip()
        return table.get(lowered) or table.get(head)

    return _per_unique(values, code)


def _coded(problems: Problems, clean: pd.DataFrame, column: str, choices: dict[str, str], reason: str, extra: dict[str, str] | None = None) -> pd.Series:
    """Replace the answers of ``column`` by their codes; an answer matching no choice is a problem
    (and kept as given). Returns the codes (NaN where nothing matched)."""
    answers = problems.frame[column]
    codes = _choice(answers, choices, extra)
    problems.add((answers != "") & codes.isna(), column, reason)
    clean[column] = codes.fillna(answers)
    return codes


def _required(problems: Problems, frame: pd.DataFrame, fields) -> None:
    for f in fields:
        if f.required:
            problems.add(frame[f.name] == "", f.name, f"{f.label} is required")


def _period(edition: Edition) -> str:
    return f"{edition.review_start:%B %Y}–{edition.review_end:%B %Y}"


def validate_respondents(frame: pd.DataFrame) -> tuple[pd.DataFrame, Problems]:
    problems = Problems(frame, "respondent")
    clean = frame.copy()
    _required(problems, frame, RESPONDENT_FIELDS)
    _coded(problems, clean, "country", ASEAN_MEMBER_STATES, "unknown country: give an ASEAN Member State (e.g. IDN or Indonesia)", COUNTRY_ALIASES)
    _coded(problems, clean, "constituency", CONSTITUENCIES, f"unknown constituency: one of {', '.join(CONSTITUENCIES)}")
    moments = pd.to_datetime(frame["submission_time"].str.replace("Z", "+00:00", regex=False), errors="coerce", utc=True, format="ISO8601")
    problems.add((frame["submission_time"] != "") & moments.isna(), "submission_time", "not a date and time (ISO 8601, e.g. 2020-06-30T09:15:00Z)")
    clean["submission_time"] = moments.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(moments.notna(), frame["submission_time"])
    return clean, problems


def _standing_submissions(respondents: pd.DataFrame, log: list[str]) -> set[str]:
    """For each respondent, the submission with the latest time (then file name) stands."""
    with_id = respondents[respondents["respondent_id"] != ""]
    ordered = with_id.sort_values(["respondent_id", "submission_time", "_file", "_submission"])
    standing = ordered.drop_duplicates("respondent_id", keep="last")
    for rid, part in ordered.groupby("respondent_id", sort=True):
        if len(part) > 1:
            newer = part.iloc[-1]
            for _, older in part.iloc[:-1].iterrows():
                log.append(f"respondent {rid}: submission of {newer['submission_time'] or 'unknown time'} in {newer['_file']} replaces the one of {older['submission_time'] or 'unknown time'} in {older['_file']}")
    return set(standing["_submission"])


def validate_initiatives(frame: pd.DataFrame, catalogue: Catalogue, respondent_ids: set[str]) -> tuple[pd.DataFrame, Problems]:
    problems = Problems(frame, "initiative")
    clean = frame.copy()
    _required(problems, frame, INITIATIVE_FIELDS)

    _coded(problems, clean, "country", ASEAN_MEMBER_STATES, "unknown country: give the ASEAN Member State where the initiative is implemented", COUNTRY_ALIASES)
    cluster = _coded(problems, clean, "cluster", catalogue.clusters, "unknown cluster: one of A–J (see the Recommendations sheet)")

    sub_ids = {k.upper(): k for k in catalogue.subclusters}  # ids in any case: A1, a1, decl23-01

    def subcluster_id(text: str):
        head = text.split(" – ", 1)[0].strip().upper()
        return sub_ids.get(head) or catalogue.subcluster_titles.get(text.lower())

    sub = _per_unique(frame["subcluster"], subcluster_id)
    problems.add((frame["subcluster"] != "") & sub.isna(), "subcluster", "unknown sub-cluster")
    sub_cluster = sub.map(catalogue.subclusters)
    wrong = sub.notna() & cluster.notna() & (sub_cluster != cluster)
    problems.add(wrong, "subcluster", "sub-cluster " + sub.fillna("") + " is not in cluster " + cluster.fillna(""))
    clean["subcluster"] = sub.fillna(frame["subcluster"])

    split = re.compile(r"[\s,;]+")
    ids = _per_unique(frame["recommendation_ids"], lambda text: [i for i in split.split(text.lower()) if i])
    exploded = ids.explode().dropna()
    unknown = exploded[~exploded.isin(catalogue.recommendations)]
    if not unknown.empty:
        rows = frame.loc[unknown.index]
        problems.parts.append(pd.DataFrame({"file": rows["_file"], "sheet": rows["_sheet"], "row": rows["_row"], "column": "recommendation_ids", "value": unknown.values, "reason": "unknown recommendation id (expected e.g. afml05-08, one reviewed in this edition)", "respondent_id": rows["respondent_id"], "record": "initiative", "_index": unknown.index}))
    clean["recommendation_ids"] = _per_unique(frame["recommendation_ids"], lambda text: " ".join(sorted({i for i in split.split(text.lower()) if i})))

    edition = catalogue.edition
    years = {}
    for name in ("start_year", "end_year"):
        text = frame[name]
        bad = (text != "") & ~_per_unique(text, lambda t: bool(re.fullmatch(r"\d{4}", t))).astype(bool)
        problems.add(bad, name, "a year is four digits, e.g. 2019")
        years[name] = pd.to_numeric(text.where(~bad & (text != "")), errors="coerce")
    problems.add(years["start_year"] > edition.review_end.year, "start_year", f"starts after the review period ({_period(edition)})")
    problems.add(years["end_year"] < edition.review_start.year, "end_year", f"ended before the review period ({_period(edition)})")
    problems.add(years["end_year"] < years["start_year"], "end_year", "ends before it starts (" + frame["start_year"] + ")")

    for name, choices in (("status", STATUSES), ("gender_responsive", GENDER), ("source", SOURCES)):
        _coded(problems, clean, name, choices, f"not one of: {', '.join(choices)}")
    clean["gender_responsive"] = clean["gender_responsive"].replace("", "unknown")
    has_respondent = frame["respondent_id"] != ""
    clean["source"] = clean["source"].where(clean["source"] != "", has_respondent.map({True: "questionnaire", False: ""}))
    problems.add(clean["source"] == "", "source", "source is required when no respondent is given (literature_review or preparatory_meeting)")
    problems.add(has_respondent & ~frame["respondent_id"].isin(respondent_ids), "respondent_id", "no accepted respondent has this id")
    problems.add((clean["source"] == "questionnaire") & ~has_respondent, "respondent_id", "a questionnaire answer needs the respondent's id")

    _scope(problems, clean, frame)

    owner = frame["respondent_id"].where(has_respondent, frame["_file"])
    clean["uid"] = owner + ":" + frame["initiative_id"]
    duplicate = (frame["initiative_id"] != "") & clean["uid"].duplicated(keep="first")
    problems.add(duplicate, "initiative_id", "duplicate initiative id in this response")
    return clean, problems


def _scope(problems: Problems, clean: pd.DataFrame, frame: pd.DataFrame) -> None:
    """National initiatives (the default) need a Member State; ASEAN-level (regional) ones name their
    regional actor and no Member State."""
    scope = _coded(problems, clean, "scope", SCOPES, f"not one of: {', '.join(SCOPES)}")
    clean["scope"] = clean["scope"].replace("", NATIONAL)
    regional = scope == REGIONAL
    national = (frame["scope"] == "") | (scope == NATIONAL)
    problems.add(national & (frame["country"] == ""), "country", "Member State where implemented is required for a national initiative (for an ASEAN-level one, give scope regional and the regional actor)")
    problems.add(regional & (frame["regional_actor"] == ""), "regional_actor", "a regional initiative names its regional actor (the ASEAN body or regional network)")
    problems.add(regional & (frame["country"] != ""), "country", "a regional initiative has no Member State: leave the country empty (or give scope national)")


def _quarantine(frame: pd.DataFrame, kind: str, disposition: str, reasons: pd.Series) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=QUARANTINE_COLUMNS)
    data = frame.drop(columns=["_sheet", "_row", "_submission"]).rename(columns={"_file": "file"}).to_dict("records")
    return pd.DataFrame({"record": kind, "disposition": disposition, "file": frame["_file"].values, "sheet": frame["_sheet"].values, "row": frame["_row"].values, "reason": reasons.values, "data": data})


def _reasons(problems: pd.DataFrame, index) -> pd.Series:
    grouped = problems.groupby("_index")["reason"].agg("; ".join)
    return grouped.reindex(index)


def validate(files: list[FileRead], catalogue: Catalogue) -> IntakeResult:
    """Validate everything read; return accepted tables, quarantine, problems and a per-file summary."""
    log: list[str] = []
    structural = [p.describe() for f in files for p in f.problems]
    usable = [f for f in files if not f.problems]
    respondents = pd.concat([f.respondents for f in usable], ignore_index=True) if usable else as_frame([], RESPONDENT_COLUMNS)
    initiatives = pd.concat([f.initiatives for f in usable], ignore_index=True) if usable else as_frame([], INITIATIVE_COLUMNS)

    clean_resp, resp_problems = validate_respondents(respondents)
    standing = _standing_submissions(clean_resp, log)
    superseded_resp = (clean_resp["respondent_id"] != "") & ~clean_resp["_submission"].isin(standing)
    resp_table = resp_problems.table()
    rejected_resp = clean_resp.index.isin(resp_table["_index"]) & ~superseded_resp
    accepted_resp = clean_resp[~rejected_resp & ~superseded_resp]
    resp_table = resp_table[~resp_table["_index"].isin(clean_resp.index[superseded_resp])]

    superseded_submissions = set(clean_resp.loc[superseded_resp, "_submission"])
    superseded_init = initiatives["_submission"].isin(superseded_submissions)
    live = initiatives[~superseded_init]
    clean_init, init_problems = validate_initiatives(live, catalogue, set(accepted_resp["respondent_id"]))
    init_table = init_problems.table()
    rejected_init = clean_init.index.isin(init_table["_index"])

    quarantine = pd.concat(
        [
            _quarantine(clean_resp[rejected_resp], "respondent", REJECTED, _reasons(resp_table, clean_resp.index[rejected_resp])),
            _quarantine(clean_resp[superseded_resp], "respondent", SUPERSEDED, pd.Series("replaced by a later submission of the same respondent", index=clean_resp.index[superseded_resp])),
            _quarantine(clean_init[rejected_init], "initiative", REJECTED, _reasons(init_table, clean_init.index[rejected_init])),
            _quarantine(initiatives[superseded_init], "initiative", SUPERSEDED, pd.Series("replaced by a later submission of the same respondent", index=initiatives.index[superseded_init])),
        ],
        ignore_index=True,
    )
    problems = pd.concat([resp_table, init_table], ignore_index=True)[PROBLEM_COLUMNS]

    if accepted_resp.empty and not structural:
        structural.append("no respondent at all: the survey folder holds no accepted response")

    file_rows = [
        {"file": f.file, "layout": f.layout, "encoding": f.encoding, "sha256": f.sha256, "respondents_read": len(f.respondents), "initiatives_read": len(f.initiatives), "structural_problems": len(f.problems), "notes": "; ".join(f.notes)}
        for f in files
    ]
    respondent_columns = [f.name for f in RESPONDENT_FIELDS] + ["file"]
    initiative_columns = ["uid", "respondent_id"] + [f.name for f in INITIATIVE_FIELDS] + ["file", "sheet", "row"]
    accepted_init = clean_init[~rejected_init].rename(columns={"_file": "file", "_sheet": "sheet", "_row": "row"})
    return IntakeResult(
        respondents=accepted_resp.rename(columns={"_file": "file"})[respondent_columns].sort_values("respondent_id", ignore_index=True),
        initiatives=accepted_init[initiative_columns].reset_index(drop=True),
        quarantine=quarantine,
        problems=problems.reset_index(drop=True),
        files=pd.DataFrame(file_rows, columns=["file", "layout", "encoding", "sha256", "respondents_read", "initiatives_read", "structural_problems", "notes"]),
        log=log,
        structural=structural,
    )
