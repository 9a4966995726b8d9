"""Dagster's SQLite event log, with its database connections kept open between statements.

Dagster's :class:`SqliteEventLogStorage` creates a SQLAlchemy engine, opens a connection, runs one
statement and disposes of the engine again for every event it stores and every question it answers.
A build stores about 330 events and asks about 400 questions, so that set-up and tear-down cost
about 1 s of every build (measured in ``benchmarks/README.md``).

:class:`PooledSqliteEventLogStorage` is the same storage, the same files and the same tables, with
one engine per database file kept for the life of the process and one connection in its pool:

- every statement still runs in its own transaction, committed before the next event; other
  processes (the UI, the daemon, a second build) see the events as before, and SQLite's file lock
  still keeps their writes apart;
- Dagster's own lock on the storage still lets one thread at a time use a connection, so a pooled
  connection may be handed from one thread to the next (``check_same_thread`` off);
- the process keeps the engines of the :data:`KEPT_DATABASES` files it used last (the index and the
  runs being written) and closes the others, so a long-lived UI process does not keep a file open
  for every run it ever showed;
- wiping the storage (which deletes run files) and disposing of it close the engines first; a
  process started by ``fork`` never uses its parent's connections.

Configured in the instance's ``dagster.yaml`` (``.dagster/`` and the scratch instances the command
line writes)::

    event_log_storage:
      module: pipelines.shared.sqlite_event_log
      class: PooledSqliteEventLogStorage
      config:
        dagster_home: {env: DAGSTER_HOME}

``dagster_home`` is the instance's home: the databases are where Dagster's default SQLite storage
keeps them (``<home>/history/runs/``), so an instance switched to this class keeps its history.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator

from dagster._config import StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

KEPT_DATABASES = 8  # open database files per process: the index, and the runs used last


def event_log_directory(dagster_home: str) -> str:
    """Where Dagster's default SQLite storage keeps the event logs of an instance home."""
    return os.path.join(dagster_home, "history", "runs")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SQLite event log storage (one database per run and an index) that keeps one connection per
    database open between statements instead of opening and closing one for each."""

    def __init__(self, dagster_home: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._engines_pid = os.getpid()
        # Closed when the process exits, even one that skips the interpreter's teardown: SQLite then
        # folds the write-ahead log back into the database files.
        weakref.finalize(self, _dispose_in, os.getpid(), self._engines)
        super().__init__(event_log_directory(dagster_home), inst_data=inst_data)

    @classmethod
    def config_type(cls):
        return {"dagster_home": StringSource}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            if self._engines_pid != os.getpid():  # a forked child: its parent's connections are not its own
                self._engines.clear()
                self._engines_pid = os.getpid()
            engine = self._engines.pop(shard, None)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=QueuePool,
                    pool_size=1,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                )
            self._engines[shard] = engine  # the most recently used last
            while len(self._engines) > KEPT_DATABASES:
                _, oldest = self._engines.popitem(last=False)
                oldest.dispose()
            return engine

    def _close_engines(self) -> None:
        with self._engines_lock:
            _dispose_all(self._engines)

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # As SqliteEventLogStorage._connect, with the engine kept instead of created and disposed.
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def wipe(self) -> None:
        self._close_engines()  # the run databases are deleted
        super().wipe()

    def dispose(self) -> None:
        self._close_engines()
        super().dispose()


def _dispose_all(engines: OrderedDict[str, Engine]) -> None:
    while engines:
        _, engine = engines.popitem()
        engine.dispose()


def _dispose_in(pid: int, engines: OrderedDict[str, Engine]) -> None:
    if os.getpid() == pid:  # never a parent's connections from a forked child
        _dispose_all(engines)
