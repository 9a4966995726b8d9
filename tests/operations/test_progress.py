"""The progress display on a terminal: one live line rewritten in place, permanent lines only for failures."""

from __future__ import annotations

import io
import re

import dagster as dg
import uuid

from pipelines.operations.progress import Progress


def run_with_progress(live: bool, tmp_path, total: int | None = None) -> str:
    @dg.op
    def read_survey():
        return 1

    @dg.op
    def render_pdf(value):
        raise ValueError("no glyph")

    @dg.job
    def small():
        render_pdf(read_survey())

    stream = io.StringIO()
    progress = Progress(stream, {"read_survey": ("survey", "read_survey"), "render_pdf": ("report", "render_pdf")}, live=live, total=total)
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        run_id = str(uuid.uuid4())
        instance.add_event_listener(run_id, progress.on_event)
        small.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
    progress.clear()
    return stream.getvalue()


def test_on_a_terminal_one_line_is_rewritten(tmp_path):
    out = run_with_progress(True, tmp_path)
    assert "\r\x1b[2K" in out and "survey: read_survey … (0 steps done)" in out and "report: render_pdf … (1 steps done)" in out
    lines = out.split("\n")
    assert len(lines) == 2 and "report      render_pdf FAILED" in lines[0]  # only the failure stays
    assert out.endswith("\n")  # no live line left over before the summary


def test_the_live_line_counts_against_the_steps_of_the_run(tmp_path):
    """An incremental build runs fewer steps: the live line says how many of them are done."""
    out = run_with_progress(True, tmp_path, total=2)
    assert "survey: read_survey … (0 of 2 steps done)" in out and "report: render_pdf … (1 of 2 steps done)" in out


def test_off_a_terminal_plain_lines(tmp_path):
    out = run_with_progress(False, tmp_path)
    lines = out.splitlines()
    assert "\x1b" not in out and "\r" not in out and len(lines) == 2
    assert re.fullmatch(r"\[ *\d+\.\ds\] survey      read_survey done \(\d+\.\ds\)", lines[0]) and "report      render_pdf FAILED" in lines[1]
