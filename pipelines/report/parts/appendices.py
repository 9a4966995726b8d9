"""Appendices: respondents (I), the clustering of the recommendations (II), ratifications (III)."""

from __future__ import annotations

from pipelines.report.assemble import AssemblyContext, NarrativeSlot
from pipelines.report.document import Section
from pipelines.report.parts.catalog_views import recommendation_items
from pipelines.report.document import RecommendationList


def appendix_clustering(ctx: AssemblyContext) -> Section:
    """Appendix II: every recommendation under its cluster and sub-cluster, in catalog order."""
    catalog = ctx.catalog
    seen: dict[str, int] = {}
    children = []
    for cluster in catalog.clusters.sort_values("cluster").itertuples(index=False):
        cluster_section = Section(f"app2-{cluster.cluster}", f"{cluster.cluster}. {cluster.title}", level=3)
        subs = catalog.subclusters[catalog.subclusters["cluster"] == cluster.cluster].sort_values("position")
        for sub in subs.itertuples(index=False):
            members = catalog.memberships[catalog.memberships["subcluster_id"] == sub.subcluster_id].sort_values("position")
            items = recommendation_items(members, catalog.recommendations, catalog.forums)
            for item in items:
                seen[item.recommendation_id] = seen.get(item.recommendation_id, 0) + 1
                n = seen[item.recommendation_id]
                item.anchor = f"rec-{item.recommendation_id}" + ("" if n == 1 else f"-{n}")
            cluster_section.children.append(Section(f"app2-{sub.subcluster_id}", sub.title, level=4, blocks=[RecommendationList(items)]))
        children.append(cluster_section)
    return Section(
        "appendix-2",
        f"Clustering of the {ctx.facts['catalog'].first_forum}–{ctx.facts['catalog'].last_forum} AFML recommendations",
        level=2,
        number="Appendix II",
        css_class="appendix",
        blocks=[NarrativeSlot("appendix-clustering", "appendix_clustering.md.j2")],
        children=children,
    )


def appendices(ctx: AssemblyContext):
    extras = ctx.extras
    sections = []
    if "appendix_respondents" in extras:
        sections.append(extras["appendix_respondents"])
    sections.append(appendix_clustering(ctx))
    sections += extras.get("more_appendices", [])
    return [], sections
