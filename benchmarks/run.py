"""Benchmarks (make bench): scale of intake + validation + indicators, and build times.

Prints two tables. Targets on the 2-core reference machine: 1 000 000 initiatives in under 20 s and
3 GB, growing about linearly; an unchanged rebuild skipped in seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIZES = [int(s) for s in os.environ.get("AFML_BENCH_SIZES", "100000,1000000").split(",")]


def scale() -> None:
    from benchmarks.generate import generate

    print("Scale: intake + validation + indicators (synthetic form export)")
    print(f"{'initiatives':>12} {'rows read':>10} {'rejected':>9} {'intake s':>9} {'indicators s':>13} {'total s':>8} {'peak MB':>8}")
    for size in SIZES:
        folder = Path(tempfile.gettempdir()) / f"afml-bench-{size}"
        if not (folder / "online-form-export.csv").exists():
            generate(size, folder)
        out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), str(folder)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        print(f"{size:>12,} {r['rows_read']:>10,} {r['rejected']:>9,} {r['intake_s']:>9} {r['indicators_s']:>13} {r['total_s']:>8} {r['peak_rss_mb']:>8}")


PEAK = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def timed(command: list[str], env: dict) -> tuple[float, float]:
    """Wall time and peak memory (MB) of one command, measured in a process of its own."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PEAK, *command], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, int(out.stdout.strip()) / 1024


def builds() -> None:
    print("\nBuilds of afml-13 (fresh outputs and instance; a copy of sources/ for the change)")
    work = Path(tempfile.mkdtemp(prefix="afml-bench-build-"))
    try:
        shutil.copytree(ROOT / "sources", work / "sources")
        (work / "home").mkdir()
        env = dict(os.environ, DAGSTER_HOME=str(work / "home"))
        command = [sys.executable, "-m", "pipelines", "build", "--edition", "afml-13", "--outputs", str(work / "outputs"), "--sources", str(work / "sources")]
        rows = [("cold build", *timed(command, env)), ("no-change rebuild", *timed(command, env))]
        survey = work / "sources" / "editions" / "afml-13" / "survey" / "literature-review.csv"
        survey.write_text(survey.read_text(encoding="utf-8") + "LR-999,THA,Benchmark initiative,Added to measure a rebuild.,A,A1,,2020,,ongoing,unknown,,,,literature_review\n", encoding="utf-8")
        rows.append(("rebuild after one survey file changed", *timed(command, env)))
        print(f"{'step':<40} {'seconds':>8} {'peak MB':>8}")
        for name, seconds, peak in rows:
            print(f"{name:<40} {seconds:>8.1f} {peak:>8.0f}")
        refresh = preview_refresh(work, env)
        print(f"\nLive preview (make preview): a narrative file saved -> the new page served, median of {len(refresh)} edits")
        print(f"{median(refresh):.2f} s, {median(refresh) / rows[0][1]:.2f} x the full (cold) build of {rows[0][1]:.1f} s; target <= 3 s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def preview_refresh(work: Path, env: dict, edits: int = 3) -> list[float]:
    """Seconds from saving a narrative file (in the copy of sources/) until the preview serves the page
    with the new sentence; the preview runs as `make preview` does, in a process of its own."""
    import urllib.request

    def get(url: str) -> str:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")

    command = [sys.executable, "-m", "pipelines", "preview", "--edition", "afml-13", "--port", "0", "--sources", str(work / "sources"), "--outputs", str(work / "outputs")]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = server.stdout.readline().split(" at ", 1)[1].split()[0]
        deadline = time.monotonic() + 300
        while json.loads(get(url + "__preview__/status"))["version"] < 1:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the preview did not start")
            time.sleep(0.2)
        narrative = work / "sources" / "editions" / "afml-13" / "narrative" / "next-steps.md"
        text, times = narrative.read_text(encoding="utf-8"), []
        for edit in range(edits):
            sentence = f"Benchmark sentence number {'I' * (edit + 1)}."
            start = time.perf_counter()
            narrative.write_text(f"{text}\n{sentence}\n", encoding="utf-8")
            while sentence not in get(url):
                if time.perf_counter() - start > 120:
                    raise RuntimeError("the preview did not show the edit within 120 s")
                time.sleep(0.05)
            times.append(time.perf_counter() - start)
        return times
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    scale()
    builds()
