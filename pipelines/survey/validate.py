"""Validation of survey records: every problem collected, accepted rows go on, rejected rows are kept.

Each problem names file, sheet, row, column, value and reason, in words a respondent can act on.
A respondent's later submission replaces the earlier one; the replaced rows are kept too
(disposition ``superseded``), so that accepted + rejected + superseded = every row read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from pipelines.catalog.schemas import ASEAN_MEMBER_STATES
from pipelines.editions import Edition
from pipelines.survey.model import CONSTITUENCIES, GENDER, INITIATIVE_FIELDS, RESPONDENT_FIELDS, SOURCES, STATUSES
from pipelines.survey.readers import FileRead, RawRecord

PROBLEM_COLUMNS = ["file", "sheet", "row", "column", "value", "reason", "respondent_id", "record"]
ACCEPTED, REJECTED, SUPERSEDED = "accepted", "rejected", "superseded"


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


def _choice(value: str, choices: dict[str, str], extra: dict[str, str] | None = None) -> str | None:
    """A choice answered as its code, its label, or "CODE – label"; None when it matches nothing."""
    text = value.strip()
    if not text:
        return None
    lookup = {k.lower(): k for k in choices} | {v.lower(): k for k, v in choices.items()} | {k.lower(): v for k, v in (extra or {}).items()}
    candidate = text.split(" – ")[0].split(" - ")[0].strip().lower()
    return lookup.get(text.lower()) or lookup.get(candidate)


COUNTRY_ALIASES = {"lao pdr": "LAO", "laos": "LAO", "vietnam": "VNM", "brunei": "BRN", "burma": "MMR"}


class _Checker:
    """Collects problems for one record."""

    def __init__(self, record: RawRecord, kind: str):
        self.record, self.kind = record, kind
        self.problems: list[dict] = []
        self.clean: dict[str, str] = {}

    def fail(self, column: str, value: str, reason: str) -> None:
        self.problems.append(
            {"file": self.record.file, "sheet": self.record.sheet, "row": self.record.row, "column": column, "value": value, "reason": reason, "respondent_id": self.record.values.get("respondent_id", ""), "record": self.kind}
        )

    def value(self, name: str) -> str:
        return (self.record.values.get(name) or "").strip()


def _check_required(checker: _Checker, fields) -> None:
    for f in fields:
        if f.required and not checker.value(f.name):
            checker.fail(f.name, "", f"{f.label} is required")


def _year(checker: _Checker, name: str) -> int | None:
    text = checker.value(name)
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        checker.fail(name, text, "a year is four digits, e.g. 2019")
        return None
    return int(text)


def validate_respondent(record: RawRecord) -> _Checker:
    checker = _Checker(record, "respondent")
    _check_required(checker, RESPONDENT_FIELDS)
    for f in RESPONDENT_FIELDS:
        checker.clean[f.name] = checker.value(f.name)
    country = checker.value("country")
    if country:
        code = _choice(country, ASEAN_MEMBER_STATES, COUNTRY_ALIASES)
        if code is None:
            checker.fail("country", country, "unknown country: give an ASEAN Member State (e.g. IDN or Indonesia)")
        checker.clean["country"] = code or country
    constituency = checker.value("constituency")
    if constituency:
        code = _choice(constituency, CONSTITUENCIES)
        if code is None:
            checker.fail("constituency", constituency, f"unknown constituency: one of {', '.join(CONSTITUENCIES)}")
        checker.clean["constituency"] = code or constituency
    submitted = checker.value("submission_time")
    if submitted:
        try:
            moment = dt.datetime.fromisoformat(submitted.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.timezone.utc)
            checker.clean["submission_time"] = moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            checker.fail("submission_time", submitted, "not a date and time (ISO 8601, e.g. 2020-06-30T09:15:00Z)")
    return checker


def validate_initiative(record: RawRecord, catalogue: Catalogue, respondents: dict[str, dict]) -> _Checker:
    checker = _Checker(record, "initiative")
    _check_required(checker, INITIATIVE_FIELDS)
    for f in INITIATIVE_FIELDS:
        checker.clean[f.name] = checker.value(f.name)
    respondent_id = checker.value("respondent_id")
    checker.clean["respondent_id"] = respondent_id

    country = checker.value("country")
    if country:
        code = _choice(country, ASEAN_MEMBER_STATES, COUNTRY_ALIASES)
        if code is None:
            checker.fail("country", country, "unknown country: give the ASEAN Member State where the initiative is implemented")
        checker.clean["country"] = code or country

    cluster_text = checker.value("cluster")
    cluster = _choice(cluster_text, catalogue.clusters) if cluster_text else None
    if cluster_text and cluster is None:
        checker.fail("cluster", cluster_text, "unknown cluster: one of A–J (see the Recommendations sheet)")
    checker.clean["cluster"] = cluster or cluster_text

    sub_text = checker.value("subcluster")
    if sub_text:
        sub = sub_text.split(" – ")[0].strip().upper() if sub_text.split(" – ")[0].strip().upper() in catalogue.subclusters else catalogue.subcluster_titles.get(sub_text.lower())
        if sub is None:
            checker.fail("subcluster", sub_text, "unknown sub-cluster")
        elif cluster is not None and catalogue.subclusters[sub] != cluster:
            checker.fail("subcluster", sub_text, f"sub-cluster {sub} is not in cluster {cluster}")
        checker.clean["subcluster"] = sub or sub_text

    ids = [i for i in re.split(r"[\s,;]+", checker.value("recommendation_ids")) if i]
    for rec in ids:
        if rec.lower() not in catalogue.recommendations:
            checker.fail("recommendation_ids", rec, "unknown recommendation id (expected e.g. afml05-08, one reviewed in this edition)")
    checker.clean["recommendation_ids"] = " ".join(sorted({i.lower() for i in ids}))

    period = catalogue.edition
    start, end = _year(checker, "start_year"), _year(checker, "end_year")
    if start is not None and start > period.review_end.year:
        checker.fail("start_year", str(start), f"starts after the review period ({period.review_start:%B %Y}–{period.review_end:%B %Y})")
    if end is not None and end < period.review_start.year:
        checker.fail("end_year", str(end), f"ended before the review period ({period.review_start:%B %Y}–{period.review_end:%B %Y})")
    if start is not None and end is not None and end < start:
        checker.fail("end_year", str(end), f"ends before it starts ({start})")

    for name, choices in (("status", STATUSES), ("gender_responsive", GENDER), ("source", SOURCES)):
        text = checker.value(name)
        if text:
            code = _choice(text, choices)
            if code is None:
                checker.fail(name, text, f"not one of: {', '.join(choices)}")
            checker.clean[name] = code or text
    checker.clean["gender_responsive"] = checker.clean.get("gender_responsive") or "unknown"
    source = checker.clean.get("source") or ("questionnaire" if respondent_id else "")
    checker.clean["source"] = source
    if not source:
        checker.fail("source", "", "source is required when no respondent is given (literature_review or preparatory_meeting)")
    if respondent_id and respondent_id not in respondents:
        checker.fail("respondent_id", respondent_id, "no accepted respondent has this id")
    if source == "questionnaire" and not respondent_id:
        checker.fail("respondent_id", "", "a questionnaire answer needs the respondent's id")
    return checker


def _latest_submissions(records: list[RawRecord], checkers: list[_Checker], log: list[str]) -> set[str]:
    """The submissions that stand: for each respondent, the one with the latest submission time."""
    best: dict[str, tuple[str, str, str]] = {}
    for record, checker in zip(records, checkers):
        rid = checker.clean.get("respondent_id", "")
        if not rid:
            continue
        key = (checker.clean.get("submission_time", ""), record.file, record.submission)
        if rid in best:
            older, newer = sorted([best[rid], key])
            log.append(f"respondent {rid}: submission of {newer[0] or 'unknown time'} in {newer[1]} replaces the one of {older[0] or 'unknown time'} in {older[1]}")
            best[rid] = newer
        else:
            best[rid] = key
    return {v[2] for v in best.values()}


def validate(files: list[FileRead], catalogue: Catalogue) -> IntakeResult:
    """Validate everything read; return accepted tables, quarantine, problems and a per-file summary."""
    log: list[str] = []
    structural = [p.describe() for f in files for p in f.problems]
    records = [r for f in files if not f.problems for r in f.respondents]
    checkers = [validate_respondent(r) for r in records]
    standing = _latest_submissions(records, checkers, log)

    accepted_resp, quarantine, problems = [], [], []
    respondents: dict[str, dict] = {}
    superseded_submissions = set()
    for record, checker in zip(records, checkers):
        row = checker.clean | {"file": record.file}
        if checker.clean.get("respondent_id") and record.submission not in standing:
            superseded_submissions.add(record.submission)
            quarantine.append({"record": "respondent", "disposition": SUPERSEDED, "file": record.file, "sheet": record.sheet, "row": record.row, "reason": "replaced by a later submission of the same respondent", "data": row})
        elif checker.problems:
            problems += checker.problems
            quarantine.append({"record": "respondent", "disposition": REJECTED, "file": record.file, "sheet": record.sheet, "row": record.row, "reason": "; ".join(p["reason"] for p in checker.problems), "data": row})
        else:
            respondents[checker.clean["respondent_id"]] = row
            accepted_resp.append(row)

    accepted_init = []
    seen_ids: set[tuple[str, str]] = set()
    for record in (r for f in files if not f.problems for r in f.initiatives):
        if record.submission in superseded_submissions:
            quarantine.append({"record": "initiative", "disposition": SUPERSEDED, "file": record.file, "sheet": record.sheet, "row": record.row, "reason": "replaced by a later submission of the same respondent", "data": dict(record.values)})
            continue
        checker = validate_initiative(record, catalogue, respondents)
        owner = checker.clean.get("respondent_id") or record.file
        key = (owner, checker.clean.get("initiative_id", ""))
        if key[1] and key in seen_ids:
            checker.fail("initiative_id", key[1], "duplicate initiative id in this response")
        seen_ids.add(key)
        row = checker.clean | {"uid": f"{owner}:{checker.clean.get('initiative_id', '')}", "file": record.file, "sheet": record.sheet, "row": record.row}
        if checker.problems:
            problems += checker.problems
            quarantine.append({"record": "initiative", "disposition": REJECTED, "file": record.file, "sheet": record.sheet, "row": record.row, "reason": "; ".join(p["reason"] for p in checker.problems), "data": row})
        else:
            accepted_init.append(row)

    if not accepted_resp and not structural:
        structural.append("no respondent at all: the survey folder holds no accepted response")

    file_rows = [
        {"file": f.file, "layout": f.layout, "encoding": f.encoding, "sha256": f.sha256, "respondents_read": len(f.respondents), "initiatives_read": len(f.initiatives), "structural_problems": len(f.problems), "notes": "; ".join(f.notes)}
        for f in files
    ]
    respondent_columns = [f.name for f in RESPONDENT_FIELDS] + ["file"]
    initiative_columns = ["uid", "respondent_id"] + [f.name for f in INITIATIVE_FIELDS] + ["file", "sheet", "row"]
    return IntakeResult(
        respondents=pd.DataFrame(accepted_resp, columns=respondent_columns).sort_values("respondent_id", ignore_index=True),
        initiatives=pd.DataFrame(accepted_init, columns=initiative_columns),
        quarantine=pd.DataFrame(quarantine, columns=["record", "disposition", "file", "sheet", "row", "reason", "data"]),
        problems=pd.DataFrame(problems, columns=PROBLEM_COLUMNS),
        files=pd.DataFrame(file_rows, columns=["file", "layout", "encoding", "sha256", "respondents_read", "initiatives_read", "structural_problems", "notes"]),
        log=log,
        structural=structural,
    )
