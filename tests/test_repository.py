"""What the repository holds: nothing of one machine (a link to an absolute path) and not the set-up's
virtual environment, whatever form it takes there."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def test_no_tracked_link_points_to_an_absolute_path():
    links = [line.split("\t", 1)[1] for line in _git("ls-files", "-s").stdout.splitlines() if line.startswith("120000 ")]
    absolute = {path: target for path in links if (target := _git("cat-file", "-p", f"HEAD:{path}").stdout).startswith("/")}
    assert absolute == {}


def test_the_virtual_environment_is_ignored_as_a_folder_and_as_a_link(tmp_path):
    """``.venv/`` ignores a folder only: a ``.venv`` linked to a shared environment was committed once,
    and checking that commit out replaced the real one. Checked in a scratch repository with the
    project's ignore rules, where ``.venv`` is a link, then a folder."""
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".venv").symlink_to("/elsewhere/venv")
    as_link = subprocess.run(["git", "check-ignore", "-q", ".venv"], cwd=tmp_path).returncode
    (tmp_path / ".venv").unlink()
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").write_text("")
    as_folder = subprocess.run(["git", "check-ignore", "-q", ".venv/bin/python"], cwd=tmp_path).returncode
    assert (as_link, as_folder) == (0, 0)
