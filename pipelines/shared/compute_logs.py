"""Dagster's local compute logs (a run's stdout and stderr, kept for the UI), mirrored to the terminal by
a thread of the run's own process instead of two ``tail`` processes and two Python watchers.

Dagster's :class:`LocalComputeLogManager` sends a run's standard output and error to files under the
instance's ``storage/`` folder and, so that they still reach the terminal, starts ``tail -F`` on each
file and a Python process that stops ``tail`` if the run's process dies: four processes per run, about
12 MB of memory beside a build (``benchmarks/README.md``, "Eighth pass") and two Python start-ups on
the machine's cores while it builds. ``tail`` also looks for new lines only once a second and is
stopped as soon as the run ends, so the last lines of a run could be missing from the terminal.

:class:`MirroredComputeLogManager` is that manager with the same files in the same places: the run's
output still goes to the file first (what the UI shows is complete even if the process is killed), and
a thread copies what is appended to the terminal every :data:`POLL_SECONDS`, and everything left when
the capture ends. The thread ends with the process, so nothing needs watching.

Configured in the instance's ``dagster.yaml`` (``.dagster/``, ``.dagster-pg/`` and the scratch instances
the command line writes)::

    compute_logs:
      module: pipelines.shared.compute_logs
      class: MirroredComputeLogManager
      config:
        dagster_home: {env: DAGSTER_HOME}
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Generator, Iterator
from typing import IO

from dagster import Field, Float, StringSource
from dagster._core.instance.ref import compute_logs_directory  # where Dagster's default manager keeps them
from dagster._core.storage.compute_log_manager import CapturedLogContext, ComputeIOType
from dagster._core.storage.local_compute_log_manager import IO_TYPE_EXTENSION, LocalComputeLogManager
from dagster._utils import touch_file

POLL_SECONDS = 0.05  # how often the mirror looks for new output


class MirroredComputeLogManager(LocalComputeLogManager):
    """Dagster's local compute log manager (same files, same places: ``<home>/storage/``), with the
    output mirrored to the terminal by a thread (see the module's docstring)."""

    def __init__(self, dagster_home: str, polling_timeout: float | None = None, inst_data=None):
        super().__init__(compute_logs_directory(dagster_home), polling_timeout=polling_timeout, inst_data=inst_data)

    @classmethod
    def config_type(cls):
        return {"dagster_home": StringSource, "polling_timeout": Field(Float, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> MirroredComputeLogManager:
        return cls(inst_data=inst_data, **config_value)

    @contextlib.contextmanager
    def capture_logs(self, log_key) -> Generator[CapturedLogContext, None, None]:
        out = self.get_captured_local_path(log_key, IO_TYPE_EXTENSION[ComputeIOType.STDOUT])
        err = self.get_captured_local_path(log_key, IO_TYPE_EXTENSION[ComputeIOType.STDERR])
        with mirrored(sys.stdout, out), mirrored(sys.stderr, err):
            yield CapturedLogContext(log_key)
        touch_file(self.complete_artifact_path(log_key))  # as Dagster's: the capture is complete


@contextlib.contextmanager
def mirrored(stream: IO, path: str) -> Iterator[None]:
    """While the block runs, what is written to ``stream``'s file descriptor (Python's writes and a C
    library's alike) is appended to the file at ``path`` and copied from there to where ``stream``
    went before. A stream without a descriptor (a test's captured output) is left as it is, as
    Dagster does."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    stream.flush()
    before = os.dup(descriptor)
    with open(path, "ab") as log:
        start = log.tell()
        os.dup2(log.fileno(), descriptor)
        done = threading.Event()
        copier = threading.Thread(target=_copy_appended, args=(path, start, before, done), name=f"mirror of {os.path.basename(path)}", daemon=True)
        copier.start()
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                stream.flush()
            os.dup2(before, descriptor)
            done.set()
            copier.join()
            os.close(before)


def _copy_appended(path: str, start: int, target: int, done: threading.Event) -> None:
    """Copy what is appended to ``path`` after ``start`` to the descriptor ``target`` until ``done``
    is set, then what is left."""
    with open(path, "rb") as appended:
        appended.seek(start)
        while True:
            finished = done.is_set()  # read once more after it is set: nothing written before is left out
            _write_all(target, appended.read())
            if finished:
                return
            done.wait(POLL_SECONDS)


def _write_all(target: int, chunk: bytes) -> None:
    while chunk:
        try:
            written = os.write(target, chunk)
        except OSError:  # the terminal went away: the file still has it all
            return
        chunk = chunk[written:]
