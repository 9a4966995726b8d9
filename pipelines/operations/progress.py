"""What a command-line build shows while it runs, and how it ends when it fails.

:class:`Progress` listens to the run's Dagster events (an instance event listener): on a terminal it keeps
one live line (stage, step, elapsed time); otherwise (a pipe, a log, CI) it prints one plain line per
finished step, without control codes. :func:`write_failure_log` puts the full tracebacks of a failed
run into a log file, so that the terminal gets only what failed, where, and how to go on.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TextIO

CHECK_STAGE = "checks"


def stages_by_step(assets, checks) -> dict[str, tuple[str, str]]:
    """Step key -> (stage, name) shown to the user: the asset group and asset, or ``checks`` and the check."""
    stages: dict[str, tuple[str, str]] = {}
    for asset in assets:
        groups = set(asset.group_names_by_key.values())
        stages[asset.op.name] = (groups.pop() if len(groups) == 1 else "assets", asset.op.name)
    for check in checks:
        names = [key.name for key in check.check_keys]
        stages[check.op.name] = (CHECK_STAGE, ", ".join(names) or check.op.name)
    return stages


class Progress:
    """Shows a build's progress on ``stream``; call :meth:`on_event` with each event log entry.

    On a terminal, a background thread refreshes the live line every second (a PDF takes a while)."""

    def __init__(self, stream: TextIO, stages: dict[str, tuple[str, str]], live: bool | None = None, total: int | None = None):
        self.stream = stream
        self.total = total  # steps the run will take (fewer in an incremental build), if known
        self.stages = stages
        self.live = stream.isatty() if live is None else live
        self.started = time.monotonic()
        self.step_started: dict[str, float] = {}
        self.steps_done = 0
        self.check_outcome: dict[str, str] = {}
        self._line_shown = False
        self._current: tuple[str, str] | None = None  # (stage, name) of the step running now
        self._lock = threading.Lock()
        self._stop = threading.Event()
        if self.live:
            threading.Thread(target=self._tick, daemon=True).start()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            with self._lock:
                if self._current is not None:
                    self._live_line()

    def _live_line(self) -> None:
        import shutil

        stage, name = self._current
        done = f"{self.steps_done} of {self.total}" if self.total else str(self.steps_done)
        text = f"[{self.elapsed():6.1f}s] {stage}: {name} … ({done} steps done)"
        width = shutil.get_terminal_size((100, 24)).columns - 1  # a wrapped line could not be rewritten
        self.stream.write("\r\x1b[2K" + text[:width])
        self.stream.flush()
        self._line_shown = True

    def _permanent(self, text: str) -> None:
        if self.live and self._line_shown:
            self.stream.write("\r\x1b[2K")
            self._line_shown = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def say(self, text: str) -> None:
        """A permanent line (a waiting notice, a warning) that does not disturb the live line."""
        with self._lock:
            self._permanent(text)

    def clear(self) -> None:
        """Stop the live line (before the summary)."""
        self._stop.set()
        with self._lock:
            self._current = None
            if self.live and self._line_shown:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
                self._line_shown = False

    def on_event(self, entry) -> None:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            return
        step = event.step_key
        stage, name = self.stages.get(step, ("build", step))
        with self._lock:
            if event.event_type_value == "ASSET_CHECK_EVALUATION":
                data = event.event_specific_data
                self.check_outcome[step] = "passed" if data.passed else f"failed ({data.severity.value})"
            elif event.is_step_start:
                self.step_started[step] = time.monotonic()
                if self.live:
                    self._current = (stage, name)
                    self._live_line()
            elif event.is_step_success or event.is_step_failure:
                self.steps_done += 1
                took = time.monotonic() - self.step_started.get(step, time.monotonic())
                state = self.check_outcome.get(step, "done") if event.is_step_success else "FAILED"
                if not self.live or event.is_step_failure:
                    self._permanent(f"[{self.elapsed():6.1f}s] {stage:<11} {name} {state} ({took:.1f}s)")


def write_failure_log(path: Path, run_id: str, edition: str, instance) -> None:
    """The full story of a failed run: every error with its traceback and causes, then the event log."""
    import dagster as dg

    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"build of {edition}, Dagster run {run_id}", ""]
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        error = getattr(entry.dagster_event.event_specific_data, "error", None)
        lines += [f"== step {entry.step_key} failed", error.to_string() if error is not None else entry.message, ""]
    failure = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    for entry in failure:
        lines += [f"== run failed: {entry.message}", ""]
    lines.append("== event log")
    for entry in instance.all_logs(run_id):
        stamp = time.strftime("%H:%M:%S", time.gmtime(entry.timestamp))
        lines.append(f"{stamp} {entry.step_key or '-'} {entry.dagster_event.event_type_value if entry.dagster_event else 'log'}: {entry.message}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
