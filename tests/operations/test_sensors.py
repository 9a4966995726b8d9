"""The survey sensor driven through real file events, recording the runs it requests in a real instance."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.sensors import EDITION_TAG, survey_sensor
from pipelines.settings import ProjectPaths


class Harness:
    """Ticks the sensor like the daemon does: cursor carried over, a run recorded per new run key."""

    def __init__(self, instance, sources: Path):
        self.instance = instance
        self.paths = ProjectPaths(sources_dir=str(sources))
        self.folder = sources / "editions" / "afml-13" / "survey"
        self.folder.mkdir(parents=True, exist_ok=True)
        from tests.conftest import SOURCES

        (sources / "editions.yaml").write_bytes((SOURCES / "editions.yaml").read_bytes())  # the sensor asks it for the survey folder
        self.sensor = survey_sensor("afml-13", "build_edition", settle_seconds=5)
        self.cursor = None

    def tick(self) -> int:
        """Evaluate once; returns how many runs this tick started."""
        context = dg.build_sensor_context(instance=self.instance, cursor=self.cursor, resources={"paths": self.paths})
        result = self.sensor(context)
        self.cursor = context.cursor
        requests = [result] if isinstance(result, dg.RunRequest) else []
        started = 0
        for request in requests:
            assert request.partition_key == "afml-13" and request.tags[EDITION_TAG] == "afml-13"
            existing = self.instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": request.run_key}))
            if existing:
                continue  # the daemon deduplicates on the run key
            self.instance.add_run(dg.DagsterRun(job_name="build_edition", run_id=os.urandom(16).hex(), tags={**request.tags, "dagster/run_key": request.run_key, "dagster/partition": request.partition_key}, status=dg.DagsterRunStatus.NOT_STARTED))
            started += 1
        return started

    def runs(self) -> int:
        return len(self.instance.get_runs(filters=dg.RunsFilter(tags={EDITION_TAG: "afml-13"})))

    def write(self, name: str, data: bytes, settled: bool = True) -> Path:
        path = self.folder / name
        path.write_bytes(data)
        if settled:
            past = time.time() - 60
            os.utime(path, (past, past))
        return path


def test_each_file_event_starts_the_exact_number_of_runs(instance, tmp_path):
    h = Harness(instance, tmp_path / "sources")
    h.write("existing.csv", b"initiative_id,title\n1,there before the sensor\n")
    assert h.tick() == 0  # first evaluation: the files already there are the baseline
    assert h.tick() == 0

    h.write("a.csv", b"initiative_id,title\n1,x\n")
    assert h.tick() == 1  # new file
    assert h.tick() == 0  # same file again

    h.write("a.csv", b"initiative_id,title\n1,changed\n")
    assert h.tick() == 1  # changed content under the same name

    h.write("a.csv", b"initiative_id,title\n1,changed\n")
    assert h.tick() == 0  # rewritten with identical content

    partial = h.write("b.xlsx", b"half a workb", settled=False)
    assert h.tick() == 0  # still being written
    partial.write_bytes(b"half a workbook, now complete")
    assert h.tick() == 0  # still growing
    past = time.time() - 60
    os.utime(partial, (past, past))
    assert h.tick() == 1  # settled: one run

    h.write("~$b.xlsx", b"lock")
    h.write("c.csv.part", b"download")
    h.write(".hidden.csv", b"x")
    assert h.tick() == 0  # editor lock file, partial download, hidden file

    (h.folder / "a.csv").unlink()
    assert h.tick() == 1  # deletion
    (h.folder / "existing.csv").unlink()
    assert h.tick() == 1  # deletion of a baseline file
    assert h.tick() == 0

    h.write("a.csv", b"initiative_id,title\n1,changed\n")
    assert h.tick() == 1  # back to an earlier state is still a change: the report must follow
    assert h.runs() == 6


def test_the_sensor_is_on_by_default_and_keyed_on_content(tmp_path):
    sensor = survey_sensor("afml-13", "build_edition")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_definitions_have_a_sensor_and_a_schedule_per_edition():
    from pipelines.definitions import defs

    repo = defs().get_repository_def()
    assert {s.name for s in repo.sensor_defs} >= {"survey_files_afml_13", "editions_sync"}
    schedule = repo.get_schedule_def("rebuild_afml_13")
    assert schedule.cron_schedule == "0 6 * * 1" and schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_the_instance_queues_builds_one_per_edition():
    """The checked-in instance config limits concurrent runs to one per afml/edition tag."""
    import yaml

    from tests.conftest import ROOT

    config = yaml.safe_load((ROOT / ".dagster" / "dagster.yaml").read_text())
    limits = config["run_queue"]["tag_concurrency_limits"]
    assert {"key": EDITION_TAG, "value": {"applyLimitPerUniqueValue": True}, "limit": 1} in limits
    with dg.instance_for_test(overrides={"run_queue": config["run_queue"]}) as inst:
        coordinator = inst.run_coordinator
        assert type(coordinator).__name__ == "QueuedRunCoordinator"
        assert coordinator.get_run_queue_config().tag_concurrency_limits == limits
