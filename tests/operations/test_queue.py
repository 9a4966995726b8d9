"""The run queue of the instance: at most one build per edition at a time.

Queued runs of the real build job are handed to Dagster's own queue daemon (one iteration, with a
launcher that records launches instead of starting processes), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import dagster as dg
import pytest
import yaml

from tests.conftest import ROOT

QUEUE = yaml.safe_load((ROOT / ".dagster" / "dagster.yaml").read_text())["run_queue"]


@pytest.fixture()
def queued_instance(storage_overrides, tmp_path):
    """An instance on the storage under test, with the project's queue and a recording launcher."""
    from tests.operations.conftest import make_instance

    overrides = storage_overrides | {"run_queue": QUEUE, "run_launcher": {"module": "dagster._core.test_utils", "class": "MockedRunLauncher"}}
    with make_instance(tmp_path, overrides) as inst:
        yield inst


def test_one_build_per_edition_runs_the_others_wait(queued_instance):
    from dagster._core.test_utils import create_run_for_test, create_test_daemon_workspace_context
    from dagster._core.workspace.load_target import ModuleTarget
    from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon

    target = ModuleTarget(module_name="pipelines.definitions", attribute=None, working_directory=str(ROOT), location_name="afml_progress_review")
    with create_test_daemon_workspace_context(target, queued_instance) as context:
        location = context.create_request_context().get_code_location("afml_progress_review")
        job = location.get_repository("__repository__").get_full_job("build_edition")
        runs = {}
        for name, edition, trigger in [("sensor", "afml-13", "survey-change"), ("manual", "afml-13", "manual"), ("other", "afml-15", "manual")]:
            run = create_run_for_test(
                queued_instance,
                job_name="build_edition",
                status=dg.DagsterRunStatus.QUEUED,
                tags={"afml/edition": edition, "afml/trigger": trigger},
                remote_job_origin=job.get_remote_origin(),
                job_code_origin=job.get_python_origin(),
            )
            runs[name] = run.run_id
        list(QueuedRunCoordinatorDaemon(interval_seconds=1).run_iteration(context))
        status = {name: queued_instance.get_run_by_id(run_id).status for name, run_id in runs.items()}
    assert status["sensor"] == dg.DagsterRunStatus.STARTING  # launched
    assert status["manual"] == dg.DagsterRunStatus.QUEUED  # same edition: waits in the queue
    assert status["other"] == dg.DagsterRunStatus.STARTING  # another edition is not held up


def test_a_command_line_build_waits_for_a_running_build_of_its_edition(instance):
    import os

    from pipelines.cli import builds_in_progress, wait_for_other_builds

    assert wait_for_other_builds(instance, "afml-13", timeout=0)
    run_id = os.urandom(16).hex()
    instance.add_run(dg.DagsterRun(job_name="build_edition", run_id=run_id, tags={"afml/edition": "afml-13"}, status=dg.DagsterRunStatus.STARTED))
    assert builds_in_progress(instance, "afml-13") == [run_id]
    assert builds_in_progress(instance, "afml-15") == []
    assert not wait_for_other_builds(instance, "afml-13", timeout=0.2, poll=0.05)
    instance.report_run_canceled(instance.get_run_by_id(run_id))
    assert wait_for_other_builds(instance, "afml-13", timeout=0)


def test_a_killed_command_line_build_does_not_block_the_next(instance):
    import os
    import socket
    import subprocess

    from pipelines.cli import builds_in_progress

    dead_pid = subprocess.Popen(["true"])  # a process that has ended
    dead_pid.wait()
    run_id = os.urandom(16).hex()
    tags = {"afml/edition": "afml-13", "afml/pid": str(dead_pid.pid), "afml/host": socket.gethostname()}
    instance.add_run(dg.DagsterRun(job_name="build_edition", run_id=run_id, tags=tags, status=dg.DagsterRunStatus.STARTED))
    assert builds_in_progress(instance, "afml-13") == []
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
