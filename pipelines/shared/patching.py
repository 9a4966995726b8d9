"""One attribute of a library replaced while a block runs, then restored."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def replaced(owner, name: str, value) -> Iterator[None]:
    """``owner.name`` is ``value`` while the block runs, and what it was before afterwards (also when
    the block raises). For the adjustments of libraries the pipeline makes while it runs them: the
    render's of WeasyPrint, pydyf and fontTools (see :mod:`pipelines.report.render`), where a test
    shows the PDF bytes are unchanged, and the build's of Dagster (:mod:`pipelines.cli`). Each says why."""
    original = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)
