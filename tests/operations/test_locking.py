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
        assert holder.poll() is not None  # got the lock only once the holder was done
    holder.wait()
    assert waited > 0.5
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
