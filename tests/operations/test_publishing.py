"""Safe publishing: a build becomes visible in one atomic step, and only when complete."""

from __future__ import annotations

import os

import pytest

from pipelines.operations.publishing import COMPLETE_MARKER, build_dir_for_run, prune, publish, published_build

REQUIRED = ["report.html", "report.pdf"]


def make_build(edition_dir, run_id, content=b"pdf"):
    build = build_dir_for_run(edition_dir, run_id)
    (build / "report.pdf").write_bytes(content)
    (build / "report.html").write_text("html")
    (build / "data").mkdir()
    return build


def test_a_run_gets_one_build_folder(tmp_path):
    assert build_dir_for_run(tmp_path, "abcdef123456") == build_dir_for_run(tmp_path, "abcdef12ffff")
    assert build_dir_for_run(tmp_path, "abcdef123456").name.endswith("-abcdef12")


def test_publishing_switches_the_stable_paths(tmp_path):
    first = make_build(tmp_path, "run1aaaaaaaa", b"first")
    publish(tmp_path, first, REQUIRED)
    assert (tmp_path / "report.pdf").read_bytes() == b"first"
    assert os.readlink(tmp_path / "report.pdf") == "latest/report.pdf"
    assert not (tmp_path / "validation").exists()  # no link to what the build does not have
    second = make_build(tmp_path, "run2bbbbbbbb", b"second")
    publish(tmp_path, second, REQUIRED)
    assert (tmp_path / "report.pdf").read_bytes() == b"second"
    assert published_build(tmp_path) == second.resolve()


def test_an_incomplete_build_is_never_published(tmp_path):
    good = make_build(tmp_path, "goodaaaaaaaa", b"good")
    publish(tmp_path, good, REQUIRED)
    broken = build_dir_for_run(tmp_path, "brokenbbbbbb")
    (broken / "report.html").write_text("half")
    with pytest.raises(RuntimeError, match="incomplete"):
        publish(tmp_path, broken, REQUIRED)
    assert (tmp_path / "report.pdf").read_bytes() == b"good"
    assert not (broken / COMPLETE_MARKER).exists()


def test_only_the_newest_builds_are_kept(tmp_path):
    builds = []
    for n in range(4):
        build = tmp_path / "builds" / f"2026010{n}T000000Z-run{n}"
        build.mkdir(parents=True)
        (build / "report.pdf").write_bytes(b"x")
        (build / "report.html").write_text("x")
        builds.append(build)
        publish(tmp_path, build, REQUIRED, keep=10)
    removed = prune(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == [builds[0].name, builds[1].name]
    assert published_build(tmp_path) == builds[3].resolve()


def test_a_run_of_a_few_assets_from_the_ui_says_what_to_run_instead(tmp_path):
    """Publishing from a run that made only part of the build folder (a few assets materialised from
    the UI) fails with what is missing and how to build the whole edition; nothing is published."""
    import uuid

    import dagster as dg

    from pipelines.operations.assets import published_report
    from pipelines.partitions import sync_edition_partitions
    from pipelines.settings import ProjectPaths, build_dir_for_run
    from tests.conftest import SOURCES

    paths = ProjectPaths(sources_dir=str(SOURCES), outputs_dir=str(tmp_path / "outputs"))
    run_id = str(uuid.uuid4())
    build = build_dir_for_run(paths.edition_outputs("afml-13"), run_id)
    (build / "report.html").write_text("<p>only the HTML edition was rebuilt</p>")
    job = dg.Definitions(assets=[published_report], resources={"paths": paths}).resolve_implicit_global_asset_job_def()
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        sync_edition_partitions(instance, paths)
        result = job.execute_in_process(instance=instance, partition_key="afml-13", run_id=run_id, raise_on_error=False)
        (failure,) = [e for e in instance.all_logs(run_id) if e.dagster_event and e.dagster_event.is_step_failure]
    message = failure.dagster_event.step_failure_data.user_failure_data.description
    assert not result.success
    assert "report.pdf, manifest.json, data, validation missing, because this run did not make them" in message
    assert "Materialize all in the UI, or make report EDITION=afml-13" in message
    assert not (paths.edition_outputs("afml-13") / "latest").exists()
