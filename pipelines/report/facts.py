"""The computed values that narratives may quote, by name.

Narratives never type a number: they write ``{{ catalog.recommendations }}`` and this module decides
what that is. Each fact is derived from the data of the edition; the facts of a source table are
declared in its YAML (``facts:``), so no table is named here.
"""

from __future__ import annotations

from types import SimpleNamespace

from pipelines.editions import Edition
from pipelines.frameworks import Framework
from pipelines.report.model import Catalog


def catalog_facts(catalog: Catalog, edition: Edition) -> SimpleNamespace:
    forums = catalog.forums.set_index("forum_id")
    covered = sorted(catalog.recommendations["forum_id"].unique())
    per_cluster = catalog.memberships.groupby("cluster")["recommendation_id"].nunique()
    appearances = catalog.memberships.groupby("recommendation_id").size()
    clusters_per_rec = catalog.memberships.groupby("recommendation_id")["cluster"].nunique()
    facts = dict(
        recommendations=len(catalog.recommendations),
        forums_covered=len(covered),
        first_forum=forums.loc[covered[0], "ordinal"] if covered else "",
        last_forum=forums.loc[covered[-1], "ordinal"] if covered else "",
        clusters=catalog.clusters["cluster"].nunique(),
        subclusters=len(catalog.subclusters),
        memberships=len(catalog.memberships),
        listed_more_than_once=int((appearances > 1).sum()),
        in_two_clusters=int((clusters_per_rec > 1).sum()),
        per_cluster={c: int(n) for c, n in per_cluster.items()},
        listings_per_cluster={c: int(n) for c, n in catalog.memberships.groupby("cluster").size().items()},  # a recommendation listed in two sub-clusters counts twice
    )
    if edition.prepared_for:
        prepared_for = forums.loc[edition.prepared_for]
        facts |= dict(
            forums_held=int((catalog.forums["number"] <= prepared_for["number"]).sum()),
            prepared_for_ordinal=prepared_for["ordinal"],
            prepared_for_city=prepared_for["city"],
            prepared_for_country=prepared_for["country_name"],
            prepared_for_theme=prepared_for["theme"],
            prepared_for_year=int(prepared_for["year"]),
        )
    return SimpleNamespace(**facts)


def edition_facts(edition: Edition) -> SimpleNamespace:
    return SimpleNamespace(
        id=edition.id,
        review_start=f"{edition.review_start:%B %Y}",
        review_end=f"{edition.review_end:%B %Y}",
        review_start_year=edition.review_start.year,
        review_end_year=edition.review_end.year,
    )


def framework_facts(framework: Framework) -> SimpleNamespace:
    """The framework's names and its verbatim passages (``texts:`` in framework.yaml)."""
    adopted = framework.adopted
    return SimpleNamespace(
        id=framework.id,
        name=framework.name,
        short_name=framework.short_name,
        title=framework.title,
        adopted_date=_long_date(adopted.get("date", "")),
        adopted_place=str(adopted.get("place", "")),
        adopted_occasion=str(adopted.get("occasion", "")),
        source_document=" ".join(str(framework.source.get("document", "")).split()),
        texts=SimpleNamespace(**framework.texts),
    )


def _long_date(value) -> str:
    """``2023-05-10`` -> ``10 May 2023`` (as the paper writes dates); other text is kept."""
    import datetime as dt

    try:
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{date.day} {date:%B %Y}"


def _number(value) -> float:
    from pipelines.tables.values import as_number

    return as_number(value) or 0


def table_fact(table, name: str, rule: dict):
    """One fact of a source table, as its YAML declares it (rows that are computed totals excluded)."""
    from pipelines.formatting import join_words

    rows = table.rows[~table.rows["_total"]]
    if "sum" in rule:
        return sum(_number(v) for v in rows[rule["sum"]])
    if "largest" in rule:
        return rows.loc[rows[rule["largest"]].map(_number).idxmax(), rule["show"]]
    if "rows_above" in rule:
        column, threshold = rule["rows_above"]["column"], float(rule["rows_above"]["value"])
        chosen = [r[rule["show"]] for _, r in rows.iterrows() if not isinstance(r[column], str) and r[column] > threshold]
        return join_words(chosen) or str(rule.get("none", "none"))
    raise ValueError(f"{table.file}: fact {name!r}: a fact is {{sum: <column>}}, {{largest: <column>, show: <column>}} or {{rows_above: {{column, value}}, show: <column>}}, not {rule!r}")


def table_facts(tables: dict) -> SimpleNamespace:
    """Every fact the source tables declare (``facts:`` in their YAML), by name."""
    facts, where = {}, {}
    for table in tables.values():
        for name, rule in table.spec.facts.items():
            if name in facts:
                raise ValueError(f"{table.file}: fact {name!r} is also declared by {where[name]}")
            facts[name], where[name] = table_fact(table, name, rule), table.file
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


def evidence_facts(edition: Edition, initiatives, recorded: int) -> SimpleNamespace:
    """Where the evidence comes from and how it was classified: each initiative counts once, however
    many commitments it serves. ``recorded``: the initiatives the survey intake accepted."""
    classified = "classification_method" in initiatives.columns
    once = initiatives.drop_duplicates("uid")
    pairs = initiatives.drop_duplicates(["uid", "recommendation_ids"])
    return SimpleNamespace(
        edition=edition.evidence_id,
        classified=classified,
        recorded=recorded,
        initiatives=len(once),
        classifications=len(pairs),
        serving_several=int((pairs.groupby("uid").size() > 1).sum()) if not pairs.empty else 0,
        by_mapping=int((pairs["classification_method"] == "mapping").sum()) if classified else 0,
        by_hand=int((pairs["classification_method"] == "manual").sum()) if classified else 0,
    )
