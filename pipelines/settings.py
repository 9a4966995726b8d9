"""Where the project's folders are, as one Dagster resource.

Nothing here touches the disk at import time: the paths are computed when a run asks for them,
so tests can point a whole build at a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ProjectPaths(dg.ConfigurableResource):
    """Folders the pipeline reads from (sources, templates) and writes to (outputs)."""

    sources_dir: str = str(PROJECT_ROOT / "sources")
    templates_dir: str = str(PROJECT_ROOT / "templates")
    outputs_dir: str = str(PROJECT_ROOT / "outputs")

    @property
    def sources(self) -> Path:
        return Path(self.sources_dir)

    @property
    def templates(self) -> Path:
        return Path(self.templates_dir)

    @property
    def outputs(self) -> Path:
        return Path(self.outputs_dir)

    @property
    def catalog(self) -> Path:
        return self.sources / "catalog"

    def edition_sources(self, edition_id: str) -> Path:
        return self.sources / "editions" / edition_id

    def edition_outputs(self, edition_id: str) -> Path:
        return self.outputs / edition_id
