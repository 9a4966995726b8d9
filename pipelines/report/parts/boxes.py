"""Boxes: highlighted examples written by the authors, one Markdown file each.

``sources/editions/<edition>/narrative/boxes/<key>.md`` starts with a YAML front matter
(``title``, ``placement`` such as ``subcluster/F2``, ``source``) followed by the body, which is
narrative like any other: live figures, no raw HTML. The front matter is read with the project's
safe YAML loader and checked (an unknown key is named with its line); a placement that is not a
place in the paper stops the build (see :mod:`pipelines.report.slots`).
"""

from __future__ import annotations

from pathlib import Path

from pipelines.report.assemble import NarrativeSlot
from pipelines.report.document import Box
from pipelines.report.slots import Placed
from pipelines.yamlfiles import Field, YamlError, YamlProblem, check, parse_yaml, read_text

FRONT_MATTER = Field("mapping", required=True, keys={
    "title": Field(required=True, example="How the public views migrant workers"),
    "placement": Field(required=True, example="subgroup/A2"),
    "source": Field(example='"ILO and UN Women 2019"'),
})
"""The keys of a box's front matter."""

FENCE = "---"


class BoxError(YamlError):
    pass


def split_front_matter(text: str, name: str) -> tuple[str, str]:
    """``(front matter, body)`` of a box file. The body keeps the file's line numbers: the front
    matter's lines are left blank in it, so a problem in the body is reported at its real line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise BoxError([YamlProblem(name, 1, f'a box starts with a front matter block: a line "{FENCE}", then title:, placement: and source:, then a line "{FENCE}"')])
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return "".join(lines[1:index]), "\n" * (index + 1) + "".join(lines[index + 1:])
    raise BoxError([YamlProblem(name, 1, f'the front matter is not closed: add a line "{FENCE}" after its last key')])


def box_body(text: str, name: str = "box") -> str:
    """A box file's narrative body, line numbers kept (see :func:`split_front_matter`)."""
    return split_front_matter(text, name)[1]


def read_box(path: Path, display_name: str) -> tuple[Placed, Box]:
    header, body = split_front_matter(read_text(path, display_name), display_name)
    meta = parse_yaml(header, display_name, first_line=2)
    check(meta, FRONT_MATTER, display_name)
    box = Box(key=path.stem, title=str(meta["title"]), body=NarrativeSlot(path.stem, None, source_text=body, source_name=display_name), source=str(meta.get("source") or ""))
    return Placed("box", path.stem, str(meta["placement"]), display_name, meta.line_of("placement")), box


def placed_boxes(narrative_dir: Path, edition_id: str) -> list[tuple[Placed, Box]]:
    """Every box of the edition; the front-matter problems of all of them are raised together."""
    folder = narrative_dir / "boxes"
    boxes, problems = [], []
    for path in sorted(folder.glob("*.md")) if folder.exists() else []:
        try:
            boxes.append(read_box(path, f"sources/editions/{edition_id}/narrative/boxes/{path.name}"))
        except YamlError as exc:
            problems += exc.problems
    if problems:
        raise BoxError(problems)
    return boxes
