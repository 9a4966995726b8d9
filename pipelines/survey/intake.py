"""Intake of an edition's survey folder: read every file, validate every record."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.editions import Edition
from pipelines.sourcefiles import relative_name
from pipelines.survey.readers import MAX_FILE_BYTES, FileRead, link_refused, read_file, survey_files, survey_links
from pipelines.survey.validate import Catalogue, IntakeResult, validate


def catalogue_for(edition: Edition, clusters: pd.DataFrame, subclusters: pd.DataFrame, recommendations: pd.DataFrame) -> Catalogue:
    reviewed = edition.reviewed(recommendations)
    return Catalogue(
        clusters=dict(zip(clusters["cluster"], clusters["title"])),
        subclusters=dict(zip(subclusters["subcluster_id"], subclusters["cluster"])),
        subcluster_titles={t.lower(): s for s, t in zip(subclusters["subcluster_id"], subclusters["title"])},
        recommendations=set(reviewed["recommendation_id"]),
        edition=edition,
    )


# What reading a survey file depends on besides its bytes: the whole pipeline package (the readers, the
# form's fields, the locale catalogs of its labels) and the packages that parse workbooks and frames.
READER_PACKAGES = ("pandas", "openpyxl", "babel")
KEPT_MAX_BYTES = 20 * 1024 * 1024  # a questionnaire is a few hundred kB; a large export parses fast enough and would fill the cache


def read_file_kept(path: Path, display_name: str) -> FileRead:
    """:func:`pipelines.survey.readers.read_file`, or, inside a build's content cache
    (:mod:`pipelines.shared.content_cache`), what it gave for the same bytes under the same name with
    the same code: a forced build or a rebuild after another file changed does not parse an unchanged
    workbook again (about 0.3 s of a build). Problems and findings come back with the rows, as read.
    Files over :data:`KEPT_MAX_BYTES` (large form exports) are read every time."""
    import hashlib
    import pickle

    from pipelines.shared.content_cache import cache_in_use, cached, pipeline_identity

    if not cache_in_use() or path.is_symlink() or not path.is_file() or path.stat().st_size > min(KEPT_MAX_BYTES, MAX_FILE_BYTES[path.suffix.lower()]):
        return read_file(path, display_name)  # nothing kept; a link or an oversized file is refused by the reader, which says why
    try:
        data = path.read_bytes()
    except OSError:
        return read_file(path, display_name)  # says it cannot be read
    key = hashlib.sha256(pipeline_identity(READER_PACKAGES))
    key.update(f"{display_name}\0{path.suffix.lower()}\0".encode() + data)
    return pickle.loads(cached("survey", key.digest(), lambda: pickle.dumps(read_file(path, display_name, data), protocol=5)))  # noqa: S301 -- the build's own cache


def run_intake(folder: Path, root: Path, catalogue: Catalogue, now=None) -> IntakeResult:
    """Read and validate every survey file in ``folder`` (lock files and partial downloads skipped;
    links reported, never followed)."""
    if folder.is_symlink():
        return validate([link_refused(relative_name(folder, root))], catalogue, now=now)
    files = [read_file_kept(path, relative_name(path, root)) for path in survey_files(folder)]
    files += [link_refused(relative_name(path, root)) for path in survey_links(folder)]
    return validate(sorted(files, key=lambda f: f.file), catalogue, now=now)
