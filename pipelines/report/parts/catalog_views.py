"""Views of the framework's catalog shared by several parts of the paper."""

from __future__ import annotations

import pandas as pd

from pipelines.report.document import Cell, RecommendationItem, RecommendationList, Table


def recommendation_items(memberships: pd.DataFrame, recommendations: pd.DataFrame, forums: pd.DataFrame, covered: set[str] | None = None, framework=None) -> list[RecommendationItem]:
    """The commitments of ``memberships`` in catalog order, with their instrument and number."""
    ordinals = dict(zip(forums["forum_id"], forums["ordinal"]))
    labels = {f["forum_id"]: framework.instrument_label(f) for f in forums.to_dict("records")} if framework is not None else {}
    by_id = recommendations.set_index("recommendation_id")
    items = []
    for rec_id in memberships["recommendation_id"]:
        rec = by_id.loc[rec_id]
        items.append(
            RecommendationItem(
                recommendation_id=rec_id,
                forum_ordinal=ordinals[rec["forum_id"]],
                number=int(rec["number"]),
                text=rec["text"],
                covered=None if covered is None else rec_id in covered,
                instrument=labels.get(rec["forum_id"], ordinals[rec["forum_id"]]),
            )
        )
    return items


def recommendation_list(
    memberships: pd.DataFrame,
    recommendations: pd.DataFrame,
    forums: pd.DataFrame,
    covered: set[str] | None = None,
    compact: bool = False,
    title: str = "",
    framework=None,
) -> RecommendationList:
    return RecommendationList(recommendation_items(memberships, recommendations, forums, covered, framework), compact=compact, title=title)


def themes_table(forums: pd.DataFrame, subthemes: pd.DataFrame, framework, caption: str = "") -> Table:
    """The themes of every instrument, generated from the framework's instruments table (for AFML,
    Table 3 of the 2020 paper)."""
    words = framework.vocabulary
    compiled = framework.tables["instruments"].file if "instruments" in framework.tables else framework.folder / "framework.yaml"
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    rows = []
    for forum in forums.sort_values("number").itertuples(index=False):
        subs = subthemes[subthemes["forum_id"] == forum.forum_id].sort_values("position")["subtheme"].tolist()
        theme = forum.theme + ("" if not subs else ": " + "; ".join(subs))
        place = forum.city if forum.city == forum.country_name else f"{forum.city}, {forum.country_name}"
        rows.append([Cell(forum.ordinal, header=True), Cell(theme), Cell(place), Cell(f"{months[int(forum.month) - 1]} {forum.year}")])
    return Table(
        key="instruments",
        caption=caption or f"Themes of the {words.Instruments}",
        columns=[framework.short_name, "Theme and sub-themes", "Venue", "Date"],
        rows=rows,
        source=f"{framework.short_name} outcome documents.",
        css_class="themes",
    )

