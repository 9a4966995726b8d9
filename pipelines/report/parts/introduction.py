"""Chapter 1: labour migration in ASEAN, the Forum, and how this review was made."""

from __future__ import annotations

from pipelines.report.assemble import AssemblyContext, NarrativeSlot
from pipelines.report.document import Section
from pipelines.report.parts.catalog_views import themes_table


def introduction(ctx: AssemblyContext):
    extras = ctx.extras
    migration = Section("1-1", "Labour migration in ASEAN", level=3, number="1.1", blocks=[NarrativeSlot("intro-labour-migration", "intro_labour_migration.md.j2")])
    migration.blocks += extras.get("intro_tables", [])
    forum = Section(
        "1-2",
        "The ASEAN Forum on Migrant Labour",
        level=3,
        number="1.2",
        blocks=[NarrativeSlot("intro-afml", "intro_afml.md.j2"), themes_table(ctx.catalog.forums, ctx.catalog.forum_subthemes)],
    )
    method = Section(
        "1-3",
        "Objectives, scope and methodology of the review",
        level=3,
        number="1.3",
        blocks=[NarrativeSlot("intro-method", "intro_method.md.j2"), *extras.get("method_blocks", [])],
    )
    chapter = Section("1", "Introduction", level=2, number="1", blocks=[NarrativeSlot("intro", "intro.md.j2")], children=[migration, forum, method])
    return [], [chapter]
