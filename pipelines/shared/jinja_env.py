"""One Jinja2 environment: autoescaped, strict about undefined names, with the number filters."""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipelines import formatting


@functools.cache
def make_environment(templates_dir: str) -> Environment:
    """The environment for ``templates/``; autoescape covers ``.j2`` files (the default does not)."""
    env = Environment(
        loader=FileSystemLoader(Path(templates_dir)),
        autoescape=select_autoescape(enabled_extensions=("html", "j2", "html.j2"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["number"] = formatting.number
    env.filters["percent"] = formatting.percent
    return env
