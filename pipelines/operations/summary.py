"""The summary of a build, read from what the run recorded (materialization metadata and check
evaluations in the Dagster event log), never recomputed: files read, rows accepted and quarantined,
unknown columns, WARN checks that failed, and where the outputs are.

The command line prints it at the end of a build; the publishing step and the notification sensor
record it on the run as tags (the project's tag prefix plus ``quarantined=3``, visible in the run list) and as metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.settings import REUSED_FROM_TAG, TAG_PREFIX

INTAKE_ASSET = "survey_intake"
PUBLISH_ASSET = "published_report"


@dataclass
class FailedCheck:
    asset: str
    check: str
    severity: str  # "WARN" or "ERROR"
    detail: str  # the check's counts, e.g. "disagreements: 4"

    def describe(self) -> str:
        return f"{self.check} ({self.asset})" + (f": {self.detail}" if self.detail else "")


@dataclass
class BuildSummary:
    edition: str
    files_read: int | None = None
    records_read: int | None = None
    respondents_accepted: int | None = None
    initiatives_accepted: int | None = None
    quarantined: int | None = None
    superseded: int | None = None
    unknown_columns: int | None = None
    failed_checks: list[FailedCheck] = field(default_factory=list)
    published: str | None = None

    @property
    def failed_warnings(self) -> list[FailedCheck]:
        return [c for c in self.failed_checks if c.severity == "WARN"]

    @property
    def has_warnings(self) -> bool:
        """Rows were quarantined or a WARN check failed: what ``--strict`` refuses to publish."""
        return bool(self.quarantined) or bool(self.failed_warnings)

    def strict_reasons(self) -> list[str]:
        reasons = [f"{self.quarantined} survey row(s) quarantined"] if self.quarantined else []
        return reasons + [f"check {c.describe()}" for c in self.failed_warnings]

    def tags(self) -> dict[str, str]:
        """Run tags (strings), shown in the Dagster run list."""
        values = {
            "files": self.files_read,
            "accepted": None if self.respondents_accepted is None else (self.respondents_accepted or 0) + (self.initiatives_accepted or 0),
            "quarantined": self.quarantined,
            "unknown_columns": self.unknown_columns,
            "warnings": len(self.failed_warnings),
        }
        return {f"{TAG_PREFIX}{k}": str(v) for k, v in values.items() if v is not None}

    def lines(self) -> list[str]:
        """The summary as a person reads it at the end of a build."""

        def n(value: int | None) -> str:
            return "?" if value is None else f"{value:,}"

        lines = [
            f"survey files read: {n(self.files_read)}; records read: {n(self.records_read)}",
            f"accepted: {n(self.respondents_accepted)} respondents, {n(self.initiatives_accepted)} initiatives; quarantined: {n(self.quarantined)} rows"
            + (f"; superseded by a later submission: {n(self.superseded)}" if self.superseded else ""),
        ]
        if self.unknown_columns:
            lines.append(f"unknown columns ignored: {n(self.unknown_columns)} (see the intake log under validation/)")
        warnings = self.failed_warnings
        lines.append("warning checks: all passed" if not warnings else f"warning checks failed: {len(warnings)}")
        lines += [f"  - {c.describe()}" for c in warnings]
        return lines

    def markdown(self) -> str:
        from pipelines.metadata import escape_markdown

        return "\n".join(f"- {escape_markdown(line.strip(' -'))}" for line in self.lines())


def _int(metadata: dict, key: str) -> int | None:
    value = metadata.get(key)
    value = getattr(value, "value", value)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _detail(metadata: dict) -> str:
    counts = {k: _int(metadata, k) for k in metadata}
    return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items() if v)


MAX_REUSE_CHAIN = 1000  # a guard against a cycle of tags set by hand


def _recorded(instance, run_id: str) -> tuple[dict, dict]:
    """What one run recorded: the metadata of each asset it materialised, and each check it evaluated."""
    import dagster as dg

    materialized, checks = {}, {}
    kinds = {dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION}
    for entry in instance.all_logs(run_id, of_type=kinds):
        data = entry.dagster_event.event_specific_data
        materialization = getattr(data, "materialization", None)
        if materialization is not None:
            materialized[materialization.asset_key.to_user_string()] = dict(materialization.metadata)
        elif hasattr(data, "check_name"):
            checks[(data.asset_key.to_user_string(), data.check_name)] = data
    return materialized, checks


def recorded_with_reused(instance, run_id: str) -> tuple[dict, dict]:
    """What a run recorded, completed, for the assets it did not select (and their checks), by what the
    run it reused them from recorded (the ``REUSED_FROM_TAG`` of each run, followed back to a full build;
    :func:`pipelines.operations.incremental.reused_run` keeps that chain short)."""
    materialized, checks = {}, {}
    claimed: set[str] = set()  # assets selected by a later run of the chain: theirs, even if they failed
    seen = set()
    while run_id and run_id not in seen and len(seen) < MAX_REUSE_CHAIN:
        seen.add(run_id)
        run = instance.get_run_by_id(run_id)
        own_assets, own_checks = _recorded(instance, run_id)
        materialized = {key: value for key, value in own_assets.items() if key not in claimed} | materialized
        checks = {key: value for key, value in own_checks.items() if key[0] not in claimed} | checks
        if run is None or run.asset_selection is None:  # a full build: nothing more to look for
            break
        claimed |= {key.to_user_string() for key in run.asset_selection}
        run_id = run.tags.get(REUSED_FROM_TAG)
    return materialized, checks


def summarize_run(instance, run_id: str, edition: str) -> BuildSummary:
    """Read the summary of a run (finished or still running) from the instance's event log; for an
    incremental build, what it reused counts as if it had run again (so the summary equals a full build's)."""
    summary = BuildSummary(edition)
    materialized, checks = recorded_with_reused(instance, run_id)
    intake = materialized.get(INTAKE_ASSET)
    if intake is not None:
        summary.files_read = _int(intake, "files_read")
        summary.records_read = _int(intake, "records_read")
        summary.respondents_accepted = _int(intake, "respondents_accepted")
        summary.initiatives_accepted = _int(intake, "initiatives_accepted")
        summary.quarantined = _int(intake, "rows_rejected")
        summary.superseded = _int(intake, "rows_superseded")
        summary.unknown_columns = _int(intake, "unknown_columns")
    published = materialized.get(PUBLISH_ASSET, {})
    if "published" in published:
        summary.published = str(published["published"].value)
    for _, data in sorted(checks.items()):  # one order, whichever run evaluated them
        if not data.passed:
            summary.failed_checks.append(FailedCheck(data.asset_key.to_user_string(), data.check_name, data.severity.value, getattr(data, "description", None) or _detail(dict(data.metadata))))
    return summary


def root_errors(instance, run_id: str) -> list[tuple[str, str]]:
    """(step, message) of every failed step, with the user's own error under Dagster's wrappers."""
    import dagster as dg

    found = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        error = getattr(entry.dagster_event.event_specific_data, "error", None)
        while error is not None and error.cause is not None:
            error = error.cause
        message = error.message.strip() if error is not None else (entry.message or "")
        # "SomeError: text" -> "text": the class name of a Python exception tells an author nothing
        head, sep, rest = message.partition(": ")
        if sep and re.fullmatch(r"[\w.]+", head) and head.rsplit(".", 1)[-1][:1].isupper():
            message = rest
        found.append((entry.step_key or "", message))
    return found
