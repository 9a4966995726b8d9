"""Incremental builds on the real afml-13 edition, in a copy of sources/: a narrative change reruns the
report only and publishes the same bytes as a forced build; a survey change reruns the survey and what
follows, not the catalog; a failed build makes the next one full; the summary is the full build's."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import SOURCES

EDITION = "afml-13"
# What a build folder holds besides the files every build writes: the marker naming the run that published it.
RUN_MARKER = "BUILD.json"
WRITERS = {"build_provenance", "source_table_exports", "validation_reports", "survey_exports", "indicator_exports", "report_html", "report_pdf", "data_package", "published_report"}
CATALOG = {"forums", "forum_subthemes", "clusters", "subclusters", "recommendations", "cluster_memberships"}


class Project:
    """A copy of sources/, its outputs and its instance, built with the command line's plan."""

    def __init__(self, root: Path, sources: Path):
        from pipelines.cli import build_job
        from pipelines.settings import ProjectPaths

        (root / "home").mkdir(parents=True, exist_ok=True)
        self.instance = dg.DagsterInstance.local_temp(str(root / "home"))
        self.paths = ProjectPaths(sources_dir=str(sources), outputs_dir=str(root / "outputs"))
        self.job = build_job(self.paths)

    def plan(self, force: bool = False):
        from pipelines.cli import plan_for

        return plan_for(self.instance, self.paths, EDITION, self.job, force)

    def build(self, plan, strict: bool = False):
        from pipelines.cli import run_build

        result = run_build(self.instance, self.paths, EDITION, plan=plan, job=self.job, strict=strict)
        return result

    def materialized(self, run_id: str) -> set[str]:
        events = self.instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        return {e.dagster_event.event_specific_data.materialization.asset_key.to_user_string() for e in events}

    def summary(self, run_id: str):
        from pipelines.operations.summary import summarize_run

        return summarize_run(self.instance, run_id, EDITION)

    def build_folder(self, run_id: str) -> Path:
        (folder,) = (self.paths.outputs / EDITION / "builds").glob(f"*-{run_id[:8]}")
        return folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != RUN_MARKER}


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """afml-13 built once in full from a copy of sources/ (the published build the tests start from)."""
    root = tmp_path_factory.mktemp("incremental")
    sources = root / "sources"
    shutil.copytree(SOURCES, sources)
    project = Project(root, sources)
    plan = project.plan()
    assert not plan.partial and plan.reason == "full build: no published build to start from"
    result = project.build(plan)
    assert result.success
    project.first_run = result.run_id
    return project


@pytest.fixture(scope="module")
def narrative_rebuild(project):
    """A sentence appended to a narrative file, then built: the run id."""
    append(project.paths.sources / "editions" / EDITION / "narrative" / "next-steps.md", "\nThe next forum will review these steps again.\n")
    plan = project.plan()
    assert plan.partial, plan.reason
    assert plan.reason == f"rebuilding the report only: sources/editions/{EDITION}/narrative/next-steps.md changed"
    assert plan.reused_from == project.first_run
    result = project.build(plan)
    assert result.success
    return result.run_id


def test_a_narrative_change_reruns_the_report_and_publishes_the_bytes_of_a_forced_build(project, narrative_rebuild, tmp_path):
    # only the report and the provenance ran; the survey intake, tables, catalog were reused, and the
    # exports and validation reports of the published build were taken over
    assert project.materialized(narrative_rebuild) == {"report_document", "build_provenance", "report_html", "report_paged_html", "report_pdf", "published_report"}
    steps = {s.step_key for s in project.instance.get_run_step_stats(narrative_rebuild)}
    assert "survey_intake" not in steps and "printed_vs_computed_printed_values_agree" not in steps
    assert "report_document_report_text_has_glyphs" in steps  # the checks of rerun assets come along
    assert project.instance.get_run_by_id(narrative_rebuild).tags["afml/reused_from"] == project.first_run
    # of the PDF, only two parts were laid out again: the changed chapter and the colophon, which prints
    # the fingerprint of the inputs; the others were reused
    pdf = project.instance.get_latest_materialization_event(dg.AssetKey("report_pdf")).asset_materialization.metadata
    assert pdf["pdf_parts"].value >= 10 and pdf["pdf_part_layouts"].value == 2
    # a forced build of the same inputs, in its own instance and outputs folder, publishes the same files
    forced = Project(tmp_path, project.paths.sources)
    result = forced.build(forced.plan(force=True))
    assert result.success
    pdf = forced.instance.get_latest_materialization_event(dg.AssetKey("report_pdf")).asset_materialization.metadata
    assert pdf["pdf_part_layouts"].value >= pdf["pdf_parts"].value  # a full build lays out every part
    incremental, full = files_of(project.build_folder(narrative_rebuild)), files_of(forced.build_folder(result.run_id))
    assert sorted(incremental) == sorted(full)
    assert [name for name in full if incremental[name] != full[name]] == []
    assert b"The next forum will review these steps again." in incremental["report.html"]
    assert (project.paths.outputs / EDITION / "latest").resolve() == project.build_folder(narrative_rebuild)
    # the summary, made of what the reused run recorded, is the full build's: failed WARN check included
    summary = project.summary(narrative_rebuild)
    assert summary == forced.summary(result.run_id)
    assert summary.files_read == 10 and summary.records_read == 420 and summary.quarantined == 0
    assert [c.check for c in summary.failed_warnings] == ["printed_values_agree"]


def test_a_narrative_text_reruns_the_report_from_the_narratives_on_and_a_box_from_the_sections_on(project, narrative_rebuild):
    # A narrative text is read only when the narratives are written in (report_document): the
    # sections built from the data and the outline (report_sections) are reused. A box, placed with
    # the sections, reruns them too. (test_a_narrative_change_reruns_the_report_... checks that the
    # partial build publishes the bytes of a forced build.)
    narrative = project.paths.sources / "editions" / EDITION / "narrative" / "successes-challenges.md"
    box = sorted((project.paths.sources / "editions" / EDITION / "narrative" / "boxes").glob("*.md"))[0]
    for changed in (narrative, box):
        text = changed.read_text(encoding="utf-8")
        append(changed, "\nA sentence for this test.\n")
        try:
            plan = project.plan()
        finally:
            changed.write_text(text, encoding="utf-8")
        selected = {key.to_user_string() for key in plan.selection}
        assert plan.partial and plan.reason.startswith("rebuilding the report only")
        assert {"report_document", "report_pdf", "published_report"} <= selected
        assert ("report_sections" in selected) == (changed == box), (changed.name, sorted(selected))


def test_the_writers_of_a_full_build_account_for_every_file_of_its_folder_once(project):
    """What a partial build takes over from the published build is exactly what each writer recorded."""
    from pipelines.operations.incremental import files_written

    folder = project.build_folder(project.first_run)
    recorded = {writer: files_written(project.instance, dg.AssetKey(writer), EDITION) for writer in WRITERS}
    assert all(recorded.values()), [w for w, files in recorded.items() if not files]
    every = [name for files in recorded.values() for name in files]
    assert len(every) == len(set(every))  # no file is written by two writers
    assert set(every) == set(files_of(folder)) | {RUN_MARKER}
    assert "report.pdf" in recorded["report_pdf"] and "manifest.json" in recorded["build_provenance"]


def test_a_writer_whose_files_are_not_in_the_published_build_is_rerun(project, narrative_rebuild):
    append(project.paths.sources / "editions" / EDITION / "narrative" / "intro.md", "\nA sentence for this test.\n")
    published = (project.paths.outputs / EDITION / "latest").resolve()
    moved = published / "data" / "tables"
    aside = published / "tables-aside"
    moved.rename(aside)
    try:
        plan = project.plan()
    finally:
        aside.rename(moved)
    assert plan.partial
    assert {"source_table_exports", "data_package"} <= {key.to_user_string() for key in plan.selection}
    assert "source_table_exports" not in plan.taken_over and "survey_exports" in plan.taken_over


def test_a_writer_whose_files_were_changed_in_the_published_build_is_rerun(project, narrative_rebuild):
    """A file edited by hand in the published folder is not carried into the next build."""
    append(project.paths.sources / "editions" / EDITION / "narrative" / "intro.md", "\nAnother sentence for this test.\n")
    edited = (project.paths.outputs / EDITION / "latest").resolve() / "data" / "respondents.csv"
    original = edited.read_bytes()
    edited.write_bytes(original.replace(b",", b";", 1))
    try:
        plan = project.plan()
    finally:
        edited.write_bytes(original)
    assert plan.partial and "survey_exports" in {key.to_user_string() for key in plan.selection}
    assert "survey_exports" not in plan.taken_over and "indicator_exports" in plan.taken_over


def test_a_table_change_would_rerun_the_tables_and_the_report_only(project, narrative_rebuild):
    table = next((project.paths.sources / "editions" / EDITION / "tables").glob("*.yaml"))
    original = table.read_text(encoding="utf-8")
    try:
        table.write_text(original + "\n", encoding="utf-8")
        plan = project.plan()
    finally:
        table.write_text(original, encoding="utf-8")
    assert plan.partial and plan.reason.startswith("rebuilding from the source tables on: ")
    selected = {key.to_user_string() for key in plan.selection}
    assert {"source_tables", "printed_vs_computed", "source_table_exports", "data_package", "build_provenance", "report_document", "report_html", "report_pdf", "published_report"} <= selected
    assert not selected & (CATALOG | {"survey_intake", "respondents", "initiatives", "cluster_indicators", "indicator_changes"})
    assert sorted(plan.taken_over) == ["indicator_exports", "survey_exports", "validation_reports"]


def test_a_missing_stored_result_means_a_full_build(project, narrative_rebuild):
    from pipelines.operations.incremental import storage_path

    append(project.paths.sources / "editions" / EDITION / "narrative" / "intro.md", "\nOne more sentence.\n")
    stored = storage_path(project.instance, dg.AssetKey("initiatives"), EDITION)
    aside = stored.with_name("aside")
    stored.rename(aside)
    try:
        plan = project.plan()
    finally:
        aside.rename(stored)
    assert not plan.partial and plan.reason == "full build: stored results of the published build are missing (initiatives)"
    assert project.plan().partial


def test_the_same_narrative_edited_again_reuses_the_full_build_and_its_summary_reads_two_runs(project, narrative_rebuild, monkeypatch):
    append(project.paths.sources / "editions" / EDITION / "narrative" / "next-steps.md", "\nThe forum will hear of these steps once more.\n")
    plan = project.plan()
    assert plan.partial and plan.selection >= set(project.instance.get_run_by_id(narrative_rebuild).asset_selection)
    # the first edit's run reran everything this one reruns: it recorded nothing this build keeps
    assert plan.reused_from == project.first_run
    result = project.build(plan)
    assert result.success
    read = []
    all_logs = project.instance.all_logs
    monkeypatch.setattr(project.instance, "all_logs", lambda run_id, *args, **kwargs: read.append(run_id) or all_logs(run_id, *args, **kwargs))
    summary = project.summary(result.run_id)
    assert read == [result.run_id, project.first_run]  # not the first edit's run: the chain stays short
    assert summary.files_read == 10 and summary.records_read == 420
    assert [c.check for c in summary.failed_warnings] == ["printed_values_agree"]


def test_a_survey_change_reruns_the_survey_and_what_follows_and_strict_still_refuses(project, narrative_rebuild):
    published = (project.paths.outputs / EDITION / "latest").resolve()
    survey = project.paths.sources / "editions" / EDITION / "survey" / "literature-review.csv"
    append(survey, "LR-997,THA,Incremental test initiative,Added by the incremental build test.,A,A1,,2020,,ongoing,unknown,,,,literature_review\n")
    plan = project.plan()
    assert plan.partial and plan.reason.startswith("rebuilding from the survey on: ")
    # the narrative rebuilds since the full build reran nothing this build keeps: it reuses the full
    # build's results
    assert plan.reused_from == project.first_run
    result = project.build(plan, strict=True)
    ran = project.materialized(result.run_id)
    assert {"survey_intake", "respondents", "initiatives", "cluster_indicators", "subcluster_indicators", "coverage", "indicator_changes", "report_document", "report_pdf"} <= ran
    assert not ran & (CATALOG | {"source_tables", "printed_vs_computed", "source_table_exports"})
    # strict mode sees the failed WARN check of the reused tables stage and publishes nothing
    assert not result.success
    summary = project.summary(result.run_id)
    assert summary.initiatives_accepted == 390 and [c.check for c in summary.failed_warnings] == ["printed_values_agree"]
    assert (project.paths.outputs / EDITION / "latest").resolve() == published
    # the refused run overwrote the stored values: the next build cannot reuse them
    plan = project.plan()
    assert not plan.partial and plan.reason == f"full build: the last build of {EDITION} is not the published one (its stored results cannot be reused)"


def test_after_a_failed_build_the_next_one_is_full(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    project = Project(tmp_path, sources)
    assert project.build(project.plan()).success
    narrative = sources / "editions" / EDITION / "narrative" / "intro.md"
    original = narrative.read_text(encoding="utf-8")
    append(narrative, "\n{{ 1 / 0 }}\n")
    plan = project.plan()
    assert plan.partial
    failed = project.build(plan)
    assert not failed.success  # build_provenance ran and stored its new value before report_document failed
    narrative.write_text(original + "\nA corrected sentence.\n", encoding="utf-8")
    plan = project.plan()
    assert not plan.partial and "is not the published one" in plan.reason


def test_changes_of_code_or_catalog_mean_a_full_build():
    from pipelines.operations.incremental import changed_inputs, code_difference

    before = {"edition": EDITION, "commit": "a", "code_sha256": "c", "packages": {"dagster": "1"}, "inputs": [{"path": "x", "sha256": "1"}, {"path": "y", "sha256": "2"}]}
    assert code_difference(before, before) is None
    assert code_difference(before, before | {"code_sha256": "d"}) == "the code changed"
    assert code_difference(before, before | {"packages": {"dagster": "2"}}) == "package versions changed"
    commit = "0123456789abcdef0123456789abcdef01234567"
    # a template edited in the checkout marks the commit dirty; the template itself is an input
    assert code_difference(before | {"commit": commit}, before | {"commit": commit + "-dirty"}) is None
    assert changed_inputs(before, before | {"inputs": [{"path": "x", "sha256": "9"}, {"path": "z", "sha256": "3"}]}) == ["x", "y", "z"]


def test_every_asset_that_writes_the_build_folder_is_tagged_and_the_roots_exist():
    """An untagged writer would leave its files out of an incremental build's folder."""
    from pipelines.definitions import ALL_ASSETS
    from pipelines.operations.stages import ROOT_ASSETS
    from pipelines.settings import WRITES_BUILD_FOLDER

    writes = {a.key.to_user_string() for a in ALL_ASSETS if "build_dir(" in inspect.getsource(a.op.compute_fn.decorated_fn)}
    # report_paged_html starts the PDF render into the build folder; the file stays in progress
    # (report.pdf.part, never recorded) until report_pdf, the writer, gives it its name.
    writes.discard("report_paged_html")
    tagged = {a.key.to_user_string() for a in ALL_ASSETS if WRITES_BUILD_FOLDER.items() <= dict(a.tags_by_key[a.key]).items()}
    assert writes == tagged == WRITERS
    names = {a.key.to_user_string() for a in ALL_ASSETS}
    assert {root for roots in ROOT_ASSETS.values() for root in roots} <= names
