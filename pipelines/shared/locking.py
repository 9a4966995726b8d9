"""One build of an edition at a time, whatever started it: an exclusive lock on a file in the edition's
output folder (``outputs/<edition>/.build.lock``), taken with ``fcntl.flock``.

The lock is atomic (the kernel grants it to one process) and cannot go stale: it is released when the
process that holds it ends, killed or not. The command line holds it for its whole build; the publishing
step of every run (UI, sensor, schedule) takes it too, so two builds never publish or prune at once.
Within one process the lock is re-entrant (a command-line build reaches its own publishing step).

Each running build also holds a shared lock on a marker beside its build folder (``builds/.<id>.running``),
so that pruning, from another process, never deletes a build that is still being written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_NAME = ".build.lock"


def _marker(build_dir: Path) -> Path:
    return build_dir.parent / f".{build_dir.name}.running"

_held: dict[str, tuple[int, int]] = {}  # lock path -> (file descriptor, depth), for re-entrance
_running: dict[str, int] = {}  # build folder -> descriptor holding its shared lock
_guard = threading.Lock()


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 400).decode("utf-8", "replace").strip()
    except OSError:
        return ""


@contextlib.contextmanager
def edition_lock(edition_dir: Path, announce: Callable[[str], None] | None = None, timeout: float | None = None) -> Iterator[None]:
    """Hold the build lock of an edition; wait (saying so through ``announce``) while another process has it.

    Raises ``TimeoutError`` when ``timeout`` seconds pass without getting it.
    """
    import time

    edition_dir.mkdir(parents=True, exist_ok=True)
    path = str((edition_dir / LOCK_NAME).resolve())
    with _guard:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                fd, depth = _held[path]
                _held[path] = (fd, depth - 1)
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if announce:
                announce(f"waiting for the other build of {edition_dir.name} to finish ({holder or 'another process'})…")
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise TimeoutError(f"another build of {edition_dir.name} still holds {edition_dir / LOCK_NAME} ({holder or 'another process'})") from None
                    time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"process {os.getpid()} on {socket.gethostname()}, since {dt.datetime.now(dt.timezone.utc):%H:%M:%S} UTC\n".encode())
        with _guard:
            _held[path] = (fd, 1)
        try:
            yield
        finally:
            with _guard:
                del _held[path]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def mark_running(build_dir: Path) -> None:
    """Hold a shared lock on the running marker of ``build_dir`` until this process ends or :func:`done_running` is called."""
    key = str(build_dir.resolve())
    with _guard:
        if key in _running:
            return
        fd = os.open(_marker(build_dir), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_SH)
        _running[key] = fd


def done_running(build_dir: Path) -> None:
    """Release the running mark of a build folder (after publishing) and remove the marker."""
    key = str(build_dir.resolve())
    with _guard:
        fd = _running.pop(key, None)
    _marker(build_dir).unlink(missing_ok=True)
    if fd is not None:
        os.close(fd)


def is_running(build_dir: Path) -> bool:
    """Whether a process (this one included) still writes ``build_dir``."""
    marker = _marker(build_dir)
    if str(build_dir.resolve()) in _running:
        return True
    try:
        fd = os.open(marker, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
