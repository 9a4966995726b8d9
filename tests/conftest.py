"""Shared fixtures: the real catalog and sources, and one full build of afml-13 into a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(SOURCES / "catalog" / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def catalog() -> dict[str, pd.DataFrame]:
    return {n: read(f"{n}.csv") for n in ("forums", "forum_subthemes", "clusters", "subclusters", "recommendations", "memberships")}


@pytest.fixture(scope="session")
def edition():
    from pipelines.editions import load_editions

    return load_editions(SOURCES)["afml-13"]


@pytest.fixture()
def sources_copy(tmp_path) -> Path:
    """A writable copy of sources/, for tests that plant problems in it."""
    target = tmp_path / "sources"
    shutil.copytree(SOURCES, target)
    return target


class Build:
    """A finished build: its result, paths and instance."""

    def __init__(self, result, paths, instance, outputs: Path):
        self.result, self.paths, self.instance, self.outputs = result, paths, instance, outputs

    @property
    def edition_dir(self) -> Path:
        return self.outputs / "afml-13"


def build_into(tmp: Path, sources: Path = SOURCES) -> Build:
    import dagster as dg

    from pipelines.cli import run_build
    from pipelines.settings import ProjectPaths

    home = tmp / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    instance = dg.DagsterInstance.local_temp(str(home))
    paths = ProjectPaths(sources_dir=str(sources), outputs_dir=str(tmp / "outputs"))
    result = run_build(instance, paths, "afml-13")
    return Build(result, paths, instance, tmp / "outputs")


@pytest.fixture(scope="session")
def afml13_build(tmp_path_factory) -> Build:
    """The whole asset graph of afml-13 materialised once into a temporary instance and output folder."""
    build = build_into(tmp_path_factory.mktemp("build"))
    assert build.result.success, "the afml-13 build failed"
    return build
