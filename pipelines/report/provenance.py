"""Provenance of a build: the edition, the build date from the data, the code commit, the versions of
the key packages and the SHA-256 of every input file. Printed in the colophon, written to manifest.json."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from pipelines.shared.checkout import ROOT
from pipelines.shared.content_cache import package_digest
from pipelines.sourcefiles import sha256_file

KEY_PACKAGES = ["dagster", "pandas", "pandera", "jinja2", "weasyprint", "matplotlib", "openpyxl", "markdown-it-py"]


@dataclass
class Provenance:
    edition: str
    build_date: str
    commit: str
    code_sha256: str  # of the pipeline package (code and locale catalogs), so that an uncommitted change is a change too
    packages: dict[str, str]
    inputs: list[dict[str, str]]  # {"path": ..., "sha256": ...}

    @property
    def fingerprint(self) -> str:
        """One hash of everything the build depends on: same fingerprint, same report."""
        text = "\n".join([self.edition, self.commit, self.code_sha256, *(f"{k}={v}" for k, v in sorted(self.packages.items())), *(f"{i['path']} {i['sha256']}" for i in self.inputs)])
        return hashlib.sha256(text.encode()).hexdigest()

    def as_record(self) -> dict:
        return asdict(self) | {"fingerprint": self.fingerprint}


def input_files(sources: Path, templates: Path, edition_id: str) -> list[Path]:
    """Every file a build of the edition reads: editions.yaml, the catalog, the frameworks it uses
    (its own and its evidence's), the edition folder, the survey folders it reads (its evidence's and
    its previous edition's, see :func:`pipelines.editions.survey_folders_read`), templates."""
    from pipelines.editions import load_editions, survey_folders_read
    from pipelines.frameworks import framework_files, load_framework
    from pipelines.survey.readers import is_survey_file

    editions = load_editions(sources)
    edition = editions[edition_id]
    evidence = editions[edition.evidence_id]
    files = [sources / "editions.yaml"]
    files += sorted(p for p in (sources / "catalog").rglob("*") if p.is_file())
    for framework_id in sorted({edition.framework, evidence.framework}):
        files += framework_files(load_framework(sources, framework_id))
    folders = [sources / "editions" / edition_id] + [sources / "editions" / read / "survey" for read in survey_folders_read(editions, edition_id) if read != edition_id]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.parent.name == "survey" and not is_survey_file(path):
                continue  # lock files and partial downloads are not inputs
            files.append(path)
    files += sorted(p for p in templates.rglob("*") if p.is_file())
    return list(dict.fromkeys(p.resolve() for p in files))


def code_commit(root: Path) -> str:
    """The git commit of the checkout (with ``-dirty`` when code differs from it), or ``unknown``."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipelines", "templates", "pyproject.toml", "requirements.lock"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def collect(sources: Path, templates: Path, edition_id: str, build_date: str) -> Provenance:
    root = sources.parent
    inputs = []
    for path in input_files(sources, templates, edition_id):
        try:
            shown = path.relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = path.name
        inputs.append({"path": shown, "sha256": sha256_file(path)})
    packages = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "not installed"
    return Provenance(edition_id, build_date, code_commit(ROOT), package_digest(), packages, inputs)
