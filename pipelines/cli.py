"""Command line of the pipeline: ``python -m pipelines build --edition <id>`` (used by ``make report``).

A build is a run of the ``build_edition`` job recorded in the instance under ``DAGSTER_HOME``, so it
shows in the UI; a build into a scratch folder (``--outputs``/``--sources``) records into its own
instance, ``<outputs>/.dagster``. One build per edition at a time (a lock file in the edition's outputs).
An unchanged build is skipped; after a change, only what the changed files feed reruns
(``operations/incremental.py``), and the first line says which kind of build runs and why.
"""

from __future__ import annotations

import argparse
import contextlib
import sys



IN_PROGRESS = ("QUEUED", "NOT_STARTED", "STARTING", "STARTED")


def _process_alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def builds_in_progress(instance, edition: str) -> list[str]:
    """Run ids of this edition's builds that are queued or running in the instance.

    A command-line build whose process is gone (killed) is marked failed instead of blocking others.
    """
    import socket

    import dagster as dg

    statuses = [getattr(dg.DagsterRunStatus, s) for s in IN_PROGRESS]
    busy = []
    for run in instance.get_runs(filters=dg.RunsFilter(tags={"afml/edition": edition}, statuses=statuses)):
        pid, host = run.tags.get("afml/pid"), run.tags.get("afml/host")
        if pid and host == socket.gethostname() and not _process_alive(int(pid)):
            instance.report_run_failed(run, "the command-line build process ended without finishing (killed?)")
            continue
        busy.append(run.run_id)
    return busy


def wait_for_other_builds(instance, edition: str, timeout: float = 3600, poll: float = 5) -> bool:
    """Like the run queue for UI and sensor builds: a build from the command line waits while another
    build of the same edition is queued or running. Returns False if it is still busy after ``timeout``."""
    import time

    deadline = time.monotonic() + timeout
    announced = False
    while True:
        busy = builds_in_progress(instance, edition)
        if not busy:
            return True
        if time.monotonic() >= deadline:
            return False
        if not announced:
            print(f"waiting for the other build of {edition} to finish (Dagster run {', '.join(r[:8] for r in busy)})…", flush=True)
            announced = True
        time.sleep(poll)


def build_job(paths):
    """The ``build_edition`` job (the one the UI, sensors and schedules run) for these folders."""
    from pipelines.definitions import BUILD_JOB, definitions_for

    return definitions_for(paths).resolve_job_def(BUILD_JOB)


def run_build(instance, paths, edition: str, raise_on_error: bool = False, strict: bool = False, run_id: str | None = None, log_level: str = "WARNING", plan=None, job=None):
    """Run the ``build_edition`` job for one edition, in-process, recorded in ``instance`` (used by the
    CLI and the tests): all of it, or the assets a partial ``plan`` selects (see operations/incremental.py)."""
    import os
    import socket

    import uuid

    from pipelines.operations.incremental import take_over_files
    from pipelines.partitions import edition_lookups_remembered, sync_edition_partitions
    from pipelines.settings import build_dir_for_run

    sync_edition_partitions(instance, paths)
    run_id = run_id or str(uuid.uuid4())
    if plan is not None and plan.taken_over:  # the files of the writers a partial build does not rerun
        take_over_files(plan, build_dir_for_run(paths.edition_outputs(edition), run_id))
    job = job or build_job(paths)
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    if strict:
        run_config["ops"] = {"published_report": {"config": {"strict": True}}}
    with edition_lookups_remembered(instance), asset_values_not_kept():
        return job.execute_in_process(
            run_config=run_config,
            instance=instance,
            partition_key=edition,
            run_id=run_id,
            asset_selection=sorted(plan.selection) if plan is not None and plan.partial else None,
            tags={"afml/edition": edition, "afml/trigger": "command-line", "afml/pid": str(os.getpid()), "afml/host": socket.gethostname(), **(plan.tags() if plan is not None else {})},
            raise_on_error=raise_on_error,
        )


@contextlib.contextmanager
def asset_values_not_kept():
    """While the block runs, ``execute_in_process`` keeps no asset's value for the result it returns.

    Dagster's in-process execution holds every value each step returns (tables, the paper's HTML, the
    document) until the result is dropped, so that ``result.output_for_node`` can give them back;
    nothing here asks for them (each asset's value is in its IO manager's files). Not keeping them
    spares about 8 MB of the build's process while the PDF is laid out beside it
    (``benchmarks/README.md``, "Eighth pass"). A Dagster without that switch simply keeps them."""
    from dagster._core.execution import execute_in_process as in_process

    from pipelines.shared.patching import replaced

    running = getattr(in_process, "core_execute_in_process", None)
    if running is None:
        yield
        return

    def without_kept_values(*args, **kwargs):
        if "output_capturing_enabled" in kwargs:
            kwargs["output_capturing_enabled"] = False
        return running(*args, **kwargs)

    with replaced(in_process, "core_execute_in_process", without_kept_values):
        yield


def current_provenance(paths, edition: str) -> dict:
    """The provenance record of the sources and code as they are now (what the published build's
    manifest.json is compared with); empty when a source cannot be read: the build itself then says
    which and where."""
    from pipelines.report.provenance import collect

    try:
        return collect(paths.sources, paths.templates, edition, "").as_record()
    except Exception:  # noqa: BLE001 -- reported by the build, with file and line
        return {}


def plan_for(instance, paths, edition: str, job, force: bool = False, current: dict | None = None):
    """What a build of ``edition`` reruns now (everything, or what the changed files feed) and why;
    ``current``: the provenance record of the sources and code now, if already collected."""
    from pipelines.operations.incremental import plan_build

    if current is None and not force:
        current = current_provenance(paths, edition)
    return plan_build(instance, paths, edition, current, job.asset_layer.asset_graph, force=force)


def published_fingerprint(edition_dir) -> str | None:
    import json

    manifest = edition_dir / "latest" / "manifest.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))["fingerprint"]
    except (OSError, ValueError, KeyError):
        return None


def make_command(edition: str, **variables: str) -> str:
    """The ``make report`` command a user types for this edition."""
    words = ["make report", f"EDITION={edition}"] + [f"{k}={v}" for k, v in variables.items()]
    return " ".join(words)


def shown(path) -> str:
    """A path as the user should read it: relative to the current folder when inside it."""
    import os

    absolute = os.path.abspath(path)
    inside = os.path.commonpath([absolute, os.getcwd()]) == os.getcwd()
    return os.path.relpath(absolute) if inside else absolute


# What a scratch outputs folder's instance takes from the checkout's (.dagster/dagster.yaml): what a
# build records (the pooled event log, the mirrored compute logs, no debug lines), not the queue and the
# daemon's settings (no daemon runs there).
SCRATCH_INSTANCE_KEYS = ("telemetry", "event_log_storage", "compute_logs", "python_logs")


def scratch_instance_config(home) -> str:
    """The ``dagster.yaml`` of the instance whose home is ``home``: the checkout's settings of
    :data:`SCRATCH_INSTANCE_KEYS`, the event log and the compute logs in ``home`` (named by its
    absolute path)."""
    import yaml

    from pipelines.settings import PROJECT_ROOT

    checkout = yaml.safe_load((PROJECT_ROOT / ".dagster" / "dagster.yaml").read_text(encoding="utf-8"))
    config = {key: checkout[key] for key in SCRATCH_INSTANCE_KEYS if key in checkout}
    for stored in ("event_log_storage", "compute_logs"):
        if stored in config:
            config[stored]["config"]["dagster_home"] = str(home.resolve())
    header = "# Instance of builds into this scratch outputs folder (python -m pipelines build --outputs ...).\n"
    return header + yaml.safe_dump(config, sort_keys=False)


def scratch_instance(outputs):
    """The Dagster instance of a build into a scratch folder: its own home, ``<outputs>/.dagster``."""
    import fcntl

    import dagster as dg

    home = outputs / ".dagster"
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".init.lock", "w") as guard:  # two builds starting together create its storage once
        fcntl.flock(guard, fcntl.LOCK_EX)
        config = home / "dagster.yaml"
        # Written anew when it differs: a folder moved since names its new place, an older one gets today's settings.
        expected = scratch_instance_config(home)
        if not config.exists() or config.read_text(encoding="utf-8") != expected:
            config.write_text(expected, encoding="utf-8")
        instance = dg.DagsterInstance.from_config(str(home))
        instance.get_runs(limit=1)  # creates the run and event storage now, under the guard
    return instance


def build(edition: str, outputs: str | None = None, force: bool = False, sources: str | None = None, strict: bool = False) -> int:
    import uuid

    from pipelines.shared.garbage_collection import batch_collection, modules_loaded_once

    with modules_loaded_once():
        import dagster as dg

        from pipelines.definitions import ALL_ASSETS, ALL_CHECKS
        from pipelines.operations.incremental import count_steps
        from pipelines.operations.progress import Progress, stages_by_step
        from pipelines.settings import ProjectPaths
        from pipelines.shared.locking import edition_lock

    overrides = {k: v for k, v in {"outputs_dir": outputs, "sources_dir": sources}.items() if v}
    paths = ProjectPaths(**overrides)
    editions = paths.editions()
    edition = edition or next(iter(editions))
    if edition not in editions:
        known = ", ".join(editions)
        print(f"unknown edition {edition!r}; sources/editions.yaml declares: {known} (e.g. make report EDITION={next(iter(editions), '…')})", file=sys.stderr)
        return 2
    edition_dir = paths.edition_outputs(edition)
    progress = Progress(sys.stdout, stages_by_step(ALL_ASSETS, ALL_CHECKS))
    with modules_loaded_once():  # opening the instance loads Dagster's storage modules
        instance = scratch_instance(paths.outputs) if overrides else dg.DagsterInstance.get()
    # First the runs of the UI and the sensors (they take the lock only to publish), then the lock itself.
    if not wait_for_other_builds(instance, edition):
        print(f"another build of {edition} is still running after an hour; not starting a second one", file=sys.stderr)
        return 1
    with edition_lock(edition_dir, announce=progress.say):
        current = None if force else current_provenance(paths, edition)
        if current and (edition_dir / "report.pdf").exists():
            if current["fingerprint"] == published_fingerprint(edition_dir):
                print(f"{edition} is up to date (same code and inputs as the published build {shown(edition_dir / 'report.pdf')}); nothing rebuilt.")
                print(f"To rebuild anyway: {make_command(edition, FORCE='1')} (or --force).")
                return 0
        job = build_job(paths)
        plan = plan_for(instance, paths, edition, job, force, current)
        progress.total = count_steps(job.asset_layer.asset_graph, plan.selection)
        run_id = str(uuid.uuid4())  # chosen here, so the progress display can listen to the run's events
        instance.add_event_listener(run_id, progress.on_event)
        print(plan.reason, flush=True)
        print(f"building {edition} (Dagster run {run_id[:8]}){' in strict mode' if strict else ''}…", flush=True)
        try:
            with batch_collection(collect_after=False):  # the process ends with the build
                result = run_build(instance, paths, edition, strict=strict, run_id=run_id, log_level="CRITICAL", plan=plan, job=job)
        except Exception:  # the run could not even start (configuration, instance): still a short message
            import traceback

            progress.clear()
            log = failure_log_path(edition_dir, run_id)
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(traceback.format_exc(), encoding="utf-8")
            print(f"build of {edition} could not start: {traceback.format_exc(limit=0).strip().splitlines()[-1]}\nfull details: {shown(log)}", file=sys.stderr)
            return 1
    progress.clear()
    return report_outcome(instance, run_id, edition, edition_dir, result.success, progress.elapsed(), strict=strict)


def failure_log_path(edition_dir, run_id: str, keep: int = 20):
    """Where the full story of a failed build goes (``outputs/<edition>/logs/``; the newest ``keep`` stay)."""
    import datetime as dt

    logs = edition_dir / "logs"
    for old in sorted(logs.glob("*.log"))[: -keep + 1 or None] if logs.is_dir() else []:
        old.unlink()
    return logs / f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{run_id[:8]}.log"


def report_outcome(instance, run_id: str, edition: str, edition_dir, success: bool, elapsed: float, strict: bool = False) -> int:
    """The end of a build on the terminal: the summary and the outputs, or a short failure with a log path
    (for a build strict mode refused: where the warnings are listed, and how to publish with them)."""
    from pipelines.operations.progress import write_failure_log
    from pipelines.operations.summary import root_errors, summarize_run

    summary = summarize_run(instance, run_id, edition)
    instance.add_run_tags(run_id, summary.tags())  # also for a run that failed before its publishing step
    if not success:
        log = failure_log_path(edition_dir, run_id)
        write_failure_log(log, run_id, edition, instance)
        errors = root_errors(instance, run_id)
        kept = "the last good report stays published" if (edition_dir / "latest").is_symlink() else "nothing was published"
        lines = [f"build of {edition} FAILED after {elapsed:.0f} s; {kept}."]
        for step, message in errors[:2]:
            text = " ".join(message.split("\n")[:3]).strip()
            lines.append(f"{step}: {text[:400]}")
        if len(errors) > 2:
            lines.append(f"… and {len(errors) - 2} more failed step(s)")
        refused = strict and summary.has_warnings and [step for step, _ in errors] == ["published_report"]
        if refused:
            from pipelines.settings import BUILDS

            folder = next(iter(sorted((edition_dir / BUILDS).glob(f"*-{run_id[:8]}"))), None)
            where = f" are listed in {shown(folder / 'data-quality.csv')} and {shown(folder / 'validation')}/" if folder else ""
            lines.append(f"Strict mode publishes only builds without quarantined rows or failed warning checks. The problems{where}. To publish anyway (the build summary lists them), run {make_command(edition)} without STRICT=1. Full details: {shown(log)}.")
        else:
            lines.append(f"full details: {shown(log)}; after fixing, run {make_command(edition)} again.")
        print("\n".join(lines), file=sys.stderr)
        return 1
    print(f"built {edition} in {elapsed:.0f} s")
    for line in summary.lines():
        print(f"  {line}")
    print(f"  report: {shown(edition_dir / 'report.html')} and {shown(edition_dir / 'report.pdf')}")
    print(f"  data: {shown(edition_dir / 'data')}/; validation reports: {shown(edition_dir / 'validation')}/")
    return 0


def questionnaire(edition_id: str, target: str | None = None, language: str = "all", respondent: str | None = None) -> int:
    """Write the questionnaire of an edition (generated from the catalog): the blank workbook in each
    language and the XLSForm for KoboToolbox / ODK, or, with ``respondent`` (an id or ``all``), one
    workbook per respondent with their details filled in, in their language."""
    from pathlib import Path

    from pipelines.catalog.load import catalog_of_edition
    from pipelines.settings import ProjectPaths
    from pipelines.survey.form import Catalog
    from pipelines.survey.i18n import COUNTRY_LANGUAGES, LANGUAGES, language_code
    from pipelines.survey.intake import catalogue_for
    from pipelines.survey.questionnaire import respondents_to_prefill, write_questionnaire
    from pipelines.survey.xlsform import write_xlsform

    paths = ProjectPaths()
    editions = paths.editions()
    edition_id = edition_id or next(iter(editions))
    if edition_id not in editions:
        print(f"unknown edition {edition_id!r}; sources/editions.yaml declares: {', '.join(editions)} (e.g. make questionnaire EDITION={next(iter(editions), '…')})", file=sys.stderr)
        return 2
    if language != "all" and language not in LANGUAGES:
        print(f"no catalog for language {language!r}; available: {', '.join(LANGUAGES)} (or all)", file=sys.stderr)
        return 2
    edition = editions[edition_id]
    if edition.survey_of:  # its questionnaire would ask about another framework's commitments in this one's words
        print(f"{edition_id} takes its evidence from the survey of {edition.survey_of} (evidence.survey_of in sources/editions.yaml): respondents answer that edition's questionnaire, make questionnaire EDITION={edition.survey_of}", file=sys.stderr)
        return 2
    catalog = catalog_of_edition(paths, edition_id)
    tables = {"clusters": catalog["clusters"], "subclusters": catalog["subclusters"], "recommendations": catalog["recommendations"], "memberships": catalog["cluster_memberships"], "forums": catalog["forums"]}
    reviewed = edition.reviewed(tables["recommendations"])
    args = (edition, tables["clusters"], tables["subclusters"], reviewed, tables["memberships"], tables["forums"])
    out_dir = paths.edition_outputs(edition_id)
    written = []
    if respondent:
        catalogue = catalogue_for(edition, tables["clusters"], tables["subclusters"], tables["recommendations"])
        survey = paths.edition_sources(edition_id) / "survey"
        known = respondents_to_prefill(survey, paths.edition_sources(edition_id) / "respondents.csv", paths.sources.parent, catalogue)
        chosen = known if respondent == "all" else known[known["respondent_id"] == respondent]
        if chosen.empty:
            print(f"no respondent {respondent!r} in {edition_id} (known: {', '.join(known['respondent_id'])})", file=sys.stderr)
            return 2
        for details in chosen.to_dict("records"):
            given = details.get("language", "")
            code = language if language != "all" else (language_code(given) if given else COUNTRY_LANGUAGES.get(details.get("country", ""), "en"))
            details["language"] = code
            out = Path(target) if target and len(chosen) == 1 else out_dir / "questionnaires" / f"{details['respondent_id']}.xlsx"
            written.append(write_questionnaire(*args, out, prefill=details, language=code))
    else:
        for code in LANGUAGES if language == "all" else [language]:
            suffix = "" if code == "en" else f"-{code}"
            out = Path(target) if target and language != "all" else out_dir / f"questionnaire-{edition_id}{suffix}.xlsx"
            written.append(write_questionnaire(*args, out, language=code))
        form = Catalog.build(tables["clusters"], tables["subclusters"], reviewed, tables["memberships"], tables["forums"])
        written.append(write_xlsform(edition, form, out_dir / f"xlsform-{edition_id}.xlsx", "en" if language == "all" else language))
    for path in written:
        print(f"questionnaire for {edition_id}: {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build an edition into outputs/<edition>/")
    build_cmd.add_argument("--edition", default=None, help="edition id (default: the first one in sources/editions.yaml)")
    build_cmd.add_argument("--outputs", default=None, help="outputs folder (default: outputs/ in the checkout)")
    build_cmd.add_argument("--sources", default=None, help="sources folder (default: sources/ in the checkout)")
    build_cmd.add_argument("--force", action="store_true", help="rebuild even when code and inputs are unchanged (make report FORCE=1)")
    build_cmd.add_argument("--strict", action="store_true", help="fail, publishing nothing, when survey rows were quarantined or a warning check failed (make report STRICT=1)")
    questionnaire_cmd = commands.add_parser("questionnaire", help="write the questionnaire workbook of an edition")
    questionnaire_cmd.add_argument("--edition", default=None, help="edition id (default: the first one in sources/editions.yaml)")
    questionnaire_cmd.add_argument("--output", default=None, help="file to write, for one language or one respondent (default: outputs/<edition>/questionnaire-<edition>[-<language>].xlsx)")
    questionnaire_cmd.add_argument("--language", default="all", help="en, id, vi or all (default: all; for respondents: their own language)")
    questionnaire_cmd.add_argument("--respondent", default=None, help="a respondent id, or all: one workbook per respondent with their details filled in")
    preview_cmd = commands.add_parser("preview", help="serve the HTML edition on 127.0.0.1, rebuilt and reloaded when sources or templates change")
    preview_cmd.add_argument("--edition", default=None, help="edition id (default: the first one in sources/editions.yaml)")
    preview_cmd.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000, or the next free one; 0: any free port)")
    preview_cmd.add_argument("--sources", default=None, help="sources folder (default: sources/ in the checkout)")
    preview_cmd.add_argument("--outputs", default=None, help="outputs folder; the preview writes only into <outputs>/<edition>/preview/")
    args = parser.parse_args(argv)
    if args.command == "build":
        # The PDF render process loads WeasyPrint on the other core while this one loads Dagster and
        # opens the instance; the run's renderer takes it (a narrative rebuild hands it the paper
        # about 0.6 s into the run, before a process started with the run would be ready).
        from pipelines.report.render_process import RenderWorker

        RenderWorker.start_ahead()
    from pipelines.shared.garbage_collection import modules_loaded_once

    with modules_loaded_once():  # the settings load Dagster and pandas: without the collector, 0.1-0.25 s sooner
        from pipelines.settings import PROJECT_ROOT

    # The Makefile sets DAGSTER_HOME; called directly, the CLI uses the same instance in the checkout.
    home = "DAGSTER_HOME"
    os.environ.setdefault(home, str(PROJECT_ROOT / (".dagster-pg" if os.environ.get("AFML_DAGSTER_PG_URL") else ".dagster")))
    if args.command == "preview":
        from pipelines.operations.preview import serve

        return serve(args.edition, args.port, args.sources, args.outputs)
    if args.command == "build":
        return build(args.edition, args.outputs, args.force, args.sources, args.strict)
    if args.command == "questionnaire":
        return questionnaire(args.edition, args.output, args.language, args.respondent)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
