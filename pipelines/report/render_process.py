"""The PDF render in a process of its own, with a memory and a time limit.

Laying out the paper holds a few hundred megabytes of boxes and styles (measured in
``benchmarks/README.md``). Rendered inside the build's process, that memory comes on top of
Dagster, pandas and the build's data, and Python keeps most of it after the render. In a process of
its own, started fresh (only WeasyPrint, pikepdf and the report's rendering modules are imported,
never the pipeline's data), it is returned to the system as soon as the PDF is written, and a
document that would need more than :data:`MEMORY_LIMIT_MB` or :data:`TIME_LIMIT_S` fails with a
message saying which limit and how to raise it, instead of taking the machine down with it.

The process runs :func:`pipelines.report.pdf_assembly.write_pdf`: it lays the paper out part by part,
:data:`PROCESSES` parts at a time, each in a process it forks (the memory limit holds for each), and
joins them. The PDF is byte for byte the one an in-process call writes
(``tests/report/test_render_process.py``).

A build starts the process when its run starts (:class:`RenderWorker`, held by the run's
``renderer`` resource, :mod:`pipelines.report.renderer`): it loads WeasyPrint on the machine's other
core while the build computes the paper, then waits for its one job, so the build no longer waits
for that start-up (about 0.5 s) when the paper is ready. The job can be handed over as soon as the
paged HTML exists (:func:`start_render`) and its result collected later (:meth:`PendingRender.result`):
the build's remaining steps run while the PDF is laid out.

    python -m pipelines.report.render_process --serve <memory limit, MB>   (what the build runs; not for people)
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipelines.shared.child_processes import environment_for_child

MEMORY_LIMIT_MB = int(os.environ.get("AFML_RENDER_MEMORY_MB", "4096"))
# Parts of the paper laid out at a time, each in a process of its own (pipelines/report/pdf_assembly.py).
PROCESSES = int(os.environ.get("AFML_RENDER_PROCESSES", "0")) or min(2, os.cpu_count() or 1)
TIME_LIMIT_S = int(os.environ.get("AFML_RENDER_TIME_LIMIT_S", "1800"))


class RenderFailed(RuntimeError):
    """The render process ended without a PDF."""


_AHEAD: list[RenderWorker] = []  # the worker started ahead of this process's run, not taken yet


class RenderWorker:
    """A render process started ahead of its job: under the memory limit, it imports WeasyPrint, then
    reads the path of one job file from its standard input and lays the document out; then it reads
    the files to attach (a JSON list, the next line) and writes the PDF. Given no job (its input
    closed: :meth:`close`, or the build's process gone), it exits."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.report.render_process", "--serve", str(MEMORY_LIMIT_MB)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment_for_child(),
        )

    @classmethod
    def start_ahead(cls) -> None:
        """Start a worker now for the run this process is about to start, which :meth:`taken` then
        gives its renderer: it loads WeasyPrint meanwhile. A worker never taken exits with this
        process (its input closes)."""
        if not _AHEAD:
            _AHEAD.append(cls())

    @classmethod
    def taken(cls) -> RenderWorker:
        """The worker :meth:`start_ahead` started, if it is still there, else a new one."""
        return _AHEAD.pop() if _AHEAD else cls()

    def give(self, job_file: Path) -> None:
        """Hand the worker its job; it starts laying out at once, and this returns at once."""
        self._send(str(job_file))

    def attach(self, attachments: list[Path]) -> None:
        """Hand the worker the files to attach, which it waits for once the layout is done (they may
        be written while it lays out)."""
        self._send(json.dumps([str(path) for path in attachments]))

    def _send(self, line: str) -> None:
        try:
            self._process.stdin.write(line + "\n")
            self._process.stdin.flush()  # its input is closed when it is waited for
        except BrokenPipeError:  # it ended already (a limit reached while loading): wait() says why
            pass

    def wait(self, timeout: float) -> subprocess.CompletedProcess:
        """Wait for the worker given its job to end (:class:`subprocess.TimeoutExpired` after
        ``timeout`` seconds, the process stopped)."""
        try:
            out, err = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._stop()
            raise
        return subprocess.CompletedProcess(self._process.args, self._process.returncode, out, err)

    @property
    def pid(self) -> int:
        return self._process.pid

    def close(self) -> None:
        """Stop a worker that was given no job (or make sure the one that was has ended)."""
        if self._process.poll() is None:
            try:
                self._process.communicate(timeout=10)  # closes its input: it exits
            except subprocess.TimeoutExpired:
                self._stop()

    def cancel(self) -> None:
        """Stop the worker now, job or not (a run that ends without collecting its render)."""
        self._stop()

    def _stop(self) -> None:
        self._process.kill()
        self._process.communicate()


class PendingRender:
    """A render handed to its process (:func:`start_render`): :meth:`result` waits for it."""

    def __init__(self, worker: RenderWorker, folder: tempfile.TemporaryDirectory, job: dict):
        self._worker = worker
        self._folder = folder
        self.job = job  # what is rendered, where to (the paged HTML as a file of the job's folder)
        self._deadline = time.monotonic() + TIME_LIMIT_S

    def result(self, attachments: list[Path] | None = None):
        """Hand over the files to attach (they must exist now), wait for the PDF and return its
        :class:`~pipelines.report.render.PdfResult`. Raises :class:`RenderFailed` with the reason (the
        limit reached, or the error the renderer raised)."""
        from pipelines.report.render import PdfResult
        from pipelines.shared.garbage_collection import return_freed_memory

        result_file = Path(self.job["result"])
        self._worker.attach(attachments or [])
        return_freed_memory()  # the layout's processes may use what this one no longer does
        try:
            try:
                finished = self._worker.wait(timeout=max(0.0, self._deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise RenderFailed(f"the PDF render took longer than {TIME_LIMIT_S} s and was stopped; to allow more, set AFML_RENDER_TIME_LIMIT_S (seconds)") from None
            if finished.returncode != 0 or not result_file.exists():
                raise RenderFailed(_reason(finished))
            record = json.loads(result_file.read_text(encoding="utf-8"))
        finally:
            self._folder.cleanup()
        return PdfResult.from_record(record)

    def cancel(self) -> None:
        """Stop the render and remove its job (the PDF it was writing is left unfinished)."""
        self._worker.cancel()
        self._folder.cleanup()


def start_render(html: str, target: Path, base_dir: Path, allowed_roots: list[Path], build_date=None, worker: RenderWorker | None = None, parts_folder: Path | None = None, reuse_parts: bool = False, cache_folder: Path | None = None) -> PendingRender:
    """Hand :func:`pipelines.report.pdf_assembly.write_pdf` of ``html`` to a process of its own
    (``worker``, started ahead, or a fresh one) and return at once: it lays the document out
    meanwhile. The files to attach are given to :meth:`PendingRender.result`. ``parts_folder``: where
    the layouts of the paper's parts are kept between builds; ``reuse_parts``: take unchanged parts
    from there (a partial build); ``cache_folder``: the build's content cache
    (:mod:`pipelines.shared.content_cache`), where the charts' drawings and the embedded font
    subsets are kept."""
    folder = tempfile.TemporaryDirectory(prefix="afml-render-")
    scratch = Path(folder.name)
    (scratch / "paged.html").write_text(html, encoding="utf-8")
    job = {
        "html": str(scratch / "paged.html"),
        "target": str(target),
        "base_dir": str(base_dir),
        "allowed_roots": [str(root) for root in allowed_roots],
        "build_date": build_date.isoformat() if build_date else None,
        "result": str(scratch / "result.json"),
        "memory_limit_mb": MEMORY_LIMIT_MB,
        "processes": PROCESSES,
        "parts_folder": str(parts_folder) if parts_folder else None,
        "reuse_parts": bool(reuse_parts),
        "cache_folder": str(cache_folder) if cache_folder else None,
    }
    (scratch / "job.json").write_text(json.dumps(job), encoding="utf-8")
    worker = worker or RenderWorker()
    worker.give(scratch / "job.json")
    return PendingRender(worker, folder, job)


def write_pdf_in_own_process(html: str, target: Path, base_dir: Path, allowed_roots: list[Path], attachments: list[Path] | None = None, build_date=None, worker: RenderWorker | None = None, **parts):
    """:func:`pipelines.report.pdf_assembly.write_pdf` run by a process of its own (``worker``,
    started ahead, or a fresh one); returns its :class:`~pipelines.report.render.PdfResult`. Raises
    :class:`RenderFailed` with the reason (the limit reached, or the error the renderer raised).
    ``parts``: see :func:`start_render`."""
    return start_render(html, target, base_dir, allowed_roots, build_date, worker, **parts).result(attachments)


def _limit_memory(megabytes: int) -> None:
    """In the child, before WeasyPrint is imported: its address space may not exceed the limit."""
    import resource

    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _reason(finished: subprocess.CompletedProcess) -> str:
    """What went wrong, in one or a few lines a report author can act on."""
    error = finished.stderr.strip()
    last = error.splitlines()[-1] if error else ""
    allow_more = f"to allow more, set AFML_RENDER_MEMORY_MB (megabytes; now {MEMORY_LIMIT_MB})"
    if "MemoryError" in error or "Cannot allocate memory" in error or "bad_alloc" in error:
        return f"the PDF render needed more than {MEMORY_LIMIT_MB} MB of memory and was stopped; {allow_more}"
    if finished.returncode < 0:
        # Under the address-space limit, a C library that cannot allocate (Pango, HarfBuzz) crashes
        # the process instead of raising MemoryError (the render process ends on the signal that
        # ended a part's process, see serve()).
        return f"the PDF render stopped without finishing (signal {-finished.returncode}), most likely because it needed more than {MEMORY_LIMIT_MB} MB of memory; {allow_more}"
    return f"the PDF render failed: {last or 'no message (exit status ' + str(finished.returncode) + ')'}\n{error}"


def main(job_file: str) -> int:
    """The child: read the job, lay the document out, read the files to attach from standard input
    (a JSON list on one line: the build may still be writing them while the layout runs), write the
    PDF and the result as JSON. The result's ``seconds`` are the render's own: from the job read to
    the PDF written, less any wait for the files to attach.

    The process renders one document and ends, so Python's cyclic garbage collector is switched off
    and nothing is collected at the end: every collection would rescan the millions of boxes of the
    layout to free memory the end of the process frees anyway (about 0.9 s of the render measured in
    benchmarks/README.md, for about 20 MB more at the peak)."""
    import dataclasses
    import datetime as dt
    import gc

    started = time.perf_counter()
    waited = 0.0

    def attachments_when_ready() -> list[Path]:
        nonlocal waited
        asked = time.perf_counter()
        line = sys.stdin.readline()
        waited = time.perf_counter() - asked
        if not line:
            raise RuntimeError("the build ended before it handed over the files to attach to the PDF")
        return [Path(path) for path in json.loads(line)]

    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    _limit_memory(job["memory_limit_mb"])
    gc.disable()
    from pipelines.report.pdf_assembly import PartStore, write_pdf
    from pipelines.shared.content_cache import cache_folder

    with cache_folder(Path(job["cache_folder"])) if job.get("cache_folder") else contextlib.nullcontext():
        result = write_pdf(
            Path(job["html"]).read_text(encoding="utf-8"),
            Path(job["target"]),
            base_dir=Path(job["base_dir"]),
            allowed_roots=[Path(root) for root in job["allowed_roots"]],
            attachments=attachments_when_ready,
            build_date=dt.datetime.fromisoformat(job["build_date"]) if job["build_date"] else None,
            processes=job["processes"],
            store=PartStore(Path(job["parts_folder"]), reuse=job["reuse_parts"]) if job["parts_folder"] else None,
        )
    record = dataclasses.asdict(dataclasses.replace(result, seconds=round(time.perf_counter() - started - waited, 3)))
    Path(job["result"]).write_text(json.dumps(record), encoding="utf-8")
    return 0


def serve(memory_limit_mb: int) -> int:
    """The child started ahead of its job: the limit, WeasyPrint loaded, then the job from stdin."""
    _limit_memory(memory_limit_mb)
    import weasyprint  # noqa: F401 -- loaded now, while the build is still computing the paper

    import pikepdf  # noqa: F401

    from pipelines.report import pdf_assembly

    job_file = sys.stdin.readline().strip()
    if not job_file:
        return 0
    try:
        return main(job_file)
    except pdf_assembly.PartLayoutStopped as stopped:  # end as the part's process ended: the build reads the signal
        import resource
        import signal
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        try:
            signal.signal(stopped.signal, signal.SIG_DFL)
        except (OSError, ValueError):  # SIGKILL, SIGSTOP: their default cannot be set, nor changed
            pass
        os.kill(os.getpid(), stopped.signal)
        raise


if __name__ == "__main__":
    if sys.argv[1:2] != ["--serve"] or len(sys.argv) != 3:
        raise SystemExit("usage: python -m pipelines.report.render_process --serve <memory limit, MB> (started by a build, which sends the job on standard input)")
    status = serve(int(sys.argv[2]))
    # Everything is written; the laid-out paper is not torn down object by object (a failure raised
    # above ends the usual way, with its traceback on stderr).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
