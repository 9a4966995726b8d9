"""The blocks an outline may ask for, by name: each builds the tables, figures and narratives the
pipeline computes for one section. A name that is not here fails when the outline is read, with the
list of these names.
"""

from __future__ import annotations

from typing import Callable

from pipelines.report.assemble import AssemblyContext, LateBlock, NarrativeSlot
from pipelines.report.parts import evidence
from pipelines.report.parts.catalog_views import themes_table


def _abbreviations(ctx: AssemblyContext, options: dict) -> list:
    from pipelines.report.parts.front import abbreviations_table

    return [abbreviations_table(ctx)]


def _instruments_table(ctx: AssemblyContext, options: dict) -> list:
    return [themes_table(ctx.catalog.forums, ctx.catalog.forum_subthemes, ctx.framework, caption=str(options.get("caption", "")))]


def _respondents_table(ctx: AssemblyContext, options: dict) -> list:
    return [evidence.respondents_table(ctx.data.coverage["respondents_by_country"])]


def _indicator_definitions(ctx: AssemblyContext, options: dict) -> list:
    return [evidence.indicator_definitions_table(ctx.data.indicators, ctx.catalog.recommendations["forum_id"].nunique() > 1)]


def _coverage_heatmap(ctx: AssemblyContext, options: dict) -> list:
    return [evidence.coverage_heatmap(ctx.data.coverage["cluster_by_country"], ctx.catalog.clusters, ctx.words)]


def _coverage_bars(ctx: AssemblyContext, options: dict) -> list:
    return [evidence.coverage_bars(ctx.data.cluster_indicators, ctx.catalog.clusters, ctx.words)]


def _constituency_mix(ctx: AssemblyContext, options: dict) -> list:
    return [evidence.constituency_mix(ctx.data.cluster_indicators, ctx.catalog.clusters, ctx.words)]


def _change(ctx: AssemblyContext, options: dict) -> list:
    changes = ctx.data.changes
    facts = {"change": {"previous": changes.get("previous"), "newly_covered": len(changes.get("newly_covered", []))}}
    blocks = [NarrativeSlot("progress-change", "progress_change.md.j2", facts=facts)]
    return blocks + ([evidence.change_table(changes, ctx.words)] if changes.get("previous") else [])


def _respondents_list(ctx: AssemblyContext, options: dict) -> list:
    from pipelines.report.volume import plan_volume

    return [evidence.respondents_list(ctx.data.respondents, plan_volume(ctx.data.initiatives, ctx.data.respondents))]


def _data_quality(ctx: AssemblyContext, options: dict) -> list:
    from pipelines.report.parts.source_tables import data_quality_blocks

    return data_quality_blocks(ctx.data.comparison, ctx.data.source_tables)


def _sources_cited(ctx: AssemblyContext, options: dict) -> list:
    from pipelines.report.parts.references import pending_sources

    return [pending_sources()]


def _colophon(ctx: AssemblyContext, options: dict) -> list:
    from pipelines.report.parts.colophon import colophon_blocks

    from markupsafe import Markup

    from pipelines.report.document import Prose
    from pipelines.report.volume import plan_volume

    statement = plan_volume(ctx.data.initiatives, ctx.data.respondents).statement()
    return colophon_blocks(ctx.data.provenance) + [Prose(Markup("<p>{}</p>").format(statement))]


def _crosswalk(ctx: AssemblyContext, options: dict) -> list:
    from pipelines.report.parts.crosswalk import crosswalk_table

    return crosswalk_table(ctx, str(options.get("target", "")))


def _classification(ctx: AssemblyContext, options: dict) -> list:
    from pipelines.report.parts.crosswalk import classification_table

    return classification_table(ctx)


def _not_classified(ctx: AssemblyContext, options: dict) -> list:
    from pipelines.report.parts.crosswalk import not_classified_table

    return not_classified_table(ctx)


BLOCKS: dict[str, Callable[[AssemblyContext, dict], list]] = {
    "abbreviations": _abbreviations,
    "instruments_table": _instruments_table,
    "respondents_table": _respondents_table,
    "indicator_definitions": _indicator_definitions,
    "coverage_heatmap": _coverage_heatmap,
    "coverage_bars": _coverage_bars,
    "constituency_mix": _constituency_mix,
    "change": _change,
    "respondents_list": _respondents_list,
    "data_quality": _data_quality,
    "sources_cited": _sources_cited,
    "colophon": _colophon,
    "crosswalk": _crosswalk,
    "classification": _classification,
    "not_classified": _not_classified,
}


# Blocks built when the narratives are written in, not with the sections (see assemble.LateBlock): the
# colophon prints the build's provenance, which every build, partial or not, makes anew.
BUILT_LATE = frozenset({"colophon"})


def build_block(spec, ctx: AssemblyContext) -> list:
    """The blocks of one outline entry (a narrative, or a computed block by name)."""
    if spec.name == "narrative":
        return [NarrativeSlot(spec.narrative, spec.default)]
    if spec.name in BUILT_LATE:
        return [LateBlock(spec.name, spec.options)]
    return BLOCKS[spec.name](ctx, spec.options)
