"""The PDF render against its baseline, on the same paged HTML, in a process of its own:
WeasyPrint (the pipeline's ``write_pdf``) and headless Chromium printing the same HTML to PDF.

    python benchmarks/render.py <outputs folder of a finished build> <edition>

The paged HTML is the ``report_paged_html`` output the build's Dagster instance stored
(``<outputs>/.dagster/storage/report_paged_html/<edition>``); it is self-contained (fonts and charts as
``data:`` URLs), so Chromium needs no other file. Prints JSON: the median seconds of each over
``AFML_BENCH_RENDER_RUNS`` alternating runs (3) and every run. WeasyPrint (twice: with the build's
content cache, where the charts' drawings are kept, as a build renders; and with an empty one, as
the first render after the charts changed; the two PDFs must be the same bytes): the
``write_pdf_in_own_process`` call the build makes, a process started for it, which lays the paper out
in parts (two at a time) with the page numbers of the build's last layout, as a full build does
(every part laid out, none reused); Chromium: the whole process. ``chromium_s`` is null when no
Chromium is installed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def paged_html(outputs: Path, edition: str) -> str:
    with open(outputs / ".dagster" / "storage" / "report_paged_html" / edition, "rb") as stored:
        return pickle.load(stored)


def weasyprint_seconds(html: str, outputs: Path, edition: str, target: Path, cache: Path) -> float:
    """The render as the ``report_pdf`` asset does it: same function (a fresh process of its own, so
    its start-up is counted, as Chromium's is), folders and attachments. ``cache``: the content cache
    it keeps the charts' drawings in (the build's own, as a build renders, or an empty one)."""
    from pipelines.report.assets import PDF_PARTS_FOLDER, pdf_attachments
    from pipelines.report.render_process import write_pdf_in_own_process as write_pdf

    build_dir = (outputs / edition / "latest").resolve()
    # The plan of the build's last layout (the page numbers of its parts), as a full build uses it:
    # every part is laid out. A copy, so that the build's own parts stay for its next partial build.
    with tempfile.TemporaryDirectory(prefix="afml-bench-parts-") as parts:
        for plan in (outputs / ".cache" / PDF_PARTS_FOLDER).glob("plan-*.json"):
            shutil.copy(plan, parts)
        start = time.perf_counter()
        result = write_pdf(html, target, base_dir=build_dir, allowed_roots=[ROOT / "templates", build_dir], attachments=pdf_attachments(build_dir), parts_folder=Path(parts), cache_folder=cache, build_date=BUILD_DATE)
        seconds = time.perf_counter() - start
    if result.warnings:
        raise RuntimeError("WeasyPrint reported problems: " + "; ".join(result.warnings))
    return seconds


def chromium_seconds(page: Path, target: Path) -> float | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    with tempfile.TemporaryDirectory(prefix="afml-bench-chromium-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}", page.as_uri()]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=300)
        seconds = time.perf_counter() - start
    if not target.exists() or target.stat().st_size == 0:
        raise RuntimeError("Chromium wrote no PDF")
    return seconds


RUNS = int(os.environ.get("AFML_BENCH_RENDER_RUNS", "3"))
# A fixed date for the fonts WeasyPrint subsets, so that two renders of the same HTML are the same bytes.
BUILD_DATE = dt.datetime(2020, 10, 1, tzinfo=dt.timezone.utc)


def main(outputs: Path, edition: str, runs: int = RUNS) -> dict:
    """Medians of ``runs`` alternating runs of each (a busy two-core machine varies by ±10 %)."""
    html = paged_html(outputs, edition)
    weasy, cold, chromium = [], [], []
    with tempfile.TemporaryDirectory(prefix="afml-bench-render-") as scratch:
        folder = Path(scratch)
        page = folder / "paged.html"
        page.write_text(html, encoding="utf-8")
        for run in range(runs):
            # As a build renders: with the build's content cache, where the charts' drawings are kept.
            weasy.append(weasyprint_seconds(html, outputs, edition, folder / "weasyprint.pdf", outputs / ".cache"))
            # As the first render after the charts changed: an empty cache, every chart drawn.
            cold.append(weasyprint_seconds(html, outputs, edition, folder / "weasyprint-cold.pdf", folder / f"empty-cache-{run}"))
            chromium.append(chromium_seconds(page, folder / "chromium.pdf"))
        if (folder / "weasyprint.pdf").read_bytes() != (folder / "weasyprint-cold.pdf").read_bytes():
            raise RuntimeError("the PDF rendered with the charts' drawings kept differs from the one drawn afresh")
    return {
        "weasyprint_s": round(median(weasy), 2),
        "weasyprint_cold_s": round(median(cold), 2),
        "chromium_s": None if None in chromium else round(median(chromium), 2),
        "runs": {"weasyprint": [round(s, 2) for s in weasy], "weasyprint_cold": [round(s, 2) for s in cold], "chromium": [None if s is None else round(s, 2) for s in chromium]},
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2])))
