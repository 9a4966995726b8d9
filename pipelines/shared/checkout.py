"""Where this checkout of the project is, found from this file and importing nothing else, so that
the lightest module (one that starts a child process) and the settings say it the same way."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The project's root folder: the one with ``pipelines/``, ``sources/`` and ``templates/``."""
