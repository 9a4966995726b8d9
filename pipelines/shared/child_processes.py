"""What a Python process the pipeline starts for a part of its work needs to find the pipeline."""

from __future__ import annotations

import os

from pipelines.shared.checkout import ROOT


def environment_for_child() -> dict:
    """This process's environment, with this checkout's package first on the child's path, whatever
    the current folder is."""
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=str(ROOT) + (os.pathsep + path if path else ""))
