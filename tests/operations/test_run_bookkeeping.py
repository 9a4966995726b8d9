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
