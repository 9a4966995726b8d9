"""The one Dagster resource: where the project's folders are, which edition a run builds (with its
framework), and the run's build folder.

Nothing here touches the disk at import time: the paths are computed when a run asks for them,
so tests can point a whole build at a temporary folder. An asset asks this resource for its edition
(``paths.edition(context)``) and its build folder (``paths.build_dir(context)``) instead of reading
editions.yaml or looking through outputs/ itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg

from pipelines.editions import Edition, load_editions
from pipelines.frameworks import Framework, load_framework
from pipelines.shared.checkout import ROOT as PROJECT_ROOT

BUILDS = "builds"
TAG_PREFIX = "afml/"  # of the tags the pipeline sets on runs and assets (the summary's figures, the edition, reuse)
WRITES_BUILD_FOLDER = {f"{TAG_PREFIX}writes": "build-folder"}
"""Asset tag of every asset that writes files into the run's build folder (``ProjectPaths.build_dir``),
set by :func:`build_folder_writer`. Each also records the files it wrote (:func:`records_files_written`): an incremental build that does not
rerun it takes those files over from the published build, so its folder is as complete as a full build's."""

# The order of a run's steps around the PDF render. Dagster's in-process executor runs the ready step
# of the highest ``dagster/priority`` first (ties in the plan's order). The steps the paged HTML needs
# keep the default, so they come first and the render starts (``report_paged_html``) as early as it
# can; the steps the PDF does not need then run beside the render, on the machine's other core; the
# step that waits for the PDF comes last.
WHILE_THE_PDF_RENDERS = {"dagster/priority": "-1"}
"""Op tags of the steps the PDF does not need: exports, validation reports, the HTML edition, checks."""
AFTER_THE_OTHER_STEPS = {"dagster/priority": "-2"}
"""Op tags of ``report_pdf``, which waits for the render the paged HTML started."""

FILES_WRITTEN = "files_written"
"""Materialization metadata of a writer: the files it wrote (paths relative to the build folder) and
the SHA-256 of each, ``{"data/initiatives.csv": "<sha256>", ...}``."""


REUSED_FROM_TAG = f"{TAG_PREFIX}reused_from"
"""Run tag of an incremental build: the run whose stored values it reused for the assets it did not
rerun (set by pipelines/operations/incremental.py; the PDF then reuses the layouts of unchanged parts)."""


IN_PROGRESS_SUFFIX = ".part"
"""A file of the build folder still being written by another process (the PDF, ``report.pdf.part``,
while the other steps run): no step's output, so never recorded as one."""


def _file_states(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {p.relative_to(folder).as_posix(): (s.st_ino, s.st_size, s.st_mtime_ns) for p in folder.rglob("*") if p.is_file() and p.suffix != IN_PROGRESS_SUFFIX and (s := p.stat())}


def build_folder_writer(**asset_options):
    """``@dg.asset`` for an asset that writes files into the run's build folder: the asset is tagged
    :data:`WRITES_BUILD_FOLDER` and records the files it wrote (:func:`records_files_written`), the two
    things an incremental build relies on, applied together so that neither can be forgotten."""

    def decorate(asset_fn):
        options = dict(asset_options)
        tags = {**options.pop("tags", {}), **WRITES_BUILD_FOLDER}
        return dg.asset(tags=tags, **options)(records_files_written(asset_fn))

    return decorate


def records_files_written(asset_fn):
    """Decorates a writer asset (one with ``context`` and ``paths`` parameters, tagged
    :data:`WRITES_BUILD_FOLDER`): the files it creates or rewrites in the run's build folder, with their
    SHA-256, are added to its materialization's metadata under :data:`FILES_WRITTEN`. Steps run one at a
    time in a build, so what changed in the folder during the step is what the step wrote; the one
    file written beside them, the PDF being rendered, ends in :data:`IN_PROGRESS_SUFFIX` until
    ``report_pdf`` gives it its name."""
    import functools
    import inspect

    from pipelines.sourcefiles import sha256_file

    signature = inspect.signature(asset_fn)

    @functools.wraps(asset_fn)
    def recording(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs).arguments
        context, folder = arguments["context"], arguments["paths"].build_dir(arguments["context"])
        before = _file_states(folder)
        result = asset_fn(*args, **kwargs)
        written = sorted(name for name, state in _file_states(folder).items() if before.get(name) != state)
        context.add_output_metadata({FILES_WRITTEN: dg.MetadataValue.json({name: sha256_file(folder / name) for name in written})})
        return result

    return recording


def build_dir_for_run(edition_dir: Path, run_id: str) -> Path:
    """The build folder of a run (created on first use), named ``<UTC time>-<run id prefix>``; marked as
    running (so that pruning old builds leaves it alone) until it is published or the process ends."""
    from pipelines.shared.locking import mark_running

    builds = edition_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    suffix = run_id[:8]
    existing = sorted(p for p in builds.glob(f"*-{suffix}") if p.is_dir())
    if existing:
        path = existing[0]
    else:
        path = builds / f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}Z-{suffix}"
        path.mkdir()
    mark_running(path)
    return path


def _partition(context_or_id) -> str:
    return context_or_id if isinstance(context_or_id, str) else context_or_id.partition_key


class ProjectPaths(dg.ConfigurableResource):
    """Folders the pipeline reads from (sources, templates) and writes to (outputs); the edition of a
    run and its build folder."""

    sources_dir: str = str(PROJECT_ROOT / "sources")
    templates_dir: str = str(PROJECT_ROOT / "templates")
    outputs_dir: str = str(PROJECT_ROOT / "outputs")

    @property
    def sources(self) -> Path:
        return Path(self.sources_dir)

    @property
    def templates(self) -> Path:
        return Path(self.templates_dir)

    @property
    def outputs(self) -> Path:
        return Path(self.outputs_dir)

    @property
    def root(self) -> Path:
        """The checkout: file names in messages and manifests are relative to it."""
        return self.sources.parent

    def editions(self) -> dict[str, Edition]:
        """Every edition of ``sources/editions.yaml``, with its framework."""
        return load_editions(self.sources)

    def edition(self, context_or_id) -> Edition:
        """The edition a run builds (its partition), or the edition of that id."""
        edition_id = _partition(context_or_id)
        editions = self.editions()
        if edition_id not in editions:
            raise ValueError(f"sources/editions.yaml declares no edition {edition_id!r} (declared: {', '.join(editions)})")
        return editions[edition_id]

    def edition_sources(self, edition_id: str) -> Path:
        return self.sources / "editions" / edition_id

    def framework(self, context_or_id) -> Framework:
        """The framework of an edition (of the run's partition, or of the edition of that id)."""
        return load_framework(self.sources, self.edition(context_or_id).framework)

    def survey_dir(self, context_or_id) -> Path:
        """The survey folder an edition's evidence comes from: its own, or that of the edition it
        takes its evidence from (``evidence.survey_of`` in editions.yaml: one intake, several frameworks)."""
        return self.edition_sources(self.edition(context_or_id).evidence_id) / "survey"

    @property
    def cache_dir(self) -> Path:
        """Results kept by content between builds (charts, font subsets; see pipelines/shared/content_cache.py)."""
        return self.outputs / ".cache"

    def edition_outputs(self, edition_id: str) -> Path:
        return self.outputs / edition_id

    def build_dir(self, context: dg.AssetExecutionContext) -> Path:
        """The folder this run writes its edition's build into (created on first use)."""
        return build_dir_for_run(self.edition_outputs(context.partition_key), context.run.run_id)
