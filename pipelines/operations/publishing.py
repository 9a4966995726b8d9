"""Safe publishing of a build.

A build writes everything into ``outputs/<edition>/builds/<build-id>/``. Only when the whole build
has succeeded is ``outputs/<edition>/latest`` switched to it, with one atomic ``rename`` of a
symbolic link. The stable paths (``report.pdf``, ``report.html``, ``data/``, …) are links through
``latest``, so readers never see a half-written report, and a failed or killed build leaves the
last good one published. The newest ``keep`` builds are kept; a build another process is still
writing is never pruned (see ``locking``).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from pipelines.settings import BUILDS, build_dir_for_run  # noqa: F401  (build folders are named in one place)
from pipelines.shared.locking import done_running, is_running

LATEST = "latest"
STABLE_NAMES = ["report.pdf", "report.html", "data", "validation", "manifest.json", "data-quality.csv"]
COMPLETE_MARKER = "BUILD.json"


class IncompleteBuild(RuntimeError):
    """A build folder lacks artefacts that every published build has (``missing``)."""

    def __init__(self, build_dir: Path, missing: list[str]):
        super().__init__(f"build {build_dir.name} is incomplete ({', '.join(missing)} missing); the last good report stays published")
        self.missing = missing


def missing_artefacts(build_dir: Path, required: list[str]) -> list[str]:
    return [name for name in required if not (build_dir / name).exists()]


def publish(edition_dir: Path, build_dir: Path, required: list[str], keep: int = 5, info: dict | None = None) -> Path:
    """Make ``build_dir`` the published build of its edition, atomically; prune old builds.

    Raises :class:`IncompleteBuild` (and publishes nothing) when an artefact in ``required`` is missing.
    """
    missing = missing_artefacts(build_dir, required)
    if missing:
        raise IncompleteBuild(build_dir, missing)
    done_running(build_dir)
    (build_dir / COMPLETE_MARKER).write_text(json.dumps(info or {}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    latest = edition_dir / LATEST
    staging = edition_dir / f".{LATEST}.tmp-{os.getpid()}"
    if staging.is_symlink() or staging.exists():
        staging.unlink()
    staging.symlink_to(Path(BUILDS) / build_dir.name)
    os.replace(staging, latest)  # the atomic step
    for name in STABLE_NAMES:
        link = edition_dir / name
        present = (build_dir / name).exists()
        if link.is_symlink():
            if not present:
                link.unlink()
            continue
        if link.exists():  # a plain copy left by hand: replace it with a link
            shutil.rmtree(link) if link.is_dir() else link.unlink()
        if present:
            link.symlink_to(Path(LATEST) / name)
    prune(edition_dir, keep)
    return latest


def published_build(edition_dir: Path) -> Path | None:
    latest = edition_dir / LATEST
    return latest.resolve() if latest.is_symlink() else None


def prune(edition_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` complete builds, and incomplete ones older than them.

    The published build, and a build that a process is still writing, are never deleted.
    """
    builds_dir = edition_dir / BUILDS
    if not builds_dir.exists():
        return []
    current = published_build(edition_dir)
    builds = sorted((p for p in builds_dir.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True)
    complete = [p for p in builds if (p / COMPLETE_MARKER).exists()]
    kept = set(complete[: max(keep, 1)])
    newest_kept = min((p.name for p in kept), default="")
    removed = []
    for build in builds:
        if build in kept or build == current or is_running(build):
            continue
        if not (build / COMPLETE_MARKER).exists() and build.name > newest_kept:
            continue  # possibly a build still running
        shutil.rmtree(build)
        done_running(build)
        removed.append(build)
    return removed
