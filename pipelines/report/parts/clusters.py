"""Chapter 2: progress per cluster, one section per cluster and one sub-section per sub-cluster."""

from __future__ import annotations

from pipelines.report.assemble import AssemblyContext, NarrativeSlot
from pipelines.report.document import Section
from pipelines.report.parts.catalog_views import recommendation_list


def cluster_chapter(ctx: AssemblyContext):
    catalog = ctx.catalog
    extras = ctx.extras
    covered = extras.get("covered_recommendations")
    children = []
    for index, cluster in enumerate(catalog.clusters.sort_values("cluster").itertuples(index=False), start=1):
        members = catalog.memberships[catalog.memberships["cluster"] == cluster.cluster]
        number = f"2.{index}"
        facts = {"cluster": {"letter": cluster.cluster, "title": cluster.title, "recommendations": members["recommendation_id"].nunique(), "subclusters": int(catalog.subclusters["cluster"].eq(cluster.cluster).sum())}}
        facts["cluster"] |= extras.get("cluster_facts", {}).get(cluster.cluster, {})
        blocks = [NarrativeSlot(f"cluster-{cluster.cluster}", "cluster.md.j2", facts=facts)]
        blocks += extras.get("cluster_blocks", {}).get(cluster.cluster, [])
        section = Section(f"2-{index}", f"Cluster {cluster.cluster} – {cluster.title}", level=3, number=number, blocks=blocks)
        subs = catalog.subclusters[catalog.subclusters["cluster"] == cluster.cluster].sort_values("position")
        for sub in subs.itertuples(index=False):
            sub_members = members[members["subcluster_id"] == sub.subcluster_id]
            sub_blocks = [
                recommendation_list(
                    sub_members, catalog.recommendations, catalog.forums, covered, compact=True,
                    title="Recommendations in this sub-cluster:" if len(sub_members) != 1 else "Recommendation in this sub-cluster:",
                ),
                NarrativeSlot(f"subcluster-{sub.subcluster_id}", None),
            ]
            placed = extras.get("subcluster_blocks", {}).get(sub.subcluster_id, [])
            # tables, figures and boxes first; the long compilation of initiatives closes the sub-section
            sub_blocks += sorted(placed, key=lambda block: getattr(block, "kind", "") == "initiatives")
            section.children.append(Section(f"2-{index}-{sub.position}", sub.title, level=4, number=f"{number}.{sub.position}", blocks=sub_blocks))
        children.append(section)
    chapter = Section(
        "2",
        f"Progress in implementing the recommendations of the {ctx.facts['catalog'].first_forum}–{ctx.facts['catalog'].last_forum} AFMLs",
        level=2,
        number="2",
        blocks=[NarrativeSlot("progress", "progress.md.j2"), *extras.get("progress_blocks", [])],
        children=children,
    )
    return [], [chapter]
