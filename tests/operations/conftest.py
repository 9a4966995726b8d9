"""Dagster instances for the operations tests: embedded SQLite always, PostgreSQL when AFML_TEST_PG_URL
names a server (.ci/run starts one), so sensors and runs are exercised on both storages."""

from __future__ import annotations

import os
import uuid

import pytest

PG_URL = os.environ.get("AFML_TEST_PG_URL", "")
STORAGES = ["sqlite", "postgres"]


def _postgres_database() -> str:
    """A fresh database on the test server, so runs from earlier tests never leak in."""
    import psycopg2

    name = f"afml_test_{uuid.uuid4().hex[:10]}"
    connection = psycopg2.connect(PG_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(params=STORAGES)
def storage_overrides(request) -> dict:
    """Instance config for the storage under test (a fresh database for PostgreSQL)."""
    if request.param == "postgres":
        if not PG_URL:
            if os.environ.get("CI"):
                pytest.fail("CI must provide AFML_TEST_PG_URL (see .ci/run)")
            pytest.skip("no PostgreSQL server: set AFML_TEST_PG_URL (as .ci/run does)")
        return {"storage": {"postgres": {"postgres_url": _postgres_database()}}}
    return {}


def make_instance(tmp_path, overrides: dict):
    import dagster as dg

    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return dg.instance_for_test(temp_dir=str(home), overrides=overrides)


@pytest.fixture()
def instance(storage_overrides, tmp_path):
    with make_instance(tmp_path, storage_overrides) as inst:
        yield inst
