"""The PDF is laid out while the build's other steps run: the paged HTML hands it to the run's render
process as soon as it exists, the steps the PDF does not need run beside the render, and the
``report_pdf`` step, last, collects the very PDF a render of its own would have written."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from pipelines.report import renderer as renderer_module
from pipelines.report.pdf_assembly import write_pdf
from pipelines.report.renderer import PdfRenderer
from tests.report.test_render_process import _gone
from tests.report.test_render_speedups import HTML

BUILD_DATE = dt.datetime(2020, 10, 1, tzinfo=dt.timezone.utc)
WAITS_FOR_THE_PDF = {"report_pdf", "published_report"}


def _options(folder):
    return dict(base_dir=folder, allowed_roots=[folder], build_date=BUILD_DATE)


@pytest.fixture()
def workers_started(monkeypatch) -> list:
    started = []
    real = renderer_module.start_render

    def counted(*args, **kwargs):
        started.append(kwargs.get("worker"))
        return real(*args, **kwargs)

    monkeypatch.setattr(renderer_module, "start_render", counted)
    return started


class _Context:
    """What the resource's set-up and tear-down are given (they do not read it)."""


def test_a_started_render_is_collected_and_writes_the_bytes_of_a_render_of_its_own(tmp_path, workers_started):
    write_pdf(HTML, tmp_path / "direct.pdf", **_options(tmp_path))
    renderer = PdfRenderer()
    renderer.setup_for_execution(_Context())
    try:
        assert renderer.start(HTML, tmp_path / "early.pdf", **_options(tmp_path))
        assert not renderer.start(HTML, tmp_path / "early.pdf", **_options(tmp_path))  # one render per run
        result = renderer.write_pdf(HTML, tmp_path / "early.pdf", **_options(tmp_path))
    finally:
        renderer.teardown_after_execution(_Context())
    assert len(workers_started) == 1  # collected, not rendered a second time
    assert result.pages >= 6 and result.seconds > 0
    assert (tmp_path / "early.pdf").read_bytes() == (tmp_path / "direct.pdf").read_bytes()


def test_files_written_while_the_pdf_is_laid_out_are_attached(tmp_path):
    """The exports the PDF attaches run beside the render: the files are named when it is collected."""
    table = tmp_path / "table.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    write_pdf(HTML, tmp_path / "direct.pdf", attachments=[table], **_options(tmp_path))
    table.unlink()
    renderer = PdfRenderer()
    renderer.setup_for_execution(_Context())
    try:
        renderer.start(HTML, tmp_path / "early.pdf", **_options(tmp_path))
        table.write_text("a,b\n1,2\n", encoding="utf-8")  # written after the render started
        renderer.write_pdf(HTML, tmp_path / "early.pdf", attachments=[table], **_options(tmp_path))
    finally:
        renderer.teardown_after_execution(_Context())
    pdf = (tmp_path / "early.pdf").read_bytes()
    assert b"/EmbeddedFile" in pdf and pdf == (tmp_path / "direct.pdf").read_bytes()


def test_a_render_started_for_other_html_is_stopped_and_the_asked_one_rendered(tmp_path, workers_started):
    other = HTML.replace("Section 0", "Section zero")
    write_pdf(other, tmp_path / "direct.pdf", **_options(tmp_path))
    renderer = PdfRenderer()
    renderer.setup_for_execution(_Context())
    try:
        renderer.start(HTML, tmp_path / "x.pdf", **_options(tmp_path))
        started = renderer._pending[1]  # noqa: SLF001
        renderer.write_pdf(other, tmp_path / "x.pdf", **_options(tmp_path))
    finally:
        renderer.teardown_after_execution(_Context())
    assert len(workers_started) == 2
    assert started._worker._process.returncode is not None  # noqa: SLF001 -- the first render was stopped
    assert (tmp_path / "x.pdf").read_bytes() == (tmp_path / "direct.pdf").read_bytes()


def test_a_run_that_fails_after_starting_its_pdf_stops_the_render(tmp_path):
    seen = []

    @dg.asset(required_resource_keys={"renderer"})
    def paged(context) -> None:
        renderer = context.resources.renderer
        renderer.start(HTML * 40, tmp_path / "x.pdf", **_options(tmp_path))
        seen.append(renderer._pending[1]._worker.pid)  # noqa: SLF001 -- the process rendering it
        assert not _gone(seen[0])

    @dg.asset(deps=[paged])
    def exports_that_fail() -> None:
        raise ValueError("a table could not be written")

    result = dg.materialize([paged, exports_that_fail], resources={"renderer": PdfRenderer()}, raise_on_error=False)
    assert not result.success and seen
    assert _gone(seen[0])


def test_every_step_the_pdf_does_not_need_is_ordered_after_the_start_of_the_render():
    """Checked against the asset graph, so that a new step lands on the right side: the steps the paged
    HTML needs keep the default priority, every other step runs beside the render, report_pdf last."""
    from pipelines.definitions import ALL_ASSETS, ALL_CHECKS
    from pipelines.settings import AFTER_THE_OTHER_STEPS, WHILE_THE_PDF_RENDERS

    needed = {key.to_user_string() for key in dg.AssetSelection.assets("report_paged_html").upstream().resolve(ALL_ASSETS)}
    priority = "dagster/priority"
    for asset in ALL_ASSETS:
        name = asset.key.to_user_string()
        tag = asset.op.tags.get(priority)
        if name in needed:
            assert tag is None, f"{name} is needed by the paged HTML and must not wait"
        elif name == "report_pdf":
            assert tag == AFTER_THE_OTHER_STEPS[priority]
        elif name not in WAITS_FOR_THE_PDF:
            assert tag == WHILE_THE_PDF_RENDERS[priority], f"{name} is not needed by the PDF: it should run while the PDF renders"
    for check in ALL_CHECKS:
        spec = next(iter(check.check_specs))
        tag = check.op.tags.get(priority)
        if spec.blocking:  # it gates the steps after its asset: it runs when they need it
            assert tag is None, f"{spec.name} is blocking"
        else:
            assert tag == WHILE_THE_PDF_RENDERS[priority], f"{spec.name} should run while the PDF renders"


def test_in_a_build_the_render_starts_before_the_other_steps_and_report_pdf_comes_after_them(afml13_build):
    instance, run_id = afml13_build.instance, afml13_build.result.run_id
    started, ended = {}, {}
    for position, record in enumerate(instance.all_logs(run_id)):  # in the order they were stored
        event = record.dagster_event
        if event is not None and event.event_type_value == "STEP_START":
            started[record.step_key] = position
        elif event is not None and event.event_type_value == "STEP_SUCCESS":
            ended[record.step_key] = position
    from pipelines.definitions import ALL_ASSETS, ALL_CHECKS
    from pipelines.settings import WHILE_THE_PDF_RENDERS

    beside = {d.op.name for d in [*ALL_ASSETS, *ALL_CHECKS] if WHILE_THE_PDF_RENDERS.items() <= d.op.tags.items()}
    assert {"validation_reports", "report_html", "data_package", "survey_exports", "indicator_exports"} <= beside <= set(started)
    assert all(started[step] > ended["report_paged_html"] for step in beside)
    assert all(started["report_pdf"] > ended[step] for step in beside)
    paged = instance.get_latest_materialization_event(dg.AssetKey("report_paged_html")).asset_materialization
    assert paged.metadata["pdf_render_started"].value is True
    pdf = instance.get_latest_materialization_event(dg.AssetKey("report_pdf")).asset_materialization
    assert pdf.metadata["render_seconds"].value > 0
