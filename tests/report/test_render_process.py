"""The PDF rendered in a process of its own is the PDF rendered in the build's process, and a render
that breaks a limit fails with a message saying which one and how to raise it."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.report import render_process
from pipelines.report.pdf_assembly import write_pdf
from pipelines.report.render_process import RenderFailed, write_pdf_in_own_process
from tests.report.test_render_speedups import HTML

BUILD_DATE = dt.datetime(2020, 10, 1, tzinfo=dt.timezone.utc)


def test_the_own_process_writes_the_same_bytes_and_reports_the_same_result(tmp_path):
    (tmp_path / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    common = dict(base_dir=tmp_path, allowed_roots=[tmp_path], attachments=[tmp_path / "table.csv"], build_date=BUILD_DATE)
    here = write_pdf(HTML, tmp_path / "here.pdf", **common)
    there = write_pdf_in_own_process(HTML, tmp_path / "there.pdf", **common)
    assert (tmp_path / "there.pdf").read_bytes() == (tmp_path / "here.pdf").read_bytes()
    assert (there.pages, there.warnings, there.missing_glyphs, there.fills) == (here.pages, here.warnings, here.missing_glyphs, here.fills)


def test_what_the_renderer_warns_about_comes_back_from_the_process(tmp_path):
    html = "<html><body><p>x</p><img src='https://example.org/tracker.png' alt=''></body></html>"
    result = write_pdf_in_own_process(html, tmp_path / "x.pdf", base_dir=tmp_path, allowed_roots=[tmp_path])
    assert any("example.org" in message for message in result.warnings)


def test_a_render_over_the_memory_limit_says_so_and_how_to_allow_more(tmp_path, monkeypatch):
    monkeypatch.setattr(render_process, "MEMORY_LIMIT_MB", 120)  # less than WeasyPrint needs to start
    with pytest.raises(RenderFailed, match=r"more than 120 MB of memory; to allow more, set AFML_RENDER_MEMORY_MB"):
        write_pdf_in_own_process(HTML, tmp_path / "x.pdf", base_dir=tmp_path, allowed_roots=[tmp_path])
    assert not (tmp_path / "x.pdf").exists()


def test_a_render_that_cannot_write_names_the_problem(tmp_path):
    with pytest.raises(RenderFailed, match="PDF render failed: .*(No such file|not-a-folder)"):
        write_pdf_in_own_process(HTML, tmp_path / "not-a-folder" / "x.pdf", base_dir=tmp_path, allowed_roots=[tmp_path])


def test_a_worker_started_ahead_of_its_job_writes_the_same_bytes(tmp_path):
    from pipelines.report.render_process import RenderWorker

    common = dict(base_dir=tmp_path, allowed_roots=[tmp_path], build_date=BUILD_DATE)
    write_pdf(HTML, tmp_path / "here.pdf", **common)
    worker = RenderWorker()
    write_pdf_in_own_process(HTML, tmp_path / "ahead.pdf", worker=worker, **common)
    assert (tmp_path / "ahead.pdf").read_bytes() == (tmp_path / "here.pdf").read_bytes()


def _gone(pid: int) -> bool:
    """The process has ended: it no longer exists, or is a zombie nobody has reaped yet (an orphan's
    new parent may be slow to, or never, reap it in a container)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_run_that_fails_before_its_pdf_leaves_no_render_process_behind():
    """The ``renderer`` resource starts the process with the run, before any step, and stops it when
    the run ends, here after a step failed and nothing was rendered."""
    import dagster as dg

    seen = []

    @dg.asset(required_resource_keys={"renderer"})
    def paper_that_fails(context) -> None:
        renderer = context.resources.renderer
        seen.append(renderer._worker.pid)  # noqa: SLF001 -- the process the run started
        assert not _gone(seen[0])
        raise ValueError("the survey could not be read")

    from pipelines.report.renderer import PdfRenderer

    result = dg.materialize([paper_that_fails], resources={"renderer": PdfRenderer()}, raise_on_error=False)
    assert not result.success and seen
    assert _gone(seen[0])


def test_the_worker_the_command_line_starts_ahead_is_the_one_the_run_takes(tmp_path):
    from pipelines.report.render_process import RenderWorker, start_render

    RenderWorker.start_ahead()
    ahead = render_process._AHEAD[0]
    RenderWorker.start_ahead()  # one at most
    assert render_process._AHEAD == [ahead]
    taken = RenderWorker.taken()
    assert taken is ahead and render_process._AHEAD == []
    # it renders as a worker started with the run does
    (tmp_path / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    common = dict(base_dir=tmp_path, allowed_roots=[tmp_path], build_date=BUILD_DATE)
    start_render(HTML, tmp_path / "ahead.pdf", worker=taken, **common).result([tmp_path / "table.csv"])
    write_pdf(HTML, tmp_path / "here.pdf", attachments=[tmp_path / "table.csv"], **common)
    assert (tmp_path / "ahead.pdf").read_bytes() == (tmp_path / "here.pdf").read_bytes()
    fresh = RenderWorker.taken()  # nothing started ahead any more: a new one
    assert fresh is not ahead
    fresh.close()


def test_a_worker_started_ahead_and_never_taken_ends_with_its_process():
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    script = "from pipelines.report.render_process import RenderWorker, _AHEAD; RenderWorker.start_ahead(); print(_AHEAD[0].pid)"
    pid = int(subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    deadline = time.monotonic() + 60
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid)
