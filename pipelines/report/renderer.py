"""The ``renderer`` resource: the PDF render process of a run, ready when the run starts.

The command line starts it before it loads Dagster (``RenderWorker.start_ahead``), and a run started
otherwise (the UI, a sensor) when its resources are set up, before its first step; either way the
process loads WeasyPrint on the machine's other core while the catalog, the survey and the paper are
computed. As soon as the paged
HTML exists, the ``report_paged_html`` step hands it over (:meth:`PdfRenderer.start`) and the PDF is
laid out while the build's remaining steps (the exports, the HTML edition, the validation reports,
the checks) run; the ``report_pdf`` step, scheduled after them, hands over the files to attach (the
source tables the exports wrote meanwhile) and collects the PDF (:meth:`PdfRenderer.write_pdf`). A
``report_pdf`` step with nothing started for its HTML (a run of that asset alone) renders it there
and then. A run that ends without collecting its render (it failed after the start) stops the
process when its resources are torn down.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from pipelines.report.render_process import PendingRender, RenderWorker, start_render


def _job_key(html: str, target: Path, options: dict) -> str:
    """What a render is of: the same HTML, to the same file, with the same options."""
    described = json.dumps({"target": str(target), **{k: [str(v) for v in value] if isinstance(value, list) else str(value) for k, value in options.items()}}, sort_keys=True)
    return hashlib.sha256(html.encode("utf-8") + b"\0" + described.encode("utf-8")).hexdigest()


class PdfRenderer(dg.ConfigurableResource):
    """The PDF render of a run: a process of its own with a memory and a time limit
    (AFML_RENDER_MEMORY_MB, AFML_RENDER_TIME_LIMIT_S), started when the run starts so that it is
    ready when the paper is, and given the paper as soon as it exists."""

    _worker: RenderWorker | None = PrivateAttr(default=None)
    _pending: tuple[str, PendingRender] | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._worker = RenderWorker.taken()  # the one the command line started ahead, if any

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._pending is not None:  # started, never collected: the run failed in between
            self._pending[1].cancel()
            self._pending = None
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def start(self, html: str, target: Path, **options) -> bool:
        """Start laying out ``html`` for ``target`` now, by the process started with the run, and return
        at once (True); :meth:`write_pdf` with the same arguments (and the files to attach, which may
        be written meanwhile) collects the PDF. Returns False, starting nothing, when the run's process
        is used already."""
        if self._worker is None or self._pending is not None:
            return False
        worker, self._worker = self._worker, None
        self._pending = (_job_key(html, target, options), start_render(html, target, worker=worker, **options))
        return True

    def write_pdf(self, html: str, target: Path, attachments: list[Path] | None = None, **options):
        """The PDF of ``html`` written to ``target`` with ``attachments`` (see
        :func:`pipelines.report.render_process.write_pdf_in_own_process`): the render :meth:`start`
        began for the same arguments, given the files to attach and waited for, or else a render by
        the process started with the run (a fresh one if it was used already)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            key, render = pending
            if key == _job_key(html, target, options):
                return render.result(attachments)
            render.cancel()  # started for other HTML (the paper changed in between): not this PDF
        worker, self._worker = self._worker, None
        try:
            return start_render(html, target, worker=worker, **options).result(attachments)
        finally:
            if worker is not None:
                worker.close()
