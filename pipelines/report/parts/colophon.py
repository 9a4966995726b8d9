"""The colophon: how this paper was made, from what, by which code."""

from __future__ import annotations

from pipelines.report.assemble import NarrativeSlot
from pipelines.report.document import Cell, Table


def colophon_blocks(record: dict) -> list:
    """The colophon: how the paper was made (narrative), the software and every input with its hash."""
    if not record:
        return []
    packages = Table(
        key="colophon-packages",
        caption="Software that produced this paper",
        columns=["Package", "Version"],
        rows=[[Cell(name, header=True), Cell(version)] for name, version in record["packages"].items()],
        numbered=False,
    )
    inputs = Table(
        key="colophon-inputs",
        caption="Input files and their SHA-256",
        columns=["File", "SHA-256"],
        rows=[[Cell(item["path"], header=True), Cell(item["sha256"])] for item in record["inputs"]],
        numbered=False,
        css_class="hashes",
    )
    facts = {"colophon": {"edition": record["edition"], "build_date": record["build_date"][:10], "commit": record["commit"], "fingerprint": record["fingerprint"], "inputs": len(record["inputs"])}}
    return [NarrativeSlot("colophon", "colophon.md.j2", facts=facts), packages, inputs]
