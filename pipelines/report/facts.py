"""The computed values that narratives may quote, by name.

Narratives never type a number: they write ``{{ catalog.recommendations }}`` and this module decides
what that is. Each fact is derived from the data of the edition.
"""

from __future__ import annotations

from types import SimpleNamespace

from pipelines.editions import Edition
from pipelines.report.model import Catalog


def catalog_facts(catalog: Catalog, edition: Edition) -> SimpleNamespace:
    forums = catalog.forums.set_index("forum_id")
    covered = sorted(catalog.recommendations["forum_id"].unique())
    per_cluster = catalog.memberships.groupby("cluster")["recommendation_id"].nunique()
    appearances = catalog.memberships.groupby("recommendation_id").size()
    clusters_per_rec = catalog.memberships.groupby("recommendation_id")["cluster"].nunique()
    prepared_for = forums.loc[edition.prepared_for]
    return SimpleNamespace(
        recommendations=len(catalog.recommendations),
        forums_covered=len(covered),
        first_forum=forums.loc[covered[0], "ordinal"],
        last_forum=forums.loc[covered[-1], "ordinal"],
        forums_held=int((catalog.forums["number"] <= prepared_for["number"]).sum()),
        clusters=catalog.clusters["cluster"].nunique(),
        subclusters=len(catalog.subclusters),
        memberships=len(catalog.memberships),
        listed_more_than_once=int((appearances > 1).sum()),
        in_two_clusters=int((clusters_per_rec > 1).sum()),
        per_cluster={c: int(n) for c, n in per_cluster.items()},
        listings_per_cluster={c: int(n) for c, n in catalog.memberships.groupby("cluster").size().items()},  # a recommendation listed in two sub-clusters counts twice
        prepared_for_ordinal=prepared_for["ordinal"],
        prepared_for_city=prepared_for["city"],
        prepared_for_country=prepared_for["country_name"],
        prepared_for_theme=prepared_for["theme"],
        prepared_for_year=int(prepared_for["year"]),
    )


def edition_facts(edition: Edition) -> SimpleNamespace:
    return SimpleNamespace(
        id=edition.id,
        review_start=f"{edition.review_start:%B %Y}",
        review_end=f"{edition.review_end:%B %Y}",
        review_start_year=edition.review_start.year,
    )


def table_facts(tables: dict) -> SimpleNamespace:
    """Values from the source tables that the narrative quotes (computed, like everything else)."""
    from pipelines.formatting import join_words
    from pipelines.tables.values import as_number

    facts = {}
    outflow = tables.get("table01_outflow")
    if outflow is not None:
        rows = outflow.rows[~outflow.rows["_total"]]
        majority = [r["country"] for _, r in rows.iterrows() if not isinstance(r["women_pct"], str) and r["women_pct"] > 50]
        facts["outflow_women_majority"] = join_words(majority) or "no country"
        facts["outflow_total"] = sum(as_number(v) or 0 for v in rows["total"])
    stock = tables.get("table02_stock")
    if stock is not None:
        rows = stock.rows[~stock.rows["_total"]]
        facts["stock_total"] = sum(as_number(v) or 0 for v in rows["total"])
        facts["largest_destination"] = rows.loc[rows["total"].map(lambda v: as_number(v) or 0).idxmax(), "country"]
    for table_id, table in tables.items():  # any cell by name: {{ tables.<table id>.<row key>.<column> }}
        facts.setdefault(table_id, table_cells(table))
    return SimpleNamespace(**facts)


def table_cells(table) -> dict[str, dict[str, object]]:
    """A source table's values by row key and column (raw values, derived ones and summaries), for the
    narrative to quote: numbers stay numbers, to be formatted by the narrative's filters."""
    from pipelines.tables.load import IS_TOTAL, ROW_KEY

    cells: dict[str, dict[str, object]] = {}
    for frame in [table.rows, *table.summaries.values()]:
        for record in frame.to_dict("records"):
            row = cells.setdefault(str(record[ROW_KEY]), {})
            for column, value in record.items():
                if column not in (ROW_KEY, IS_TOTAL):
                    row.setdefault(column, value.item() if hasattr(value, "item") else value)
    return cells
