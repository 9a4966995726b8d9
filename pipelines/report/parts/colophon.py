"""The colophon: how this paper was made, from what, by which code."""

from __future__ import annotations

from pipelines.report.assemble import NarrativeSlot
from pipelines.report.document import Cell, Table


def colophon_blocks(record: dict) -> list:
    """The colophon, on one page: how the paper was made (narrative) and the software. The hash of every
    input is in the manifest, attached to the PDF and published beside it, not printed."""
    if not record:
        return []
    packages = Table(
        key="colophon-packages",
        caption="Software that produced this paper",
        columns=["Package", "Version"],
        rows=[[Cell(name, header=True), Cell(version)] for name, version in record["packages"].items()],
        numbered=False,
    )
    facts = {"colophon": {"edition": record["edition"], "build_date": record["build_date"][:10], "commit": record["commit"], "fingerprint": record["fingerprint"], "inputs": len(record["inputs"])}}
    return [NarrativeSlot("colophon", "colophon.md.j2", facts=facts), packages]
