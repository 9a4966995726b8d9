"""Sources cited: every citation the paper's tables, figures and boxes carry, with where it is used."""

from __future__ import annotations

from pipelines.report.document import Box, Cell, Figure, Section, Table


def pending_sources() -> "_Pending":
    """The list of sources cited, filled in by :func:`fill_references` once every float has its number."""
    return _Pending()


class _Pending:
    """Placeholder replaced by :func:`fill_references` once every float has its number."""

    kind = "pending"


def fill_references(sections: list[Section]) -> None:
    cited: dict[str, list[str]] = {}
    for top in sections:
        for section in top.walk():
            for block in section.blocks:
                if isinstance(block, (Table, Figure, Box)) and getattr(block, "number", "") and block.source:
                    for citation in _split(block.source):
                        cited.setdefault(citation, []).append(f"{block.label}")
    table = Table(
        key="sources-cited",
        caption="",
        columns=["Source", "Cited in"],
        rows=[[Cell(source, header=True), Cell(", ".join(dict.fromkeys(where)))] for source, where in sorted(cited.items(), key=lambda kv: kv[0].lower())],
        numbered=False,
    )
    for top in sections:
        for section in top.walk():
            section.blocks = [table if isinstance(b, _Pending) else b for b in section.blocks]


def _split(source: str) -> list[str]:
    """``"ILO, n.d.-b; n.d.-c; DOE 2019."`` stays one citation line; trailing full stops are dropped."""
    return [source.strip().rstrip(".")]
