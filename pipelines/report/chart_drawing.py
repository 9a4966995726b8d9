"""Charts drawn by a process of their own while a build assembles the paper, so that the build's
process never loads matplotlib.

matplotlib and the charts it draws stay in the memory of the process that drew them: about 31 MB of
a build's process, kept through the PDF render that runs beside it, in every build whose charts are
not in the content cache yet (the first build, and each one after the survey data changed; measured in
``benchmarks/README.md``, "Eighth pass"). Inside :func:`drawn_apart`, a chart that must be drawn is
handed to a drawing process, started at the first such chart (about 0.25 s more than loading
matplotlib here) and ended with the block, its memory with it. Charts already drawn start no process.

The drawing process runs the same function on the same arguments with the same code (:mod:`pipelines.
report.charts`), so the SVG is byte for byte the one drawn here (``tests/report/test_chart_drawing.py``).
Outside the block (the live preview, tests), charts are drawn in the calling process as before.

    python -m pipelines.report.chart_drawing   (what a build starts; not for people)
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import BinaryIO

from pipelines.shared.child_processes import environment_for_child

_HEADER = struct.Struct(">Q")  # the length of the pickled message that follows


class ChartDrawingFailed(RuntimeError):
    """The drawing process could not draw a chart (its error is in the message) or ended."""


class DrawingProcess:
    """The process that draws one block's charts, started when the first is asked for."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None

    def draw(self, name: str, args: tuple, kwargs: dict) -> str:
        """The SVG of the chart function ``name`` of :mod:`pipelines.report.charts` on these arguments."""
        if self._process is None:
            self._process = subprocess.Popen([sys.executable, "-m", "pipelines.report.chart_drawing"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment_for_child())
        try:
            _send(self._process.stdin, (name, args, kwargs))
            outcome, value = _receive(self._process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError):
            self.close()
            raise ChartDrawingFailed(f"the process drawing the charts ended while drawing a chart ({name}); its error is above") from None
        if outcome != "drawn":
            raise ChartDrawingFailed(f"a chart ({name}) could not be drawn:\n{value}")
        return value

    def close(self) -> None:
        """End the process (it ends when its input closes)."""
        if self._process is not None:
            process, self._process = self._process, None
            with contextlib.suppress(OSError):
                process.stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()


_ACTIVE: list[DrawingProcess] = []  # the drawing process of each open drawn_apart() block, innermost last


@contextlib.contextmanager
def drawn_apart() -> Iterator[None]:
    """While the block runs, charts not drawn yet are drawn by a process of their own (see the
    module's docstring), which ends with the block."""
    drawer = DrawingProcess()
    _ACTIVE.append(drawer)
    try:
        yield
    finally:
        _ACTIVE.remove(drawer)
        drawer.close()


def drawn(function: Callable[..., str], args: tuple, kwargs: dict) -> str:
    """The SVG ``function`` (a chart of :mod:`pipelines.report.charts`, undecorated) draws from these
    arguments: by the drawing process of the enclosing :func:`drawn_apart` block, or here."""
    if not _ACTIVE:
        return function(*args, **kwargs)
    return _ACTIVE[-1].draw(function.__name__, args, kwargs)


def _send(stream: BinaryIO, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO):
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (length,) = _HEADER.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 -- from the pipeline's own process, over its own pipe


def serve() -> None:
    """The drawing process: draw each chart asked for on standard input and answer on standard
    output, until the input closes. Anything printed meanwhile goes to standard error."""
    import traceback

    from pipelines.report import charts

    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a library's print cannot garble the answers
    questions = sys.stdin.buffer
    while True:
        try:
            name, args, kwargs = _receive(questions)
        except EOFError:
            return
        try:
            answer = ("drawn", getattr(charts, name).__wrapped__(*args, **kwargs))
        except Exception:  # noqa: BLE001 -- sent back, raised by the build with the chart's name
            answer = ("failed", traceback.format_exc())
        _send(answers, answer)


if __name__ == "__main__":
    serve()
