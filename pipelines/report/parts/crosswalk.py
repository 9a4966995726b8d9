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
    other = load_framework(framework.folder.parents[1], target)  # sources/frameworks/<id> -> sources
    mapping = read_csv_strings(framework.mappings[target])
    levels = [("group", other.vocabulary.Groups), ("subgroup", other.vocabulary.Subgroups), ("commitment", other.vocabulary.Commitments)]
    rows = []
    for commitment_id in ctx.catalog.recommendations["recommendation_id"]:
        part = mapping[mapping["commitment_id"] == commitment_id]
        cells = [Cell(", ".join(part.loc[part["target_level"] == level, "target_id"]) or "–") for level, _ in levels]
        rows.append([Cell(commitment_name(ctx, commitment_id), header=True), *cells])
    return [
        Table(
            key=f"crosswalk-{target}",
            caption=f"{ctx.words.Commitments} of the {framework.short_name} and the {other.short_name} {other.vocabulary.commitments} they correspond to",
            columns=[ctx.words.Commitment] + [label for _, label in levels],
            rows=rows,
            legend="– = none at this level.",
            source=f"Correspondence between the {framework.short_name} and the {other.short_name}, established for this review, with a note on each correspondence.",
        )
    ]


def commitment_name(ctx: AssemblyContext, commitment_id: str) -> str:
    """``Commitment 3``, or the title of its own sub-group where the framework has no sub-groups
    (a paragraph that is not a commitment is named for what it is)."""
    titles = dict(zip(ctx.catalog.subclusters["subcluster_id"], ctx.catalog.subclusters["title"]))
    if not ctx.words.has_subgroups and commitment_id in titles:
        return titles[commitment_id]
    numbers = dict(zip(ctx.catalog.recommendations["recommendation_id"], ctx.catalog.recommendations["number"]))
    return f"{ctx.words.Commitment} {numbers.get(commitment_id, commitment_id)}"


def classification_table(ctx: AssemblyContext) -> list:
    """Each initiative of the evidence classified to the framework's commitments: where it was
    recorded, the commitment it counts for, how it was classified and why."""
    frame = ctx.data.initiatives
    if "classification_method" not in frame.columns or frame.empty:
        return []
    from pipelines.report.parts.evidence import country_name

    numbers = dict(zip(ctx.catalog.recommendations["recommendation_id"], ctx.catalog.recommendations["number"]))
    once = frame.drop_duplicates(["uid", "recommendation_ids"]).assign(_n=lambda f: f["recommendation_ids"].map(lambda c: int(numbers.get(c, 0))))
    rows = []
    for r in once.sort_values(["_n", "country", "title"]).itertuples(index=False):
        recorded = r.evidence_subcluster or r.evidence_cluster
        rows.append([Cell(commitment_name(ctx, r.recommendation_ids), header=True), Cell(r.title.rstrip(".")), Cell(country_name(r.country)), Cell(recorded), Cell(r.classification_method), Cell(r.classification_note)])
    return [
        Table(
            key="classification",
            caption=f"Initiatives of the evidence classified to the {ctx.words.commitments}",
            columns=[ctx.words.Commitment, "Initiative", "Member State", "Recorded under", "Method", "Why"],
            rows=rows,
            legend="Method: mapping = reached through the correspondence between the frameworks; manual = classified by reading the initiative.",
            source="Classification of the evidence by the review team.",
            css_class="classification",
        )
    ]


def not_classified_table(ctx: AssemblyContext) -> list:
    """The initiatives that were considered and left out, with the reason: nothing is dropped silently."""
    from pipelines.survey.classify import not_classified

    file = ctx.framework.classifications.get(ctx.edition.survey_of)
    if file is None:
        return []
    frame = not_classified(file, ctx.edition.survey_of)
    if frame.empty:
        return []
    findings = {"not_a_crisis_response": "not a crisis response", "no_matching_commitment": f"no matching {ctx.words.commitment}"}
    rows = [[Cell(r.title, header=True), Cell(findings.get(r.finding, r.finding.replace("_", " "))), Cell(r.note)] for r in frame.itertuples(index=False)]
    return [Table(key="not-classified", caption="Initiatives considered and left out", columns=["Initiative", "Finding", "Why"], rows=rows, source="Classification of the evidence by the review team.")]

