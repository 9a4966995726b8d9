"""The correspondence between the edition's framework and another one (``mappings:`` in
framework.yaml), as a table: for each commitment, the groups, sub-groups and commitments of the
other framework it corresponds to."""

from __future__ import annotations

from pipelines.report.assemble import AssemblyContext
from pipelines.report.document import Cell, Table


def crosswalk_table(ctx: AssemblyContext, target: str) -> list:
    from pipelines.frameworks import load_framework
    from pipelines.sourcefiles import read_csv_strings

    framework = ctx.framework
    if not framework.mappings:
        return []
    target = target or next(iter(framework.mappings))
    if target not in framework.mappings:
        raise ValueError(f"outline: crosswalk target {target!r}: {framework.id} maps to {', '.join(framework.mappings)} only")
    other = load_framework(framework.folder.parent, target)
    mapping = read_csv_strings(framework.mappings[target])
    levels = [("group", other.vocabulary.Groups), ("subgroup", other.vocabulary.Subgroups), ("commitment", other.vocabulary.Commitments)]
    numbers = dict(zip(ctx.catalog.recommendations["recommendation_id"], ctx.catalog.recommendations["number"]))
    rows = []
    for commitment_id in ctx.catalog.recommendations["recommendation_id"]:
        part = mapping[mapping["commitment_id"] == commitment_id]
        cells = [Cell(", ".join(part.loc[part["target_level"] == level, "target_id"]) or "–") for level, _ in levels]
        rows.append([Cell(f"{ctx.words.Commitment} {numbers[commitment_id]}", header=True), *cells])
    name = framework.mappings[target].name
    return [
        Table(
            key=f"crosswalk-{target}",
            caption=f"{ctx.words.Commitments} of the {framework.short_name} and the {other.short_name} {other.vocabulary.commitments} they correspond to",
            columns=[ctx.words.Commitment] + [label for _, label in levels],
            rows=rows,
            legend="– = none at this level.",
            source=f"Mapping between the two frameworks (sources/frameworks/mappings/{name}), with a note on each correspondence.",
        )
    ]
