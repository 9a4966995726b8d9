"""A disk cache for deterministic, costly results (chart SVGs, font subsets, survey files read),
keyed by content.

The key of an entry is the SHA-256 of everything the result depends on: the arguments and the
*identity of the code* that computes it (the source of the modules involved and the versions of the
packages they call, see :func:`code_identity`). A changed argument, module or package gives another
key, so an entry can never be stale, only unused; a build that finds an entry gets the very bytes it
would have computed. That is what lets a forced build and a rebuild after a narrative change skip
drawing the 14 charts and subsetting the fonts again when their data did not change.

The cache is used only inside :func:`cache_folder` (the report assets set ``<outputs>/.cache``);
elsewhere (tests, one-off calls) :func:`cached` simply computes. Entries are written atomically
(a temporary file renamed into place), so two builds at once never read half an entry. The folder
keeps the :data:`KEEP` most recently used entries of each kind; ``make clean`` removes it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable

from pipelines.shared.checkout import ROOT

KEEP = 400  # entries per kind; the 2020 paper uses 14 charts (and their 14 drawings in the PDF), 6 font subsets (about 35 subsets embedded in the PDF's parts) and 10 survey files per build

_FOLDER: contextvars.ContextVar[Path | None] = contextvars.ContextVar("content_cache_folder", default=None)


@contextlib.contextmanager
def cache_folder(folder: Path):
    """Use ``folder`` for :func:`cached` while the block runs."""
    token = _FOLDER.set(Path(folder))
    try:
        yield
    finally:
        _FOLDER.reset(token)


@functools.cache
def code_identity(modules: tuple[str, ...], packages: tuple[str, ...]) -> bytes:
    """The source of ``modules`` and the installed versions of ``packages``, as one digest."""
    import importlib.metadata
    import importlib.util

    digest = hashlib.sha256()
    for module in modules:
        spec = importlib.util.find_spec(module)
        digest.update(module.encode() + b"\0" + Path(spec.origin).read_bytes() + b"\0")
    for package in packages:
        digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    return digest.digest()


def package_digest(package_dir: Path | None = None) -> str:
    """SHA-256 of every file of the ``pipelines`` package: its code and the data it ships (the
    survey's locale catalogs), ``__pycache__`` aside. A build's provenance records it (a change to any
    of them makes the published build out of date), and :func:`pipeline_identity` keys on it."""
    package_dir = package_dir or ROOT / "pipelines"
    digest = hashlib.sha256()
    for path in sorted(p for p in package_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def pipeline_identity(packages: tuple[str, ...]) -> bytes:
    """The whole ``pipelines`` package (:func:`package_digest`) and the installed versions of
    ``packages``, as one digest: for results that depend on more of the pipeline than a few modules
    can name. Any change to the package gives another key."""
    import importlib.metadata

    digest = hashlib.sha256(package_digest().encode())
    for package in packages:
        digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    return digest.digest()


def cache_in_use() -> bool:
    """Whether :func:`cached` keeps results here (inside :func:`cache_folder`)."""
    return _FOLDER.get() is not None


def cached(kind: str, key: bytes, compute: Callable[[], bytes]) -> bytes:
    """``compute()``, or the bytes it gave before for the same ``key`` (inside :func:`cache_folder`).

    ``kind`` names the subfolder (``charts``, ``fonts``); ``key`` must already include the code
    identity (:func:`code_identity`) of what ``compute`` runs.
    """
    folder = _FOLDER.get()
    if folder is None:
        return compute()
    entry = folder / kind / hashlib.sha256(key).hexdigest()
    try:
        data = entry.read_bytes()
        os.utime(entry)  # most recently used: kept longest
        return data
    except OSError:
        pass
    data = compute()
    _store(entry, data)
    return data


def _store(entry: Path, data: bytes) -> None:
    """Write ``entry`` atomically, then trim its folder to the :data:`KEEP` newest entries."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, entry)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    entries = [p for p in entry.parent.iterdir() if not p.name.startswith(".")]
    if len(entries) > KEEP:
        for old in sorted(entries, key=_mtime)[: len(entries) - KEEP]:
            with contextlib.suppress(OSError):
                old.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
