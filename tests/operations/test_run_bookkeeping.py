"""What a build costs Dagster's storage: the edition's partition looked up once, not at every step,
and no debug chatter stored in the run's log (both measured in benchmarks/README.md)."""

from __future__ import annotations

import logging

import dagster as dg
import pytest
import yaml

from pipelines.cli import scratch_instance
from pipelines.partitions import edition_lookups_remembered, edition_partitions
from tests.conftest import ROOT


def _count_storage_lookups(instance: dg.DagsterInstance) -> list:
    storage = instance._event_storage  # noqa: SLF001 -- the layer the remembered answers spare
    asked = []
    ask = storage.has_dynamic_partition

    def counted(name, key):
        asked.append(key)
        return ask(name, key)

    storage.has_dynamic_partition = counted
    return asked


def test_a_known_edition_is_looked_up_in_the_storage_once_per_build():
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(edition_partitions.name, ["afml-13"])
        asked = _count_storage_lookups(instance)
        with edition_lookups_remembered(instance):
            assert all(instance.has_dynamic_partition(edition_partitions.name, "afml-13") for _ in range(50))
            assert not instance.has_dynamic_partition(edition_partitions.name, "afml-99")
            assert not instance.has_dynamic_partition(edition_partitions.name, "afml-99")
        assert asked == ["afml-13", "afml-99", "afml-99"]  # a no is asked again: an edition may be added meanwhile
        # Outside the build, every question goes to the storage again.
        assert instance.has_dynamic_partition(edition_partitions.name, "afml-13")
        assert asked[-1] == "afml-13" and "has_dynamic_partition" not in vars(instance)


def test_the_remembered_answers_end_with_the_build_even_when_it_fails():
    with dg.DagsterInstance.ephemeral() as instance:
        with pytest.raises(RuntimeError), edition_lookups_remembered(instance):
            raise RuntimeError("the build failed")
        assert "has_dynamic_partition" not in vars(instance)


@pytest.mark.parametrize("home", [".dagster", ".dagster-pg"])
def test_every_instance_of_the_project_leaves_dagster_debug_lines_out_of_the_run_log(home):
    config = yaml.safe_load((ROOT / home / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["python_logs"]["python_log_level"] == "INFO"


def test_a_scratch_build_stores_info_lines_and_not_debug_lines(tmp_path):
    @dg.asset
    def chatty(context) -> int:
        context.log.debug("Writing file at: somewhere")
        context.log.info("12 initiatives read")
        return 1

    instance = scratch_instance(tmp_path)
    result = dg.materialize([chatty], instance=instance)
    assert result.success
    messages = {(e.level, e.user_message) for e in instance.all_logs(result.run_id) if e.dagster_event is None}
    assert (logging.INFO, "12 initiatives read") in messages
    assert not [m for level, m in messages if level < logging.INFO]


# --- the pooled SQLite event log ---------------------------------------------------------------------


def test_every_sqlite_instance_of_the_project_keeps_its_event_log_connections_open(tmp_path):
    from pipelines.shared.sqlite_event_log import PooledSqliteEventLogStorage

    checked_in = yaml.safe_load((ROOT / ".dagster" / "dagster.yaml").read_text(encoding="utf-8"))["event_log_storage"]
    assert (checked_in["module"], checked_in["class"]) == ("pipelines.shared.sqlite_event_log", "PooledSqliteEventLogStorage")
    assert checked_in["config"] == {"dagster_home": {"env": "DAGSTER_HOME"}}  # no path of one machine
    assert isinstance(scratch_instance(tmp_path).event_log_storage, PooledSqliteEventLogStorage)


def _engines_created(monkeypatch) -> list[str]:
    import pipelines.shared.sqlite_event_log as module

    created = []
    real = module.create_engine

    def counted(url, **options):
        created.append(url.rsplit("/", 1)[-1])
        return real(url, **options)

    monkeypatch.setattr(module, "create_engine", counted)
    return created


def _job_of(n: int):
    @dg.asset
    def numbers(context) -> int:
        for i in range(n):
            context.log.info(f"line {i}")
        return n

    return numbers


def test_a_run_opens_each_database_once_and_writes_where_dagsters_own_storage_reads(tmp_path, monkeypatch):
    created = _engines_created(monkeypatch)
    instance = scratch_instance(tmp_path)
    result = dg.materialize([_job_of(40)], instance=instance)
    assert result.success
    # About 60 events, each stored as it happened, through one engine per database: the run's and the index.
    assert sorted(created) == sorted([f"{result.run_id}.db", "index.db"])
    # The same files Dagster's default storage reads (an instance's history survives the switch), and
    # every event is there as soon as the run returns: committed one by one, not held in the process.
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    plain = SqliteEventLogStorage(str(tmp_path / ".dagster" / "history" / "runs"))
    stored = [e.user_message for e in plain.get_logs_for_run(result.run_id) if e.dagster_event is None]
    assert [f"line {i}" for i in range(40)] == [m for m in stored if m.startswith("line ")]
    assert plain.get_latest_materialization_events([dg.AssetKey("numbers")])[dg.AssetKey("numbers")] is not None


def test_a_long_lived_process_keeps_only_the_databases_it_used_last(tmp_path):
    from pipelines.shared.sqlite_event_log import KEPT_DATABASES

    instance = scratch_instance(tmp_path)
    runs = [dg.materialize([_job_of(1)], instance=instance).run_id for _ in range(KEPT_DATABASES + 3)]
    storage = instance.event_log_storage
    kept = list(storage._engines)  # noqa: SLF001 -- what the process holds open
    assert len(kept) == KEPT_DATABASES and "index" in kept and runs[-1] in kept and runs[0] not in kept
    # A run whose connection was closed is still read (a new connection is opened).
    assert any(e.user_message == "line 0" for e in instance.all_logs(runs[0]))


def test_wiping_the_storage_closes_its_connections_before_deleting_the_run_files(tmp_path):
    instance = scratch_instance(tmp_path)
    first = dg.materialize([_job_of(1)], instance=instance).run_id
    instance.event_log_storage.wipe()
    assert not (tmp_path / ".dagster" / "history" / "runs" / f"{first}.db").exists()
    assert first not in instance.event_log_storage._engines  # noqa: SLF001 -- no connection to a deleted file
    second = dg.materialize([_job_of(2)], instance=instance).run_id
    assert any(e.user_message == "line 1" for e in instance.all_logs(second))


def test_a_scratch_outputs_folder_moved_elsewhere_keeps_its_runs_in_its_new_place(tmp_path):
    first = tmp_path / "first"
    run_id = dg.materialize([_job_of(1)], instance=scratch_instance(first)).run_id
    moved = tmp_path / "moved"
    first.rename(moved)
    instance = scratch_instance(moved)
    assert any(e.user_message == "line 0" for e in instance.all_logs(run_id))  # read from its new place
    dg.materialize([_job_of(1)], instance=instance)
    assert not first.exists()  # nothing written where it used to be


# --- the values of a run's assets ---------------------------------------------------------------------


class _Table(list):
    """A value that can be watched (a weak reference) and pickled (a module-level class)."""


def test_an_in_process_run_keeps_no_asset_value_once_written(tmp_path):
    """The value is in the IO manager's file; the run's result does not hold it as well."""
    import gc
    import weakref

    from pipelines.cli import asset_values_not_kept

    made = []

    @dg.asset
    def table():
        value = _Table(range(1000))
        made.append(weakref.ref(value))
        return value

    io_manager = {"io_manager": dg.FilesystemIOManager(base_dir=str(tmp_path / "values"))}
    with dg.DagsterInstance.ephemeral() as instance:
        kept = dg.materialize([table], instance=instance, resources=io_manager)
        with asset_values_not_kept():
            not_kept = dg.materialize([table], instance=instance, resources=io_manager)
        gc.collect()
        assert kept.success and not_kept.success
        assert made[0]() is not None  # Dagster's default: the result holds it
        assert made[1]() is None
        assert len(list((tmp_path / "values").iterdir())) == 1
