"""The ``renderer`` resource: the PDF render process of a run, started when the run starts.

Dagster sets a run's resources up before its first step, so the process loads WeasyPrint on the
machine's other core while the catalog, the survey and the paper are computed, and the ``report_pdf``
step only hands it the paged HTML. A run that ends without rendering (it failed earlier) stops the
process when its resources are torn down.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from pipelines.report.render_process import RenderWorker, write_pdf_in_own_process


class PdfRenderer(dg.ConfigurableResource):
    """The PDF render of a run: a process of its own with a memory and a time limit
    (AFML_RENDER_MEMORY_MB, AFML_RENDER_TIME_LIMIT_S), started when the run starts so that it is
    ready when the paper is."""

    _worker: RenderWorker | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._worker = RenderWorker()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def write_pdf(self, html: str, target: Path, **options):
        """:func:`pipelines.report.render_process.write_pdf_in_own_process` by the process started
        with the run (a fresh one if it was used already)."""
        worker, self._worker = self._worker, None
        try:
            return write_pdf_in_own_process(html, target, worker=worker, **options)
        finally:
            if worker is not None:
                worker.close()
