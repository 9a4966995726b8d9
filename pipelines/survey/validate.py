"""Validation of survey records: every problem collected, accepted rows go on, rejected rows are kept.

Each problem names file, sheet, row, column, value and reason, in words a respondent can act on.
Values are shown made safe (controls and direction overrides visible, long text cut).

A respondent is its normalised id (see :func:`~pipelines.survey.model.normalise_id`) with the
organisation and country of its first submission: another organisation or country claiming the id
is a conflict, rejected, and the earlier data stays. A later submission replaces the earlier one only
if it is usable (its respondent part accepted and, if it has initiatives, at least one of them);
otherwise it is rejected and the earlier one stays. Replaced rows are kept too (disposition
``superseded``), so that accepted + rejected + superseded = every row read.

Rules run column-wise over whole tables (one boolean mask per rule), so a million initiatives
validate in seconds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from pipelines.shared.region import ASEAN_MEMBER_STATES
from pipelines.editions import Edition
from pipelines.sourcefiles import BIDI, NOT_UTF8, quoted, shown
from pipelines.survey.model import CONSTITUENCIES, GENDER, INITIATIVE_FIELDS, NATIONAL, REGIONAL, RESPONDENT_FIELDS, SCOPES, SOURCES, STATUSES, normalise_id, normalise_name
from pipelines.survey.readers import INITIATIVE_COLUMNS, RESPONDENT_COLUMNS, FileRead, as_frame

PROBLEM_COLUMNS = ["file", "sheet", "row", "column", "value", "reason", "respondent_id", "record"]
QUARANTINE_COLUMNS = ["record", "disposition", "file", "sheet", "row", "reason", "data"]
ACCEPTED, REJECTED, SUPERSEDED = "accepted", "rejected", "superseded"
COUNTRY_ALIASES = {"lao pdr": "LAO", "laos": "LAO", "vietnam": "VNM", "brunei": "BRN", "burma": "MMR"}
# Rejected in any answer (tab, line feed and carriage return are allowed): C0/C1 control characters,
# NUL included, and the bidirectional embeddings, overrides and isolates.
UNSAFE_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI}\u2028\u2029]")
RESPONDENT_ID = re.compile(r"[A-Z0-9][A-Z0-9._-]*")  # after normalisation: no look-alike letters of other scripts


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


def _hygiene(problems: Problems, frame: pd.DataFrame, fields) -> None:
    """Characters and lengths no answer may have: the row is quarantined, the value reported."""
    for f in fields:
        column = frame[f.name]
        everything = "\n".join(column.drop_duplicates().tolist())  # one search over the distinct answers; rows only when it hits
        if UNSAFE_TEXT.search(everything):
            unsafe = _per_unique(column, lambda text: bool(UNSAFE_TEXT.search(text))).astype(bool)
            problems.add(unsafe, f.name, "contains control characters or text-direction overrides (shown as [U+…]): remove them")
        if NOT_UTF8 in everything:
            undecodable = _per_unique(column, lambda text: NOT_UTF8 in text).astype(bool)
            problems.add(undecodable, f.name, "this row is not UTF-8 (undecodable bytes shown as \ufffd) although the rest of the file is: save the file as CSV UTF-8")
        lengths = column.str.len()
        long = lengths > f.max_length
        if long.any():
            problems.add(long, f.name, f"{f.label} is longer than {f.max_length} characters (" + lengths[long].astype(str) + "): shorten it")


def submission_window(edition: Edition, now: dt.datetime) -> tuple[pd.Timestamp, pd.Timestamp]:
    """When a submission can plausibly have been made: from the start of the review period to the
    time of the build (a questionnaire's submission time is the file's last-saved time, so a late
    correction is possible; one from the future is not)."""
    moment = pd.Timestamp(now)
    return pd.Timestamp(edition.review_start, tz="UTC"), moment.tz_convert("UTC") if moment.tzinfo else moment.tz_localize("UTC")


def validate_respondents(frame: pd.DataFrame, edition: Edition | None = None, now: dt.datetime | None = None) -> tuple[pd.DataFrame, Problems]:
    problems = Problems(frame, "respondent")
    clean = frame.copy()
    _hygiene(problems, frame, RESPONDENT_FIELDS)
    _required(problems, frame, RESPONDENT_FIELDS)
    ids = frame["respondent_id"]
    odd = (ids != "") & ~_per_unique(ids, lambda text: bool(RESPONDENT_ID.fullmatch(text))).astype(bool)
    problems.add(odd, "respondent_id", "a respondent id is written with the letters A–Z, digits and - _ . only (e.g. IDN-MOM), as the review team gave it")
    _coded(problems, clean, "country", ASEAN_MEMBER_STATES, "unknown country: give an ASEAN Member State (e.g. IDN or Indonesia)", COUNTRY_ALIASES)
    _coded(problems, clean, "constituency", CONSTITUENCIES, f"unknown constituency: one of {', '.join(CONSTITUENCIES)}")
    moments = pd.to_datetime(frame["submission_time"].str.replace("Z", "+00:00", regex=False), errors="coerce", utc=True, format="ISO8601")
    problems.add((frame["submission_time"] != "") & moments.isna(), "submission_time", "not a date and time (ISO 8601, e.g. 2020-06-30T09:15:00Z)")
    if edition is not None:
        earliest, latest = submission_window(edition, now or dt.datetime.now(dt.timezone.utc))
        problems.add(moments > latest, "submission_time", f"later than the time of this build ({latest:%Y-%m-%d %H:%M} UTC): a submission cannot come from the future; correct the date")
        problems.add(moments < earliest, "submission_time", f"before the review period ({_period(edition)}): correct the date")
    clean["submission_time"] = moments.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(moments.notna(), frame["submission_time"])
    return clean, problems


def _conflicts(problems: Problems, clean: pd.DataFrame, rejected) -> pd.Series:
    """The first submission of an id (by time, then file) fixes its organisation and country; a later
    one naming another organisation or country is a conflict and is rejected."""
    candidates = clean[~rejected & (clean["respondent_id"] != "")]
    first = candidates.sort_values(["submission_time", "_file", "_submission"]).drop_duplicates("respondent_id", keep="first")
    owner = {rid: (normalise_name(org), country, org, file) for rid, org, country, file in zip(first["respondent_id"], first["organisation"], first["country"], first["_file"])}
    key = clean["organisation"].map(normalise_name) + "\x1f" + clean["country"]
    expected = clean["respondent_id"].map(lambda rid: f"{owner[rid][0]}\x1f{owner[rid][1]}" if rid in owner else None)
    conflict = ~rejected & expected.notna() & (key != expected)
    reasons = clean["respondent_id"].map(lambda rid: f"the id {rid} already belongs to {quoted(owner[rid][2])} ({owner[rid][1]}) in {quoted(owner[rid][3])}: this file was not used and the earlier data stays; ask the review team for your own id" if rid in owner else "")
    problems.add(conflict, "respondent_id", reasons)
    return conflict


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["respondent_id", "submission_time", "_file", "_submission"])


def validate_initiatives(frame: pd.DataFrame, catalogue: Catalogue, respondent_ids: set[str], accepted_submissions: set[str] | None = None, respondent_submissions: set[str] | None = None) -> tuple[pd.DataFrame, Problems]:
    """Every rule on initiatives. An initiative of a submission with a respondent part goes with it
    (``accepted_submissions``); one naming a respondent elsewhere needs an accepted respondent."""
    problems = Problems(frame, "initiative")
    clean = frame.copy()
    _hygiene(problems, frame, INITIATIVE_FIELDS)
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
    in_submission = frame["_submission"].isin(respondent_submissions or set())
    problems.add(in_submission & ~frame["_submission"].isin(accepted_submissions or set()), "respondent_id", "the respondent part of this submission was rejected (see the problems of the respondent), so its initiatives cannot be accepted")
    problems.add(has_respondent & ~in_submission & ~frame["respondent_id"].isin(respondent_ids), "respondent_id", "no accepted respondent has this id")
    problems.add((clean["source"] == "questionnaire") & ~has_respondent, "respondent_id", "a questionnaire answer needs the respondent's id")

    _scope(problems, clean, frame)

    owner = frame["respondent_id"].where(has_respondent, frame["_file"])
    clean["uid"] = owner + ":" + frame["initiative_id"]
    duplicate = (frame["initiative_id"] != "") & pd.DataFrame({"submission": frame["_submission"], "uid": clean["uid"]}).duplicated(keep="first")
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


def _findings(files: list[FileRead]) -> pd.DataFrame:
    """File-level findings (unknown columns): reported to whoever sent the file, no row rejected."""
    rows = []
    for f in files:
        ids = sorted(set(f.respondents["respondent_id"].map(normalise_id)) - {""})
        for p in f.findings:
            rows.append({"file": p.file, "sheet": p.sheet, "row": p.row or 1, "column": p.column, "value": p.value, "reason": p.reason, "respondent_id": ids[0] if len(ids) == 1 else "", "record": "file"})
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def _standing(clean_resp: pd.DataFrame, accepted: pd.Series, usable: pd.Series, conflict: pd.Series, log: list[str]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Which submission of each respondent stands: the latest usable one (or, if none is usable, the
    latest accepted one). Older ones are superseded (a conflicting claim stays rejected, whenever it
    came); newer ones that could not be used are rejected, and the earlier one stays. Returns masks
    (standing, superseded, not_used) over respondent rows."""
    standing = pd.Series(False, index=clean_resp.index)
    superseded = pd.Series(False, index=clean_resp.index)
    not_used = pd.Series(False, index=clean_resp.index)
    with_id = clean_resp[clean_resp["respondent_id"] != ""]
    single = ~with_id["respondent_id"].duplicated(keep=False)
    standing[with_id.index[single]] = accepted[with_id.index[single]]  # the only submission of its respondent
    for rid, part in _order(with_id[~single]).groupby("respondent_id", sort=True):
        candidates = part[usable.loc[part.index]]
        if candidates.empty:
            candidates = part[accepted.loc[part.index]]
        if candidates.empty:
            continue
        stands = candidates.index[-1]
        standing[stands] = True
        position = list(part.index).index(stands)
        newer = part.loc[stands]
        for index in part.index[:position]:
            if conflict[index]:
                continue
            older = part.loc[index]
            superseded[index] = True
            log.append(f"respondent {rid}: submission of {newer['submission_time'] or 'unknown time'} in {quoted(newer['_file'])} replaces the one of {older['submission_time'] or 'unknown time'} in {quoted(older['_file'])}")
        for index in part.index[position + 1:]:
            later = part.loc[index]
            not_used[index] = accepted[index]
            log.append(f"respondent {rid}: the submission of {later['submission_time'] or 'unknown time'} in {quoted(later['_file'])} could not be used (see its problems); the one in {quoted(newer['_file'])} stays")
    return standing, superseded, not_used


def validate(files: list[FileRead], catalogue: Catalogue, now: dt.datetime | None = None) -> IntakeResult:
    """Validate everything read; return accepted tables, quarantine, problems and a per-file summary."""
    log: list[str] = []
    structural = [p.describe() for f in files for p in f.problems]
    usable_files = [f for f in files if not f.problems]
    respondents = pd.concat([f.respondents for f in usable_files], ignore_index=True) if usable_files else as_frame([], RESPONDENT_COLUMNS)
    initiatives = pd.concat([f.initiatives for f in usable_files], ignore_index=True) if usable_files else as_frame([], INITIATIVE_COLUMNS)
    raw_ids = {"respondents": respondents["respondent_id"], "initiatives": initiatives["respondent_id"]}
    respondents["respondent_id"] = _per_unique(respondents["respondent_id"], normalise_id) if not respondents.empty else respondents["respondent_id"]
    initiatives["respondent_id"] = _per_unique(initiatives["respondent_id"], normalise_id) if not initiatives.empty else initiatives["respondent_id"]

    clean_resp, resp_problems = validate_respondents(respondents, catalogue.edition, now)
    rejected = pd.Series(clean_resp.index.isin(resp_problems.table()["_index"]), index=clean_resp.index)
    conflict = _conflicts(resp_problems, clean_resp, rejected)
    accepted = ~pd.Series(clean_resp.index.isin(resp_problems.table()["_index"]), index=clean_resp.index)

    clean_init, init_problems = validate_initiatives(
        initiatives, catalogue, set(clean_resp.loc[accepted, "respondent_id"]),
        accepted_submissions=set(clean_resp.loc[accepted, "_submission"]), respondent_submissions=set(clean_resp["_submission"]),
    )
    init_table = init_problems.table()
    init_ok = ~clean_init.index.isin(init_table["_index"])
    with_initiatives = set(clean_init["_submission"])
    usable_submissions = set(clean_init.loc[init_ok, "_submission"])
    usable = accepted & (~clean_resp["_submission"].isin(with_initiatives) | clean_resp["_submission"].isin(usable_submissions))
    standing, superseded_resp, not_used = _standing(clean_resp, accepted, usable, conflict, log)
    resp_problems.add(not_used, "respondent_id", "this resubmission was not used: none of its initiatives could be accepted, so the earlier submission stays")

    resp_table = resp_problems.table()
    resp_table = resp_table[~resp_table["_index"].isin(clean_resp.index[superseded_resp])]
    rejected_resp = clean_resp.index.isin(resp_table["_index"]) & ~superseded_resp
    accepted_resp = clean_resp[~rejected_resp & ~superseded_resp]

    superseded_submissions = set(clean_resp.loc[superseded_resp, "_submission"])
    superseded_init = clean_init["_submission"].isin(superseded_submissions)
    init_table = init_table[~init_table["_index"].isin(clean_init.index[superseded_init])]
    rejected_init = clean_init.index.isin(init_table["_index"]) & ~superseded_init
    for frame, ids in ((clean_resp, raw_ids["respondents"]), (clean_init, raw_ids["initiatives"])):
        changed = (ids != frame["respondent_id"]) & (ids.str.strip() != "")
        for raw, normal in sorted(set(zip(ids[changed], frame.loc[changed, "respondent_id"]))):
            log.append(f"respondent id {quoted(raw)} read as {normal}")

    quarantine = pd.concat(
        [
            _quarantine(clean_resp[rejected_resp], "respondent", REJECTED, _reasons(resp_table, clean_resp.index[rejected_resp])),
            _quarantine(clean_resp[superseded_resp], "respondent", SUPERSEDED, pd.Series("replaced by a later submission of the same respondent", index=clean_resp.index[superseded_resp])),
            _quarantine(clean_init[rejected_init], "initiative", REJECTED, _reasons(init_table, clean_init.index[rejected_init])),
            _quarantine(clean_init[superseded_init].drop(columns=["uid"]), "initiative", SUPERSEDED, pd.Series("replaced by a later submission of the same respondent", index=clean_init.index[superseded_init])),
        ],
        ignore_index=True,
    )
    # a conflicting claim is reported to whoever sent that file, never in the report of the id's owner
    claimed = set(clean_resp.loc[conflict, "_submission"])
    resp_table.loc[resp_table["_index"].isin(clean_resp.index[clean_resp["_submission"].isin(claimed)]), "respondent_id"] = ""
    init_table.loc[init_table["_index"].isin(clean_init.index[clean_init["_submission"].isin(claimed)]), "respondent_id"] = ""
    problems = pd.concat([resp_table, init_table, _findings(usable_files)], ignore_index=True)[PROBLEM_COLUMNS]
    problems["value"] = _per_unique(problems["value"].astype(str), shown) if not problems.empty else problems["value"]

    if accepted_resp.empty and not structural:
        structural.append("no respondent at all: the survey folder holds no accepted response")

    file_rows = [
        {"file": f.file, "layout": f.layout, "encoding": f.encoding, "sha256": f.sha256, "respondents_read": len(f.respondents), "initiatives_read": len(f.initiatives), "structural_problems": len(f.problems), "notes": "; ".join(f.notes + [p.describe() for p in f.findings])}
        for f in files
    ]
    respondent_columns = [f.name for f in RESPONDENT_FIELDS] + ["file"]
    initiative_columns = ["uid", "respondent_id"] + [f.name for f in INITIATIVE_FIELDS] + ["file", "sheet", "row"]
    accepted_init = clean_init[~rejected_init & ~superseded_init].rename(columns={"_file": "file", "_sheet": "sheet", "_row": "row"})
    return IntakeResult(
        respondents=accepted_resp.rename(columns={"_file": "file"})[respondent_columns].sort_values("respondent_id", ignore_index=True),
        initiatives=accepted_init[initiative_columns].reset_index(drop=True),
        quarantine=quarantine,
        problems=problems.reset_index(drop=True),
        files=pd.DataFrame(file_rows, columns=["file", "layout", "encoding", "sha256", "respondents_read", "initiatives_read", "structural_problems", "notes"]),
        log=log,
        structural=structural,
    )
