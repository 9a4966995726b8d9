"""Benchmarks (make bench): scale of intake + validation + indicators, and build times.

Prints the scale table, the build table and the figures of issue 15, each as a ratio to a baseline
measured in the same run: the PDF render against headless Chromium printing the same paged HTML
(benchmarks/render.py), the rest of a forced build and a rebuild after one narrative change against
the forced build; peak memory of the forced and the cold build in MB. Targets on the 2-core reference machine:
1 000 000 initiatives in under 20 s and 3 GB, growing about linearly; an unchanged rebuild skipped in seconds.
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
# The build run in this process: its own peak (Dagster, the data) apart from its render process's.
SPLIT_PEAK = (
    "import contextlib, io, json, resource, runpy, sys; sys.argv = ['pipelines', *sys.argv[1:]]\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit): runpy.run_module('pipelines', run_name='__main__')\n"
    "print(json.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))"
)


def timed(command: list[str], env: dict) -> tuple[float, float]:
    """Wall time and peak memory (MB) of one command, measured in a process of its own."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PEAK, *command], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, int(out.stdout.strip()) / 1024


def timed_and_sampled(command: list[str], env: dict) -> tuple[float, float, dict]:
    """:func:`timed`, with the memory of all the command's processes together sampled every 20 ms
    meanwhile (:func:`tree_memory`; the sampling costs the command a little time)."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", PEAK, *command], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, together = _sampled_until_done(process)
    return time.perf_counter() - start, int(out.strip()) / 1024, together


def _sampled_until_done(process: subprocess.Popen) -> tuple[str, dict]:
    """Wait for ``process``, sampling the memory of it and its descendants every 20 ms; its output
    and the highest sums seen (raises if it failed)."""
    together = {"rss": 0.0, "pss": 0.0}
    while process.poll() is None:
        now = tree_memory(process.pid)
        together = {k: max(together[k], now[k]) for k in together}
        time.sleep(0.02)
    out, err = process.communicate()
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, process.args, out, err)
    return out, together


def process_peaks(command: list[str], env: dict) -> tuple[float, float, dict]:
    """Peak memory (MB) of the build's own process and of the largest process it started (the render),
    and the peak of the two together, sampled every 20 ms while the build runs (:func:`tree_memory`)."""
    process = subprocess.Popen([sys.executable, "-c", SPLIT_PEAK, *command[3:]], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, together = _sampled_until_done(process)
    own, children = json.loads(out.strip().splitlines()[-1])
    return own / 1024, children / 1024, together


def tree_memory(root: int) -> dict:
    """Memory (MB) of a process and all its descendants now, from Linux's /proc: the sum of their
    resident sets, and of their proportional sets (shared pages divided among the processes sharing
    them, so the libraries both processes map count once)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    totals = {"rss": 0.0, "pss": 0.0}
    pending = [root]
    while pending:
        pid = pending.pop()
        pending += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as rollup:
                for line in rollup:
                    key = line.split(":", 1)[0]
                    if key in ("Rss", "Pss"):
                        totals[key.lower()] += int(line.split()[1]) / 1024
        except OSError:
            continue
    return totals


def run_breakdown(outputs: Path, render_step: str = "report_pdf") -> dict:
    """Where the latest run recorded in the build's own Dagster instance spent its time: the render
    (its own time, from the job handed over to the PDF written, as ``report_pdf`` records it), how
    long the ``report_pdf`` step waited for it, the other steps (summed), and the span from the first
    step's start to the last one's end."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(outputs / ".dagster"))
    run = instance.get_runs(limit=1)[0]
    stats = instance.get_run_step_stats(run.run_id)
    seconds = {s.step_key: s.end_time - s.start_time for s in stats}
    materialization = instance.get_latest_materialization_event(dg.AssetKey(render_step)).asset_materialization
    own = materialization.metadata.get("render_seconds")
    return {
        "render": own.value if own is not None and own.value is not None else seconds[render_step],
        "waited": seconds[render_step],
        "other_steps": sum(v for k, v in seconds.items() if k != render_step),
        "steps": len(seconds),
        "span": max(s.end_time for s in stats) - min(s.start_time for s in stats),
    }


def builds() -> None:
    print("\nBuilds of afml-13 (fresh outputs and instance; a copy of sources/ for the changes)")
    work = Path(tempfile.mkdtemp(prefix="afml-bench-build-"))
    try:
        shutil.copytree(ROOT / "sources", work / "sources")
        (work / "home").mkdir()
        env = dict(os.environ, DAGSTER_HOME=str(work / "home"))
        outputs = work / "outputs"
        command = [sys.executable, "-m", "pipelines", "build", "--edition", "afml-13", "--outputs", str(outputs), "--sources", str(work / "sources")]
        cold_seconds, cold_peak, cold_together = timed_and_sampled(command, env)
        rows = [("cold build", cold_seconds, cold_peak), ("no-change rebuild", *timed(command, env))]
        forced = timed([*command, "--force"], env)
        rows.append(("forced build", *forced))
        breakdown = run_breakdown(outputs)
        render_in_build, waited = breakdown["render"], breakdown["waited"]
        build_peak, render_peak, together = process_peaks([*command, "--force"], env)
        render = json.loads(subprocess.run([sys.executable, str(ROOT / "benchmarks" / "render.py"), str(outputs), "afml-13"], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout)
        narrative = work / "sources" / "editions" / "afml-13" / "narrative" / "next-steps.md"
        narrative.write_text(narrative.read_text(encoding="utf-8") + "\nOne sentence added to measure a rebuild.\n", encoding="utf-8")
        after_narrative = timed(command, env)
        rows.append(("rebuild after one narrative file changed", *after_narrative))
        pairs = alternating_pairs(command, env, narrative)
        # The same in the longest chapter (chapter 2, about 60 of the 109 pages): the PDF is laid out by
        # parts, and this part is more than half of it.
        longest = work / "sources" / "editions" / "afml-13" / "narrative" / "group-D.md"
        longest.write_text(longest.read_text(encoding="utf-8") + "\nOne sentence added to measure a rebuild.\n", encoding="utf-8")
        after_longest = timed(command, env)
        rows.append(("  the same in the longest chapter", *after_longest))
        survey = work / "sources" / "editions" / "afml-13" / "survey" / "literature-review.csv"
        survey.write_text(survey.read_text(encoding="utf-8") + "LR-999,THA,Benchmark initiative,Added to measure a rebuild.,A,A1,,2020,,ongoing,unknown,,,,literature_review\n", encoding="utf-8")
        rows.append(("rebuild after one survey file changed", *timed(command, env)))
        print(f"{'step':<42} {'seconds':>8} {'peak MB':>8} {'x forced':>9}")
        for name, seconds, peak in rows:
            print(f"{name:<42} {seconds:>8.1f} {peak:>8.0f} {seconds / forced[0]:>9.2f}")

        print("\nIssue 15 figures (ratios to baselines measured in this run)")
        if render["chromium_s"] is None:
            print(f"{'PDF render / Chromium on the same HTML':<48} skipped: no chromium on PATH (WeasyPrint alone: {render['weasyprint_s']:.1f} s)")
        else:
            print(f"{'PDF render / Chromium on the same HTML':<48} {render['weasyprint_s'] / render['chromium_s']:>6.2f} x   (target <= 2.5; medians {render['weasyprint_s']:.1f} s vs {render['chromium_s']:.1f} s of {len(render['runs']['weasyprint'])} alternating runs; the charts' drawings kept from the build, as a build renders)")
            print(f"{'  with nothing kept (charts drawn afresh)':<48} {render['weasyprint_cold_s'] / render['chromium_s']:>6.2f} x   ({render['weasyprint_cold_s']:.1f} s: the first render after the charts' data changed)")
            print(f"{'  the render inside the forced build':<48} {render_in_build / render['chromium_s']:>6.2f} x   ({render_in_build:.1f} s: its process started with the run, WeasyPrint loaded ahead)")
        around = forced[0] - render_in_build
        print(f"{'forced build minus its render / forced build':<48} {around / forced[0]:>6.2f} x   (target: <= 3 s; {around:.1f} s of {forced[0]:.1f} s)")
        outside = forced[0] - breakdown["span"]
        print(f"{'  start-up and exit (imports, instance, run set-up)':<48} {outside / forced[0]:>6.2f} x   ({outside:.1f} s)")
        print(f"{'  the other ' + str(breakdown['steps'] - 1) + ' steps (work and Dagster bookkeeping)':<48} {breakdown['other_steps'] / forced[0]:>6.2f} x   ({breakdown['other_steps']:.1f} s, of which {max(0.0, render_in_build - waited):.1f} s ran while the PDF was laid out)")
        print(f"{'rebuild after one narrative change / forced':<48} {after_narrative[0] / forced[0]:>6.2f} x   (target <= 0.35; chapter 4, 2 pages)")
        ratios = [edited / whole for whole, edited in pairs]
        print(f"{'  median of ' + str(len(pairs)) + ' alternating pairs':<48} {median(ratios):>6.2f} x   (each: {', '.join(f'{r:.2f}' for r in ratios)}; {median([e for _, e in pairs]):.1f} s against {median([w for w, _ in pairs]):.1f} s)")
        print(f"{'  the same in the longest chapter / forced':<48} {after_longest[0] / forced[0]:>6.2f} x   (chapter 2, about 60 pages)")
        print(f"{'peak RSS of a forced build (largest process)':<48} {forced[1]:>6.0f} MB  (target <= 400)")
        print(f"{'  the build process / its render process':<48} {build_peak:>6.0f} MB / {render_peak:.0f} MB (both alive during the render: {build_peak + render_peak:.0f} MB together at most)")
        print(f"{'  all its processes together, sampled every 20 ms':<48} {together['rss']:>6.0f} MB resident ({together['pss']:.0f} MB counting the pages they share once)")
        print(f"{'  the same for the cold build (empty cache)':<48} {cold_together['rss']:>6.0f} MB resident ({cold_together['pss']:.0f} MB counting the pages they share once)")

        refresh = preview_refresh(work, env)
        print(f"\nLive preview (make preview): a narrative file saved -> the new page served, median of {len(refresh)} edits")
        print(f"{median(refresh):.2f} s, {median(refresh) / forced[0]:.2f} x the forced build of {forced[0]:.1f} s; target <= 3 s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def alternating_pairs(command: list[str], env: dict, narrative: Path, pairs: int = 3) -> list[tuple[float, float]]:
    """Seconds of a forced build, then of a rebuild after one more sentence in ``narrative``, ``pairs``
    times in turn: the narrative ratio from one run of each moves by a few hundredths from run to run."""
    measured = []
    for edit in "abcdefghij"[:pairs]:
        whole = timed([*command, "--force"], env)[0]
        narrative.write_text(narrative.read_text(encoding="utf-8") + f"\nOne more sentence to measure a rebuild, edit {edit}.\n", encoding="utf-8")
        measured.append((whole, timed(command, env)[0]))
    return measured


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
