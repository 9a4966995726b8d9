"""The colophon: how this paper was made, from what, by which code."""

from __future__ import annotations

from pipelines.report.assemble import AssemblyContext, NarrativeSlot
from pipelines.report.document import Cell, Section, Table


def colophon(ctx: AssemblyContext):
    record = ctx.extras.get("colophon")
    if not record:
        return [], []
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
    section = Section("colophon", "Colophon", level=2, css_class="appendix colophon", blocks=[NarrativeSlot("colophon", "colophon.md.j2", facts=facts), *ctx.extras.get("colophon_blocks", []), packages, inputs])
    return [], [section]
