"""Boxes: highlighted examples written by the authors, one Markdown file each.

``sources/editions/<edition>/narrative/boxes/<key>.md`` starts with a YAML front matter
(``title``, ``placement`` such as ``subcluster/F2``, ``source``) followed by the body, which is
narrative like any other: live figures, no raw HTML.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.report.assemble import NarrativeSlot
from pipelines.report.document import Box


class BoxError(ValueError):
    pass


def read_box(path: Path, display_name: str) -> tuple[str, Box]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        raise BoxError(f"{display_name}: a box starts with a front matter block (--- title, placement, source ---)")
    _, header, body = text.split("---", 2)
    meta = yaml.safe_load(header) or {}
    missing = [k for k in ("title", "placement") if not meta.get(k)]
    if missing:
        raise BoxError(f"{display_name}: front matter lacks {', '.join(missing)}")
    box = Box(key=path.stem, title=str(meta["title"]), body=NarrativeSlot(path.stem, None, source_text=body, source_name=display_name), source=str(meta.get("source") or ""))
    return str(meta["placement"]), box


def placed_boxes(narrative_dir: Path, edition_id: str) -> dict[str, list[Box]]:
    placed: dict[str, list[Box]] = {}
    folder = narrative_dir / "boxes"
    for path in sorted(folder.glob("*.md")) if folder.exists() else []:
        placement, box = read_box(path, f"sources/editions/{edition_id}/narrative/boxes/{path.name}")
        placed.setdefault(placement, []).append(box)
    return placed


def box_extras(narrative_dir: Path, edition_id: str) -> dict:
    subcluster_blocks: dict[str, list] = {}
    for placement, boxes in placed_boxes(narrative_dir, edition_id).items():
        kind, _, target = placement.partition("/")
        if kind != "subcluster":
            raise BoxError(f"box placement {placement!r}: only subcluster/<id> is supported")
        subcluster_blocks.setdefault(target, []).extend(boxes)
    return {"subcluster_blocks": subcluster_blocks}
