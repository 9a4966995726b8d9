"""A run's stdout and stderr kept in Dagster's compute log files and mirrored to the terminal by a
thread (pipelines/shared/compute_logs.py): every line in both places, the last ones too, and no
process started for it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

from pipelines.cli import scratch_instance
from pipelines.shared.compute_logs import MirroredComputeLogManager

ROOT = Path(__file__).resolve().parents[2]

RUN = textwrap.dedent(
    """
    import os, subprocess, sys
    from pipelines.shared.compute_logs import MirroredComputeLogManager

    def no_process(*args, **kwargs):
        raise AssertionError("a process was started to mirror the logs")

    subprocess.Popen = no_process
    manager = MirroredComputeLogManager(sys.argv[1])
    print("before the run", flush=True)
    with manager.capture_logs(["run", "step"]):
        print("a line from Python")
        sys.stdout.flush()
        os.write(1, b"a line written to the descriptor, as a C library would\\n")
        print("an error line", file=sys.stderr)
        for number in range(2000):
            print(f"line {number} of many")
        print("the very last line")
    print("after the run", flush=True)
    """
)


def test_every_line_reaches_the_file_and_the_terminal_in_order_without_a_process(tmp_path):
    finished = subprocess.run([sys.executable, "-c", RUN, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    manager = MirroredComputeLogManager(str(tmp_path))
    kept = Path(manager.get_captured_local_path(["run", "step"], "out")).read_text()
    captured = kept.splitlines()
    assert captured[0] == "a line from Python" and captured[1].startswith("a line written to the descriptor")
    assert captured[-1] == "the very last line" and len(captured) == 2003
    assert finished.stdout.splitlines() == ["before the run", *captured, "after the run"]
    assert Path(manager.get_captured_local_path(["run", "step"], "err")).read_text() == "an error line\n"
    assert "an error line" in finished.stderr
    assert manager.is_capture_complete(["run", "step"])
    assert str(tmp_path / "storage") in manager.get_captured_local_path(["run", "step"], "out")  # Dagster's default place


def test_every_instance_of_the_project_mirrors_its_compute_logs_with_a_thread(tmp_path):
    for home in (".dagster", ".dagster-pg"):
        config = yaml.safe_load((ROOT / home / "dagster.yaml").read_text(encoding="utf-8"))["compute_logs"]
        assert (config["module"], config["class"]) == ("pipelines.shared.compute_logs", "MirroredComputeLogManager")
        assert config["config"] == {"dagster_home": {"env": "DAGSTER_HOME"}}  # no path of one machine
    instance = scratch_instance(tmp_path)
    assert isinstance(instance.compute_log_manager, MirroredComputeLogManager)
    assert instance.compute_log_manager.get_captured_local_path(["r", "s"], "out").startswith(str((tmp_path / ".dagster" / "storage").resolve()))
