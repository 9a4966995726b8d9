"""What the survey and the indicators add to the paper: the respondents, the method note, the
indicator summaries and charts, and the compilation of initiatives by sub-cluster and Member State."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from markupsafe import Markup

from pipelines import formatting
from pipelines.catalog.schemas import ASEAN_MEMBER_STATES
from pipelines.indicators import charts
from pipelines.indicators.definitions import INDICATORS
from pipelines.report.assemble import NarrativeSlot
from pipelines.report.document import Cell, CountryInitiatives, Figure, InitiativeCompilation, InitiativeEntry, KeyFigures, Section, Table
from pipelines.survey.model import CONSTITUENCIES, SOURCES, STATUSES

SHORT_NAMES = {"LAO": "Lao PDR", "BRN": "Brunei Darussalam"}


def country_name(code: str) -> str:
    return ASEAN_MEMBER_STATES.get(code, code)


def short_country(code: str) -> str:
    return SHORT_NAMES.get(code, ASEAN_MEMBER_STATES.get(code, code))


def _value(indicator_name: str, value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    if isinstance(value, float):
        return formatting.number(value, 1)
    if isinstance(value, (int,)) or hasattr(value, "item"):
        return formatting.number(value)
    return str(value)


def survey_facts(respondents: pd.DataFrame, initiatives: pd.DataFrame) -> SimpleNamespace:
    responding = set(respondents["country"])
    missing = [ASEAN_MEMBER_STATES[c] for c in ASEAN_MEMBER_STATES if c not in responding]
    return SimpleNamespace(
        respondents=len(respondents),
        member_states_responding=len(responding),
        member_states_without_response=formatting.join_words(missing) or "none",
        initiatives=len(initiatives),
        member_states_reporting=int(initiatives["country"].nunique()) if not initiatives.empty else 0,
        from_questionnaire=int((initiatives["source"] == "questionnaire").sum()),
        from_literature=int((initiatives["source"] != "questionnaire").sum()),
    )


def cluster_facts(cluster_indicators: pd.DataFrame) -> dict[str, dict]:
    facts = {}
    for row in cluster_indicators.to_dict("records"):
        facts[row["cluster"]] = {
            "initiatives": int(row["initiatives"]),
            "countries_reporting": int(row["countries_reporting"]),
            "recommendations_with_initiatives": int(row["recommendations_with_initiatives"]),
            "share_covered": _value("share_covered", row["share_covered"]),
            "never_covered": int(row["never_covered"]),
            "forum_range": row["forum_range"],
        }
    return facts


def respondents_table(matrix: pd.DataFrame) -> Table:
    """Respondents per Member State and constituency, with totals (computed)."""
    columns = list(CONSTITUENCIES)
    rows = []
    for code, counts in matrix.iterrows():
        rows.append([Cell(short_country(code), header=True)] + [Cell(formatting.number(counts[c]) if counts[c] else "–", numeric=True) for c in columns] + [Cell(formatting.number(counts.sum()), numeric=True)])
    totals = matrix.sum()
    rows.append([Cell("Total", header=True)] + [Cell(formatting.number(totals[c]), numeric=True) for c in columns] + [Cell(formatting.number(totals.sum()), numeric=True)])
    return Table(
        key="respondents-by-state",
        caption="Respondents to the questionnaire by Member State and constituency",
        columns=["Member State"] + [CONSTITUENCIES[c].split(" (")[0] for c in columns] + ["Total"],
        rows=rows,
        numeric_columns=set(range(1, len(columns) + 2)),
        total_rows={len(rows) - 1},
        legend="– = no respondent.",
        source="Questionnaire responses (survey intake of this edition).",
    )


def indicator_definitions_table() -> Table:
    rows = [[Cell(i.label, header=True), Cell(i.description)] for i in INDICATORS if not i.name.startswith(("status_", "initiatives_"))]
    rows.append([Cell("Initiatives by constituency", header=True), Cell("Initiatives of the group by the constituency of the reporting organization: " + "; ".join(CONSTITUENCIES.values()) + "; or found by the review team (literature review, preparatory meetings).")])
    rows.append([Cell("Status mix", header=True), Cell("Initiatives of the group by status: " + ", ".join(s.lower() for s in STATUSES.values()) + ", or not stated.")])
    return Table(key="indicator-definitions", caption="Indicators of progress used in this review", columns=["Indicator", "Definition"], rows=rows, source="Indicator definitions of the pipeline (pipelines/indicators/definitions.py).")


def coverage_heatmap(matrix: pd.DataFrame, clusters: pd.DataFrame) -> Figure:
    columns = [short_country(c) for c in matrix.columns]
    rows = [f"{c}" for c in matrix.index]
    svg = charts.heatmap(matrix, rows, [c.replace(" Darussalam", "") for c in columns], "Initiatives by cluster and Member State")
    data = Table(
        key="coverage-heatmap-data",
        caption="Initiatives by cluster and Member State",
        columns=["Cluster"] + columns + ["Total"],
        rows=[[Cell(idx, header=True)] + [Cell(formatting.number(v), numeric=True) for v in row] + [Cell(formatting.number(row.sum()), numeric=True)] for idx, row in matrix.iterrows()],
        numeric_columns=set(range(1, len(columns) + 2)),
    )
    busiest = matrix.sum().idxmax() if matrix.values.sum() else ""
    alt = f"Heat map of initiatives by cluster (rows A to J) and Member State (columns). Most initiatives were reported in {short_country(busiest)}." if busiest else "Heat map of initiatives by cluster and Member State; no initiative was reported."
    return Figure(key="coverage-heatmap", caption="Initiatives reported by cluster and Member State", svg=Markup(svg), alt=alt, source="Survey intake and literature review of this edition.", data=data, notes=["A dot marks a cluster for which no initiative was reported in that Member State."])


def coverage_bars(indicators: pd.DataFrame) -> Figure:
    labels = [f"Cluster {c}" for c in indicators["cluster"]]
    values = [float(v) if v is not None and not pd.isna(v) else 0.0 for v in indicators["share_covered"]]
    svg = charts.horizontal_bars(labels, values, "Recommendations with at least one initiative (%)", unit="per cent of the cluster's recommendations", limit=100)
    data = Table(
        key="coverage-by-cluster-data",
        caption="Recommendations with initiatives by cluster",
        columns=["Cluster", "Recommendations", "With initiatives", "Share (%)"],
        rows=[[Cell(r.cluster, header=True), Cell(formatting.number(r.recommendations), numeric=True), Cell(formatting.number(r.recommendations_with_initiatives), numeric=True), Cell(_value("share_covered", r.share_covered), numeric=True)] for r in indicators.itertuples(index=False)],
        numeric_columns={1, 2, 3},
    )
    best = indicators.loc[indicators["share_covered"].astype(float).idxmax()] if len(indicators) else None
    alt = "Bar chart of the share of each cluster's recommendations that have at least one reported initiative." + (f" Cluster {best['cluster']} is the most covered." if best is not None else "")
    return Figure(key="coverage-by-cluster", caption="Share of recommendations with at least one reported initiative, by cluster", svg=Markup(svg), alt=alt, source="Indicators computed from the catalog and the survey of this edition.", data=data)


def constituency_mix(indicators: pd.DataFrame) -> Figure:
    columns = [f"initiatives_{c}" for c in CONSTITUENCIES] + ["initiatives_no_respondent"]
    names = [CONSTITUENCIES[c].split(" (")[0] for c in CONSTITUENCIES] + ["Literature review / no respondent"]
    frame = indicators[columns]
    svg = charts.stacked_bars(frame, [f"Cluster {c}" for c in indicators["cluster"]], names, "Initiatives by who reported them")
    data = Table(
        key="constituency-mix-data",
        caption="Initiatives by cluster and reporting constituency",
        columns=["Cluster"] + names,
        rows=[[Cell(c, header=True)] + [Cell(formatting.number(v), numeric=True) for v in row] for c, row in zip(indicators["cluster"], frame.itertuples(index=False))],
        numeric_columns=set(range(1, len(names) + 1)),
    )
    return Figure(key="constituency-mix", caption="Initiatives by cluster and by the constituency that reported them", svg=Markup(svg), alt="Stacked bar chart: for each cluster, the initiatives reported by governments, workers' and employers' organizations, civil society, other respondents, and those found in the literature review.", source="Survey intake of this edition.", data=data)


def kap_figure(table) -> Figure:
    rows = table.rows[~table.rows["_total"]]
    values = [float(v) if not isinstance(v, str) else 0.0 for v in rows["decline_reported"]]
    svg = charts.horizontal_bars(list(rows["country"]), values, "Decline in the KAP index, 2010 to 2019 (points)", annotate_format="{:.0f}")
    data = Table(key="kap-data", caption="Decline in the KAP index, 2010–2019", columns=["Country", "Decline (points)"], rows=[[Cell(c, header=True), Cell(formatting.number(v), numeric=True)] for c, v in zip(rows["country"], values)], numeric_columns={1})
    return Figure(
        key=table.spec.id,
        caption="Public support for migrant workers (KAP index): decline between 2010 and 2019",
        svg=Markup(svg),
        alt="Bar chart of the fall in the knowledge, attitudes and practices index between 2010 and 2019 for " + formatting.join_words(list(rows["country"])) + ".",
        source=table.spec.source,
        notes=list(table.spec.display.get("notes", [])),
        data=data,
    )


def cluster_country_chart(cluster: str, title: str, counts: pd.Series) -> Figure:
    """Initiatives of one cluster by Member State (all ten shown, zeros included)."""
    labels = [short_country(c) for c in counts.index]
    values = [float(v) for v in counts.values]
    svg = charts.horizontal_bars(labels, values, f"Cluster {cluster}: initiatives by Member State", annotate_format="{:.0f}")
    data = Table(key=f"cluster-{cluster}-countries-data", caption=f"Initiatives of cluster {cluster} by Member State", columns=["Member State", "Initiatives"], rows=[[Cell(l, header=True), Cell(formatting.number(v), numeric=True)] for l, v in zip(labels, counts.values)], numeric_columns={1})
    reporting = [short_country(c) for c, v in counts.items() if v]
    alt = f"Bar chart of the initiatives reported under cluster {cluster} ({title}) in each Member State; initiatives were reported in {formatting.join_words(reporting) or 'no Member State'}."
    return Figure(key=f"cluster-{cluster}-countries", caption=f"Initiatives reported under cluster {cluster}, by Member State", svg=Markup(svg), alt=alt, source="Survey intake and literature review of this edition.", data=data)


def change_table(changes: dict) -> Table:
    frame = changes["clusters"]
    rows = []
    for r in frame.itertuples(index=False):
        rows.append([Cell(r.cluster, header=True)] + [Cell(_signed(getattr(r, f"{name}_change")) if suffix == "change" else _value(name, getattr(r, name if suffix == "now" else f"{name}_previous")), numeric=True) for name in ("initiatives", "recommendations_with_initiatives") for suffix in ("previous", "now", "change")])
    return Table(
        key="change-since-previous",
        caption=f"Change in the main indicators since the previous edition ({changes['previous']})",
        columns=["Cluster", "Initiatives before", "now", "change", "Recommendations with initiatives before", "now", "change"],
        rows=rows,
        numeric_columns=set(range(1, 7)),
        source="Indicators computed on the survey data of both editions.",
    )


def _signed(value) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return ("+" if value > 0 else "") + _value("", value)


def cluster_key_figures(row: dict) -> KeyFigures:
    items = [
        ("Recommendations", _value("", row["recommendations"])),
        ("From forums", row["forum_range"]),
        ("With at least one initiative", f"{_value('', row['recommendations_with_initiatives'])} ({_value('', row['share_covered'])}%)"),
        ("Initiatives reported", _value("", row["initiatives"])),
        ("Member States with initiatives", f"{_value('', row['countries_reporting'])} of {len(ASEAN_MEMBER_STATES)}"),
        ("Gender-responsive", f"{_value('', row['share_gender_responsive'])}%"),
    ]
    return KeyFigures(title="Indicators for this cluster", items=items)


def initiative_facets(r, constituency: str) -> dict[str, str]:
    """What a reader of the HTML edition can filter an initiative by (each value as it is shown)."""
    return {
        "country": country_name(r.country),
        "cluster": r.cluster,
        "constituency": CONSTITUENCIES[constituency].split(" (")[0] if constituency else SOURCES[r.source],
        "status": STATUSES.get(r.status, "Not stated"),
        "gender": "Gender-responsive" if r.gender_responsive == "yes" else "Not stated as gender-responsive",
    }


def compilation(initiatives: pd.DataFrame, respondents: pd.DataFrame) -> InitiativeCompilation:
    names = dict(zip(respondents["respondent_id"], respondents["organisation"]))
    constituencies = dict(zip(respondents["respondent_id"], respondents["constituency"]))
    countries = []
    for code in ASEAN_MEMBER_STATES:
        part = initiatives[initiatives["country"] == code]
        if part.empty:
            continue
        entries = []
        for r in part.sort_values(["start_year", "title"], key=lambda s: s.astype(str)).itertuples(index=False):
            years = r.start_year + (f"–{r.end_year}" if r.end_year else "") if r.start_year else ""
            meta = ", ".join(filter(None, [years, STATUSES.get(r.status, "").lower(), "gender-responsive" if r.gender_responsive == "yes" else "", SOURCES[r.source].lower() if r.source != "questionnaire" else ""]))
            entries.append(InitiativeEntry(title=r.title.rstrip("."), description=r.description, reporter=names.get(r.respondent_id, ""), meta=f"({meta})" if meta else "", anchor=f"init-{_anchor(r.uid)}", facets=initiative_facets(r, constituencies.get(r.respondent_id, ""))))
        countries.append(CountryInitiatives(country_name(code), entries))
    return InitiativeCompilation(countries, empty_message="No initiative was reported for this sub-cluster in the review period.")


def _anchor(uid: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in uid)


def appendix_respondents(respondents: pd.DataFrame) -> Section:
    rows = []
    for code in ASEAN_MEMBER_STATES:
        part = respondents[respondents["country"] == code].sort_values("organisation")
        if part.empty:
            rows.append([Cell(country_name(code), header=True), Cell("No response was received."), Cell("")])
            continue
        for index, r in enumerate(part.itertuples(index=False)):
            label = r.organisation + (f" ({r.acronym})" if r.acronym and r.acronym not in r.organisation else "")
            rows.append([Cell(country_name(code) if index == 0 else "", header=True), Cell(label), Cell(CONSTITUENCIES[r.constituency].split(" (")[0])])
    table = Table(key="respondents", caption="Organizations that answered the questionnaire", columns=["Member State", "Organization", "Constituency"], rows=rows, source="Questionnaire responses of this edition.")
    return Section("appendix-1", "List of respondents", level=2, number="Appendix I", css_class="appendix", blocks=[table])


def evidence_extras(respondents, initiatives, cluster_indicators, subcluster_indicators, coverage, changes, clusters, tables) -> dict:
    by_sub = {k: part for k, part in initiatives.groupby("subcluster")} if not initiatives.empty else {}
    empty = initiatives.iloc[0:0]
    subcluster_blocks = {sub: [compilation(by_sub.get(sub, empty), respondents)] for sub in subcluster_indicators["subcluster"]}
    if "figure01_kap_index" in tables:
        placement = tables["figure01_kap_index"].spec.placement.split("/", 1)[-1]
        subcluster_blocks.setdefault(placement, []).insert(0, kap_figure(tables["figure01_kap_index"]))
    titles = dict(zip(clusters["cluster"], clusters["title"]))
    matrix = coverage["cluster_by_country"]
    cluster_blocks = {row["cluster"]: [cluster_key_figures(row), cluster_country_chart(row["cluster"], titles[row["cluster"]], matrix.loc[row["cluster"]])] for row in cluster_indicators.to_dict("records")}
    change_facts = {"previous": changes.get("previous"), "newly_covered": len(changes.get("newly_covered", []))}
    change_blocks = [change_table(changes)] if changes.get("previous") else []
    return {
        "method_blocks": [respondents_table(coverage["respondents_by_country"]), NarrativeSlot("method-indicators", "method_indicators.md.j2"), indicator_definitions_table()],
        "progress_blocks": [coverage_heatmap(coverage["cluster_by_country"], clusters), coverage_bars(cluster_indicators), constituency_mix(cluster_indicators), NarrativeSlot("progress-change", "progress_change.md.j2", facts={"change": change_facts}), *change_blocks],
        "cluster_blocks": cluster_blocks,
        "subcluster_blocks": subcluster_blocks,
        "cluster_facts": cluster_facts(cluster_indicators),
        "appendix_respondents": appendix_respondents(respondents),
    }


def merge_extras(*parts: dict) -> dict:
    """Combine extras from several sources: lists are concatenated, dicts of lists merged by key."""
    merged: dict = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict) and key in merged:
                for k, v in value.items():
                    if isinstance(v, list):
                        merged[key].setdefault(k, []).extend(v)
                    else:
                        merged[key][k] = v
            elif isinstance(value, list) and key in merged:
                merged[key] = merged[key] + value
            else:
                merged[key] = value if not isinstance(value, dict) else dict(value)
    return merged
