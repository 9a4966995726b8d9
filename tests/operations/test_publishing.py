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
