"""``python -m pipelines``: the command line (see :mod:`pipelines.cli`)."""

import atexit
import os
import sys

_exit_status: list[int] = []


def _leave_without_teardown() -> None:
    """Registered first, so it runs after every other exit handler: once a command has returned,
    everything it wrote is written and closed, and what is left is the interpreter freeing a build's
    heap (Dagster, pandas, the document) object by object, about a second after the summary is
    printed. That teardown is skipped; a command that raised gets the usual one and its traceback."""
    if _exit_status:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[0])


atexit.register(_leave_without_teardown)

from pipelines.cli import main  # noqa: E402 -- after the handler, so that it runs last

_exit_status.append(main())
raise SystemExit(_exit_status[0])
