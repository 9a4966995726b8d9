"""The framework's groups as sections: progress per group and sub-group, or the full listing of the
commitments (an appendix). ``groups: progress`` or ``groups: listing`` on a section of the outline.

For AFML: clusters A–J, each with its sub-clusters; for a framework without sub-groups, each
commitment is its own sub-section.
"""

from __future__ import annotations

from pipelines.report.assemble import AssemblyContext, NarrativeSlot
from pipelines.report.document import RecommendationList, Section
from pipelines.report.parts.catalog_views import recommendation_items, recommendation_list
from pipelines.report.parts.evidence import cluster_country_chart, cluster_facts, cluster_key_figures, compilation
from pipelines.report.volume import plan_volume

KINDS = ("progress", "listing")


def group_sections(ctx: AssemblyContext, parent: Section, kind) -> list[Section]:
    kind = "progress" if kind is True else kind
    if kind not in KINDS:
        raise ValueError(f"outline: section {parent.key!r}: groups is one of {', '.join(KINDS)}, not {kind!r}")
    return progress_sections(ctx, parent) if kind == "progress" else listing_sections(ctx, parent)


def _heading(group_id: str, title: str, words) -> str:
    return f"{words.Group} {group_id} – {title}" if len(group_id) <= 3 else title


def progress_sections(ctx: AssemblyContext, parent: Section) -> list[Section]:
    """One section per group (narrative, key figures, chart by Member State), one sub-section per
    sub-group (its commitments, narrative, what is placed there, the compilation of initiatives)."""
    catalog, data, words = ctx.catalog, ctx.data, ctx.words
    indicators = {row["cluster"]: row for row in data.cluster_indicators.to_dict("records")}
    facts_by_group = cluster_facts(data.cluster_indicators)
    matrix = data.coverage["cluster_by_country"]
    by_sub = {k: part for k, part in data.initiatives.groupby("subcluster")} if not data.initiatives.empty else {}
    empty = data.initiatives.iloc[0:0]
    several_instruments = catalog.recommendations["forum_id"].nunique() > 1
    listed: set[str] = set()
    plan = plan_volume(data.initiatives, data.respondents)  # how much of the compilation the paper prints
    chips = {item.recommendation_id: item.chip for item in recommendation_items(catalog.memberships.drop_duplicates("recommendation_id"), catalog.recommendations, catalog.forums, framework=ctx.framework)}
    sections = []
    for index, cluster in enumerate(catalog.clusters.itertuples(index=False), start=1):
        members = catalog.memberships[catalog.memberships["cluster"] == cluster.cluster]
        number = f"{parent.number}.{index}" if parent.number else ""
        group = {"id": cluster.cluster, "letter": cluster.cluster, "title": cluster.title, "recommendations": members["recommendation_id"].nunique(), "subclusters": int(catalog.subclusters["cluster"].eq(cluster.cluster).sum())}
        group |= facts_by_group.get(cluster.cluster, {})
        blocks = [NarrativeSlot(f"group-{cluster.cluster}", "group.md.j2", facts={"group": group, words.group.replace("-", "_"): group})]
        if cluster.cluster in indicators:
            blocks.append(cluster_key_figures(indicators[cluster.cluster], words, several_instruments))
            if matrix.loc[cluster.cluster].sum():  # no chart of zeros: the key figures say there is none
                blocks.append(cluster_country_chart(cluster.cluster, cluster.title, matrix.loc[cluster.cluster], words))
        blocks += ctx.slots.take(f"group/{cluster.cluster}")
        section = Section(f"{parent.key}-{index}", _heading(cluster.cluster, cluster.title, words), level=parent.level + 1, number=number, blocks=blocks)
        subs = catalog.subclusters[catalog.subclusters["cluster"] == cluster.cluster].sort_values("position")
        for sub in subs.itertuples(index=False):
            sub_members = members[members["subcluster_id"] == sub.subcluster_id]
            if words.has_subgroups:
                title = f"{words.Commitments} in this {words.subgroup}:" if len(sub_members) != 1 else f"{words.Commitment} in this {words.subgroup}:"
                listing = recommendation_list(sub_members, catalog.recommendations, catalog.forums, None, compact=True, title=title, framework=ctx.framework)
            else:
                listing = recommendation_list(sub_members, catalog.recommendations, catalog.forums, None, framework=ctx.framework)
            sub_blocks = [listing, NarrativeSlot(f"subgroup-{sub.subcluster_id}", None)]
            sub_blocks += ctx.slots.take(f"subgroup/{sub.subcluster_id}")
            sub_blocks.append(compilation(by_sub.get(sub.subcluster_id, empty), data.respondents, words, listed, chips, plan=plan))
            section.children.append(Section(f"{parent.key}-{index}-{sub.position}", sub.title, level=parent.level + 2, number=f"{number}.{sub.position}" if number else "", blocks=sub_blocks))
        sections.append(section)
    return sections


def listing_sections(ctx: AssemblyContext, parent: Section) -> list[Section]:
    """Every commitment, verbatim, under its group (and sub-group), in catalog order. The first
    listing of a commitment carries its anchor ``rec-<id>``; the compact references point to it."""
    catalog, words = ctx.catalog, ctx.words
    seen: dict[str, int] = {}
    covering = _covering(ctx.data.initiatives) if ctx.data is not None else None

    def items(members):
        listed = recommendation_items(members, catalog.recommendations, catalog.forums, framework=ctx.framework)
        for item in listed:
            seen[item.recommendation_id] = seen.get(item.recommendation_id, 0) + 1
            n = seen[item.recommendation_id]
            item.anchor = f"rec-{item.recommendation_id}" + ("" if n == 1 else f"-{n}")
            if covering is not None:
                item.covered_by = covering.get(item.recommendation_id, [])
                item.covered = bool(item.covered_by)
        return listed

    children = []
    for cluster in catalog.clusters.itertuples(index=False):
        heading = f"{cluster.cluster}. {cluster.title}" if len(cluster.cluster) <= 3 else cluster.title
        section = Section(f"{parent.key}-{cluster.cluster}", heading, level=parent.level + 1)
        members = catalog.memberships[catalog.memberships["cluster"] == cluster.cluster].sort_values("position")
        if words.has_subgroups:
            subs = catalog.subclusters[catalog.subclusters["cluster"] == cluster.cluster].sort_values("position")
            for sub in subs.itertuples(index=False):
                sub_members = members[members["subcluster_id"] == sub.subcluster_id]
                section.children.append(Section(f"{parent.key}-{sub.subcluster_id}", sub.title, level=parent.level + 2, blocks=[RecommendationList(items(sub_members))]))
        else:
            section.blocks.append(RecommendationList(items(members)))
        children.append(section)
    return children


def _covering(initiatives) -> dict[str, list[tuple[str, str]]]:
    """For each commitment, the initiatives that name it: (id as the paper shows it, anchor of its entry)."""
    from pipelines.indicators.compute import reader_id
    from pipelines.report.parts.evidence import initiative_anchor

    covering: dict[str, list[tuple[str, str]]] = {}
    for record in initiatives.drop_duplicates("uid").to_dict("records"):
        for rec_id in record["recommendation_ids"].split():
            covering.setdefault(rec_id, []).append((reader_id(record), initiative_anchor(record)))
    return {rec_id: sorted(set(pairs)) for rec_id, pairs in covering.items()}
