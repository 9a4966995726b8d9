"""The build lock of an edition: one holder at a time across processes, re-entrant in one process,
released when its holder dies; and pruning never deletes a build another process is still writing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from pipelines.shared.locking import LOCK_NAME, edition_lock, is_running
from pipelines.operations.publishing import COMPLETE_MARKER, build_dir_for_run, prune
from tests.conftest import ROOT

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from pipelines.shared.locking import edition_lock
    from pipelines.operations.publishing import build_dir_for_run
    with edition_lock(Path(sys.argv[1])):
        build_dir_for_run(Path(sys.argv[1]), "holder00aaaa")
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def hold_lock(edition_dir, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(edition_dir), str(seconds)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_holder_waits_and_says_so(tmp_path):
    holder = hold_lock(tmp_path, 1.5)
    said = []
    started = time.monotonic()
    with edition_lock(tmp_path, announce=said.append):
        waited = time.monotonic() - started
    holder.wait()
    assert waited > 1.0  # got the lock only once the holder (1.5 s) was done with it
    assert len(said) == 1 and said[0].startswith(f"waiting for the other build of {tmp_path.name} to finish (process {holder.pid} ")


def test_waiting_has_a_timeout(tmp_path):
    holder = hold_lock(tmp_path, 5)
    try:
        with pytest.raises(TimeoutError, match=LOCK_NAME):
            with edition_lock(tmp_path, timeout=0.3):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_of_a_killed_holder_is_free(tmp_path):
    holder = hold_lock(tmp_path, 60)
    holder.kill()
    holder.wait()
    said = []
    with edition_lock(tmp_path, announce=said.append, timeout=2):
        pass
    assert said == []


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    with edition_lock(tmp_path):
        with edition_lock(tmp_path, timeout=0.1):  # the publishing step of a command-line build
            pass
        assert (tmp_path / LOCK_NAME).read_text().startswith("process ")


def test_pruning_keeps_a_build_another_process_is_writing(tmp_path):
    holder = hold_lock(tmp_path, 60)  # its build folder is marked running
    try:
        running = next(p for p in (tmp_path / "builds").iterdir() if p.is_dir())
        assert is_running(running)
        time.sleep(1.1)  # a newer complete build, so the running one is older than every kept build
        done = build_dir_for_run(tmp_path, "newerbbbbbbb")
        (done / COMPLETE_MARKER).write_text("{}")
        prune(tmp_path, keep=1)
        assert running.exists()
    finally:
        holder.kill()
        holder.wait()
    assert not is_running(running)  # its process is gone: an abandoned build, pruned next time
    prune(tmp_path, keep=1)
    assert not running.exists() and done.exists()


def test_the_publishing_step_of_any_run_waits_for_the_lock(tmp_path):
    """A run started from the UI or a sensor holds no lock while it builds, but publishes only under it."""
    import uuid

    import dagster as dg

    from pipelines.operations.assets import REQUIRED_ARTEFACTS, published_report
    from pipelines.partitions import sync_edition_partitions
    from pipelines.settings import ProjectPaths
    from tests.conftest import SOURCES

    paths = ProjectPaths(sources_dir=str(SOURCES), outputs_dir=str(tmp_path / "outputs"))
    edition = paths.edition_outputs("afml-13")
    run_id = str(uuid.uuid4())
    build = build_dir_for_run(edition, run_id)  # as the earlier steps of the run leave it
    for name in REQUIRED_ARTEFACTS:
        (build / name).mkdir() if "." not in name else (build / name).write_text(name)
    job = dg.Definitions(assets=[published_report], resources={"paths": paths}).resolve_implicit_global_asset_job_def()
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        sync_edition_partitions(instance, paths)
        holder = hold_lock(edition, 3)
        started = time.monotonic()
        result = job.execute_in_process(instance=instance, partition_key="afml-13", run_id=run_id)
        waited = time.monotonic() - started
        messages = [e.user_message for e in instance.all_logs(run_id) if e.level >= 30]
    holder.wait()
    assert result.success and waited > 1
    assert any(m.startswith("waiting for the other build of afml-13 to finish (process ") for m in messages), messages
    assert (edition / "latest").resolve() == build.resolve()
