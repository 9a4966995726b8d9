"""Rebuild an edition when its survey folder changes.

One sensor per edition watches ``sources/editions/<edition>/survey/``. Its cursor is a small JSON map
of file name -> SHA-256 of the content. A new file, a changed file or a deleted file starts exactly
one build; an unchanged file never starts another. Editor lock files, partial downloads and files
modified less than ``settle_seconds`` ago (still being written or copied) are ignored until they settle.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import dagster as dg

from pipelines.settings import ProjectPaths
from pipelines.sourcefiles import sha256_file
from pipelines.survey.readers import survey_files

SETTLE_SECONDS = 10.0
TRIGGER_TAG = "afml/trigger"
EDITION_TAG = "afml/edition"


def scan(folder: Path, known: dict[str, str], settle_seconds: float, now: float | None = None) -> tuple[dict[str, str], list[str], list[str]]:
    """Compare a survey folder with the known state.

    Returns ``(new_state, changes, unsettled)``: the state to remember, what changed (``+name``,
    ``~name``, ``-name``) and the files not yet settled (still being written; looked at again later).
    """
    now = time.time() if now is None else now
    state: dict[str, str] = {}
    changes: list[str] = []
    unsettled: list[str] = []
    present = set()
    for path in survey_files(folder):
        present.add(path.name)
        if now - path.stat().st_mtime < settle_seconds:
            unsettled.append(path.name)
            if path.name in known:
                state[path.name] = known[path.name]  # keep the last settled version until this one settles
            continue
        digest = sha256_file(path)
        state[path.name] = digest
        if path.name not in known:
            changes.append(f"+{path.name}")
        elif known[path.name] != digest:
            changes.append(f"~{path.name}")
    for name in sorted(set(known) - present):
        changes.append(f"-{name}")
    return state, changes, unsettled


def _state_key(state: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]


def survey_sensor(edition_id: str, job_name: str, settle_seconds: float = SETTLE_SECONDS) -> dg.SensorDefinition:
    """The sensor of one edition's survey folder."""

    @dg.sensor(
        name=f"survey_files_{edition_id.replace('-', '_')}",
        job_name=job_name,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Rebuilds {edition_id} once when a file of its survey folder is added, changed or deleted.",
    )
    def _sensor(context: dg.SensorEvaluationContext, paths: ProjectPaths):
        folder = paths.survey_dir(edition_id)
        if not context.cursor:
            # First evaluation: what is already there is the baseline (make report built it);
            # from now on, changes start builds. The weekly schedule covers anything missed.
            state, _, unsettled = scan(folder, {}, settle_seconds)
            context.update_cursor(json.dumps({"files": state, "generation": 0}, sort_keys=True))
            return dg.SkipReason(f"baseline recorded: {len(state)} survey file(s)")
        cursor = json.loads(context.cursor)
        state, changes, unsettled = scan(folder, cursor["files"], settle_seconds)
        if unsettled:
            context.log.info(f"waiting for files still being written: {', '.join(unsettled)}")
        if not changes:
            context.update_cursor(json.dumps({"files": state, "generation": cursor["generation"]}, sort_keys=True))
            return dg.SkipReason("no settled change in the survey folder" + (f" ({len(unsettled)} file(s) still being written)" if unsettled else ""))
        generation = cursor["generation"] + 1
        context.update_cursor(json.dumps({"files": state, "generation": generation}, sort_keys=True))
        return dg.RunRequest(
            run_key=f"{edition_id}:{generation}:{_state_key(state)}",
            partition_key=edition_id,
            tags={EDITION_TAG: edition_id, TRIGGER_TAG: "survey-change"},
        )

    return _sensor


def rebuild_schedule(edition_id: str, job_name: str, cron: str = "0 6 * * 1") -> dg.ScheduleDefinition:
    """A scheduled rebuild of an edition (weekly by default; ``rebuild_schedule`` in editions.yaml changes it)."""

    @dg.schedule(
        name=f"rebuild_{edition_id.replace('-', '_')}",
        job_name=job_name,
        cron_schedule=cron,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Rebuilds {edition_id} on a schedule ({cron}, UTC), whatever changed.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext):
        return dg.RunRequest(partition_key=edition_id, tags={EDITION_TAG: edition_id, TRIGGER_TAG: "schedule"})

    return _schedule


@dg.sensor(name="editions_sync", minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING, description="Registers every edition of sources/editions.yaml as a partition.")
def editions_sync(context: dg.SensorEvaluationContext, paths: ProjectPaths):
    from pipelines.partitions import sync_edition_partitions

    added = sync_edition_partitions(context.instance, paths)
    return dg.SkipReason(f"registered editions: {', '.join(added)}" if added else "editions up to date")
