"""Incremental builds: after a change of a few source files, rerun only the assets those files feed and
everything downstream of them; the other assets' values are loaded from the instance's storage, where
the published build's run left them (Dagster does that for unselected upstream assets).

The published build's ``manifest.json`` is the baseline: the files whose SHA-256 differ (or that were
added or removed) are the change, and :mod:`pipelines.operations.stages` says which first assets they
feed. An asset that writes into the run's build folder (tag ``WRITES_BUILD_FOLDER``) and is not rerun
has its files taken over from the published build: the files its latest materialization recorded
(``files_written``), copied into the new build folder before the run starts, so the new folder holds
the same bytes as a full build's. Anything less certain means a full build: another code or package
versions, a change of the catalog or frameworks, a newer run of the edition than the published one
(its stored values would be the ones loaded), a stored value missing. A writer whose files are not
recorded, or no longer in the published build, is rerun.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.operations.publishing import COMPLETE_MARKER, LATEST
from pipelines.operations.stages import EVERYTHING, FED_BY_EVERY_INPUT, REPORT_STAGES, ROOT_ASSETS, STAGE_NAMES, stage_of
from pipelines.settings import FILES_WRITTEN, REUSED_FROM_TAG, WRITES_BUILD_FOLDER, ProjectPaths

SHOWN_FILES = 3  # changed files named in the one line a build starts with
MAX_SKIPPED_RUNS = 1000  # a guard against a cycle of tags set by hand (reused_run)


@dataclass
class BuildPlan:
    """What a build runs: everything (``selection`` None) or the assets in ``selection``, reusing the
    stored values the other assets have, recorded by run ``reused_from`` (:func:`reused_run`);
    ``reason`` says which and why, in the user's words."""

    reason: str
    selection: set | None = None  # of AssetKey
    reused_from: str | None = None
    changed: list[str] = field(default_factory=list)
    published_folder: Path | None = None  # the published build's folder, where the files taken over are
    taken_over: dict[str, list[str]] = field(default_factory=dict)  # writer not rerun -> its files there

    @property
    def partial(self) -> bool:
        return self.selection is not None

    def tags(self) -> dict[str, str]:
        return {REUSED_FROM_TAG: self.reused_from} if self.partial else {}


def full(reason: str) -> BuildPlan:
    return BuildPlan(f"full build: {reason}")


def _named(files: list[str]) -> str:
    shown = ", ".join(files[:SHOWN_FILES])
    return shown + (f" and {len(files) - SHOWN_FILES} more" if len(files) > SHOWN_FILES else "")


def changed_inputs(published: dict, current: dict) -> list[str]:
    """Input files (as the manifests name them) added, removed or with other contents."""
    before = {(i["path"], i["sha256"]) for i in published.get("inputs", [])}
    after = {(i["path"], i["sha256"]) for i in current.get("inputs", [])}
    return sorted({path for path, _ in before ^ after})


def code_difference(published: dict, current: dict) -> str | None:
    """Why the code or its environment differ from the published build's, or None.

    The git commit is not compared: the pipeline's code is (``code_sha256``, every file of
    ``pipelines/``, modules and locale catalogs), templates are inputs (a changed one reruns the
    report), and the commit itself is printed only in the colophon, which every build, partial or not,
    writes anew. So a new commit that changes no code, or an uncommitted template edit (which marks the
    commit ``-dirty``), reuses the stored results all the same."""
    if published.get("edition") != current.get("edition"):
        return "the published build is of another edition"
    if published.get("code_sha256") != current.get("code_sha256"):
        return "the code changed"
    if published.get("packages") != current.get("packages"):
        return "package versions changed"
    return None


def newest_run(instance, edition: str):
    """The newest run that materialised anything of this edition's partition (its storage is what is left)."""
    import dagster as dg

    runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/partition": edition}), limit=1)
    return runs[0] if runs else None


def stored_inputs(asset_graph, selection: set) -> set:
    """The asset keys whose stored values a run of ``selection`` loads: data inputs (not ``deps=``
    ordering) of the selected assets and of their checks that the selection does not compute."""
    checks = asset_graph.get_check_keys_for_assets(selection)
    nodes = {asset_graph.assets_def_for_key(key) for key in [*selection, *checks]}
    needed = set()
    for node in nodes:
        for name, key in node.keys_by_input_name.items():
            if key not in selection and not node.op.ins[name].dagster_type.is_nothing:
                needed.add(key)
    return needed


def count_steps(asset_graph, selection: set | None) -> int:
    """The steps of a build: one per asset and one per check of the selection (of the whole job if None)."""
    keys = set(asset_graph.executable_asset_keys) if selection is None else selection
    return len(keys) + len(asset_graph.get_check_keys_for_assets(keys))


def files_written(instance, key, partition: str) -> dict[str, str] | None:
    """The files (relative to the build folder) and their SHA-256 that the latest materialization of the
    writer ``key`` recorded for ``partition``; None when it recorded none (or never ran)."""
    import dagster as dg

    records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]), limit=1).records
    recorded = records[0].asset_materialization.metadata.get(FILES_WRITTEN) if records else None
    return dict(recorded.value) if recorded is not None and isinstance(recorded.value, dict) else None


def _holds(folder: Path, files: dict[str, str]) -> bool:
    """Whether ``folder`` holds every one of ``files`` with the recorded content."""
    from pipelines.sourcefiles import sha256_file

    return all((folder / name).is_file() and sha256_file(folder / name) == sha256 for name, sha256 in files.items())


def writers_to_take_over(instance, asset_graph, selection: set, partition: str, published: Path) -> tuple[dict[str, list[str]], set]:
    """The writers a partial build does not rerun, with the files the published build holds of theirs,
    and the selection grown by the writers that cannot be taken over (no record of their files, or a
    file gone or changed since it was written) and what follows them."""
    import dagster as dg

    tag = WRITES_BUILD_FOLDER.items()
    writers = {key for key in asset_graph.executable_asset_keys if tag <= dict(asset_graph.get(key).tags).items()}
    taken = {}
    for key in sorted(writers - selection, key=lambda k: k.to_user_string()):
        files = files_written(instance, key, partition)
        if files is not None and _holds(published, files):
            taken[key] = sorted(files)
        else:
            selection = selection | set(dg.AssetSelection.assets(key).downstream().resolve(asset_graph))
    return {key.to_user_string(): files for key, files in taken.items() if key not in selection}, selection


def take_over_files(plan: BuildPlan, build_dir: Path) -> int:
    """Copy the files of the writers ``plan`` does not rerun from the published build into the run's
    build folder (before the run starts); returns how many."""
    import shutil

    copied = 0
    for files in plan.taken_over.values():
        for name in files:
            target = build_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(plan.published_folder / name, target)
            copied += 1
    return copied


def storage_path(instance, key, partition: str) -> Path:
    """Where the default IO manager (pickles under the instance's ``storage/``) keeps an asset's value."""
    return Path(instance.storage_directory()).joinpath(*key.path, partition)


def plan_build(instance, paths: ProjectPaths, edition: str, current: dict, asset_graph, force: bool = False) -> BuildPlan:
    """Full or partial build of ``edition``, given the provenance record of the current sources and code."""
    import dagster as dg

    if force:
        return full("asked for (--force)")
    if not current:
        return full("the sources could not be read in advance")
    latest = paths.edition_outputs(edition) / LATEST
    try:
        published = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
        run_id = json.loads((latest / COMPLETE_MARKER).read_text(encoding="utf-8"))["run_id"]
    except (OSError, ValueError, KeyError):
        return full("no published build to start from")
    why = code_difference(published, current)
    if why:
        return full(why)
    changed = changed_inputs(published, current)
    if not changed:
        return full("no input file changed (the build date or something else did)")
    stage_by_file = {name: stage_of(paths.root / name, paths, edition) for name in changed}
    stages = set(stage_by_file.values())
    broad = [name for name, stage in stage_by_file.items() if stage == "catalog"]
    if broad:
        return full(f"{_named(broad)} changed")
    newest = newest_run(instance, edition)
    if newest is None or newest.run_id != run_id:
        return full(f"the last build of {edition} is not the published one (its stored results cannot be reused)")
    if newest.status != dg.DagsterRunStatus.SUCCESS:
        return full(f"the published build's run {run_id[:8]} did not succeed")
    roots = [dg.AssetKey(name) for stage in stages for name in ROOT_ASSETS[stage]] + [dg.AssetKey(name) for name in FED_BY_EVERY_INPUT]
    selection = set(dg.AssetSelection.assets(*roots).downstream().resolve(asset_graph))
    published_folder = latest.resolve()
    taken_over, selection = writers_to_take_over(instance, asset_graph, selection, edition, published_folder)
    missing = sorted(key.to_user_string() for key in stored_inputs(asset_graph, selection) if not storage_path(instance, key, edition).exists())
    if missing:
        return full(f"stored results of the published build are missing ({', '.join(missing[:SHOWN_FILES])})")
    what = "rebuilding the report only" if stages <= REPORT_STAGES else f"rebuilding from {' and '.join(STAGE_NAMES[s] for s in EVERYTHING if s in stages - REPORT_STAGES)} on"
    return BuildPlan(f"{what}: {_named(changed)} changed", selection, reused_run(instance, newest, selection), changed, published_folder, taken_over)


def reused_run(instance, published, selection: set) -> str:
    """The run whose recorded results a partial build of ``selection`` reuses: the published run, or,
    while that run was itself partial and this build reruns everything it ran (the same narrative
    edited again and again), the run that one reused. Each build then names a run that recorded
    something it keeps, and the chain a summary follows back to a full build
    (:func:`pipelines.operations.summary.recorded_with_reused`) stays as short after the hundredth
    edit as after the first. The files are still taken from the published build's folder."""
    run = published
    for _ in range(MAX_SKIPPED_RUNS):
        earlier = run.tags.get(REUSED_FROM_TAG)
        if not (earlier and run.asset_selection and set(run.asset_selection) <= selection):
            return run.run_id
        run = instance.get_run_by_id(earlier)
        if run is None:  # deleted from the instance: name it all the same, as before
            return earlier
    return run.run_id
