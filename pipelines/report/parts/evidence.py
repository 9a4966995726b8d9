"""What the survey and the indicators add to the paper: the respondents, the method note, the
indicator summaries and charts, and the compilation of initiatives by sub-group and Member State.

Every text speaks the framework's vocabulary (``words``, a :class:`~pipelines.frameworks.Vocabulary`):
for AFML, recommendations in clusters; for another framework, its own words."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from markupsafe import Markup

from pipelines import formatting
from pipelines.shared.region import ASEAN_MEMBER_STATES
from pipelines.report import charts
from pipelines.report.document import Cell, CountryInitiatives, Figure, InitiativeCompilation, InitiativeEntry, KeyFigures, Prose, Table
from pipelines.report.fonts import missing_glyphs
from pipelines.report.volume import MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, VolumePlan, shorten
from pipelines.indicators.compute import reader_id
from pipelines.survey.model import CONSTITUENCIES, REGIONAL, SOURCES, STATUSES

SHORT_NAMES = {"LAO": "Lao PDR", "BRN": "Brunei Darussalam"}
# The survey values the paper prints (the compilation and Appendix I): a character no font can draw
# is traced back to them (:func:`unprintable_values`).
PRINTED_FIELDS = {"initiative": ("title", "description"), "respondent": ("organisation", "acronym")}
DESCRIPTION_SHORTENED = "shortened: the full description is in the list of initiatives published with this paper"


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
    """Counts of the survey: an initiative filed under several commitments counts once."""
    initiatives = initiatives.drop_duplicates("uid")
    national = initiatives[initiatives["country"] != ""]
    per_title = national.groupby("title")["country"].nunique() if not national.empty else pd.Series(dtype=int)
    responding = set(respondents["country"])
    missing = [ASEAN_MEMBER_STATES[c] for c in ASEAN_MEMBER_STATES if c not in responding]
    return SimpleNamespace(
        respondents=len(respondents),
        member_states_responding=len(responding),
        member_states_without_response=formatting.join_words(missing) or "none",
        initiatives=len(initiatives),
        # what an initiative in several Member States counts as: one initiative in each of them
        activities=int(per_title.size + (len(initiatives) - len(national))),
        multi_country=int((per_title > 1).sum()),
        multi_country_initiatives=int(per_title[per_title > 1].sum()),
        member_states_reporting=int(initiatives.loc[initiatives["country"] != "", "country"].nunique()) if not initiatives.empty else 0,
        regional=int((initiatives["scope"] == REGIONAL).sum()) if "scope" in initiatives else 0,
        from_questionnaire=int((initiatives["source"] == "questionnaire").sum()),
        from_literature=int((initiatives["source"] != "questionnaire").sum()),
    )


def group_label(group_id: str, title: str) -> str:
    """How charts and tables name a group: its id when the ids are short codes (A–J), else its title."""
    return group_id if len(group_id) <= 3 else title


def cluster_facts(cluster_indicators: pd.DataFrame) -> dict[str, dict]:
    facts = {}
    for row in cluster_indicators.to_dict("records"):
        facts[row["cluster"]] = {
            "initiatives": int(row["initiatives"]),
            "countries_reporting": int(row["countries_reporting"]),
            "initiatives_regional": int(row.get("initiatives_regional", 0)),
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


def indicator_definitions_table(indicators: list, several_instruments: bool = True) -> Table:
    """The indicators (already in the framework's words, see ``labelled``) with their definitions;
    the range of instruments only where the commitments come from several."""
    shown = [i for i in indicators if not i.name.startswith(("status_", "initiatives_")) and (several_instruments or i.name != "forum_range")]
    rows = [[Cell(i.label, header=True), Cell(i.description)] for i in shown]
    rows.append([Cell("Initiatives by constituency", header=True), Cell("Initiatives of the group by the constituency of the reporting organization: " + "; ".join(CONSTITUENCIES.values()) + "; or found by the review team (literature review, preparatory meetings).")])
    rows.append([Cell("Status mix", header=True), Cell("Initiatives of the group by status: " + ", ".join(s.lower() for s in STATUSES.values()) + ", or not stated.")])
    return Table(key="indicator-definitions", caption="Indicators of progress used in this review", columns=["Indicator", "Definition"], rows=rows, source="Indicator definitions of this review.")


def coverage_heatmap(matrix: pd.DataFrame, clusters: pd.DataFrame, words) -> Figure:
    columns = [short_country(c) for c in matrix.columns]
    titles = dict(zip(clusters["cluster"], clusters["title"]))
    rows = [group_label(c, titles.get(c, c)) for c in matrix.index]
    svg = charts.heatmap(matrix, rows, [c.replace(" Darussalam", "") for c in columns], f"Initiatives by {words.group} and Member State")
    data = Table(
        key="coverage-heatmap-data",
        caption=f"Initiatives by {words.group} and Member State",
        columns=[words.Group] + columns + ["Total"],
        rows=[[Cell(label, header=True)] + [Cell(formatting.number(v), numeric=True) for v in row] + [Cell(formatting.number(row.sum()), numeric=True)] for label, (_, row) in zip(rows, matrix.iterrows())],
        numeric_columns=set(range(1, len(columns) + 2)),
    )
    busiest = matrix.sum().idxmax() if matrix.values.sum() else ""
    alt = f"Heat map of initiatives by {words.group} (rows {rows[0]} to {rows[-1]}) and Member State (columns). Most initiatives were reported in {short_country(busiest)}." if busiest else f"Heat map of initiatives by {words.group} and Member State; no initiative was reported."
    return Figure(key="coverage-heatmap", caption=f"Initiatives reported by {words.group} and Member State", svg=Markup(svg), alt=alt, source="Survey intake and literature review of this edition.", data=data, notes=[f"A dot marks a {words.group} for which no initiative was reported in that Member State."])


def coverage_bars(indicators: pd.DataFrame, clusters: pd.DataFrame, words) -> Figure:
    titles = dict(zip(clusters["cluster"], clusters["title"]))
    names = [group_label(c, titles.get(c, c)) for c in indicators["cluster"]]
    labels = [f"{words.Group} {n}" if n != titles.get(c) else n for c, n in zip(indicators["cluster"], names)]
    values = [float(v) if v is not None and not pd.isna(v) else 0.0 for v in indicators["share_covered"]]
    svg = charts.horizontal_bars(labels, values, f"{words.Commitments} with at least one initiative (%)", unit=f"per cent of the {words.group}'s {words.commitments}", limit=100)
    data = Table(
        key="coverage-by-cluster-data",
        caption=f"{words.Commitments} with initiatives by {words.group}",
        columns=[words.Group, words.Commitments, "With initiatives", "Share (%)"],
        rows=[[Cell(name, header=True), Cell(formatting.number(r.recommendations), numeric=True), Cell(formatting.number(r.recommendations_with_initiatives), numeric=True), Cell(_value("share_covered", r.share_covered), numeric=True)] for name, r in zip(names, indicators.itertuples(index=False))],
        numeric_columns={1, 2, 3},
    )
    best = indicators.loc[indicators["share_covered"].astype(float).idxmax()] if len(indicators) else None
    best_label = labels[list(indicators["cluster"]).index(best["cluster"])] if best is not None else ""
    alt = f"Bar chart of the share of each {words.group}'s {words.commitments} that have at least one reported initiative." + (f" {best_label} is the most covered." if best is not None else "")
    return Figure(key="coverage-by-cluster", caption=f"Share of {words.commitments} with at least one reported initiative, by {words.group}", svg=Markup(svg), alt=alt, source="Indicators computed from the catalog and the survey of this edition.", data=data)


def constituency_mix(indicators: pd.DataFrame, clusters: pd.DataFrame, words) -> Figure:
    columns = [f"initiatives_{c}" for c in CONSTITUENCIES] + ["initiatives_no_respondent"]
    names = [CONSTITUENCIES[c].split(" (")[0] for c in CONSTITUENCIES] + ["Literature review / no respondent"]
    frame = indicators[columns]
    titles = dict(zip(clusters["cluster"], clusters["title"]))
    short = [group_label(c, titles.get(c, c)) for c in indicators["cluster"]]
    svg = charts.stacked_bars(frame, [f"{words.Group} {n}" if n == c else n for c, n in zip(indicators["cluster"], short)], names, "Initiatives by who reported them")
    data = Table(
        key="constituency-mix-data",
        caption=f"Initiatives by {words.group} and reporting constituency",
        columns=[words.Group] + names,
        rows=[[Cell(c, header=True)] + [Cell(formatting.number(v), numeric=True) for v in row] for c, row in zip(short, frame.itertuples(index=False))],
        numeric_columns=set(range(1, len(names) + 1)),
    )
    return Figure(key="constituency-mix", caption=f"Initiatives by {words.group} and by the constituency that reported them", svg=Markup(svg), alt=f"Stacked bar chart: for each {words.group}, the initiatives reported by governments, workers' and employers' organizations, civil society, other respondents, and those found in the literature review.", source="Survey intake of this edition.", data=data)


def cluster_country_chart(cluster: str, title: str, counts: pd.Series, words) -> Figure:
    """Initiatives of one group by Member State (all ten shown, zeros included)."""
    labels = [short_country(c) for c in counts.index]
    values = [float(v) for v in counts.values]
    name = f"{words.group} {cluster}" if len(cluster) <= 3 else f"the {words.group} {title}"
    svg = charts.horizontal_bars(labels, values, f"{name[:1].upper()}{name[1:]}: initiatives by Member State", annotate_format="{:.0f}")
    data = Table(key=f"cluster-{cluster}-countries-data", caption=f"Initiatives of {name} by Member State", columns=["Member State", "Initiatives"], rows=[[Cell(l, header=True), Cell(formatting.number(v), numeric=True)] for l, v in zip(labels, counts.values)], numeric_columns={1})
    reporting = [short_country(c) for c, v in counts.items() if v]
    described = f"{name} ({title})" if len(cluster) <= 3 else name
    alt = f"Bar chart of the initiatives reported under {described} in each Member State; initiatives were reported in {formatting.join_words(reporting) or 'no Member State'}."
    return Figure(key=f"cluster-{cluster}-countries", caption=f"Initiatives reported under {name}, by Member State", svg=Markup(svg), alt=alt, source="Survey intake and literature review of this edition.", data=data)


def change_table(changes: dict, words) -> Table:
    frame = changes["clusters"]
    rows = []
    for r in frame.itertuples(index=False):
        rows.append([Cell(r.cluster, header=True)] + [Cell(_signed(getattr(r, f"{name}_change")) if suffix == "change" else _value(name, getattr(r, name if suffix == "now" else f"{name}_previous")), numeric=True) for name in ("initiatives", "recommendations_with_initiatives") for suffix in ("previous", "now", "change")])
    return Table(
        key="change-since-previous",
        caption=f"Change in the main indicators since the previous edition ({changes['previous']})",
        columns=[words.Group, "Initiatives before", "now", "change", f"{words.Commitments} with initiatives before", "now", "change"],
        rows=rows,
        numeric_columns=set(range(1, 7)),
        source="Indicators computed on the survey data of both editions.",
    )


def _signed(value) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return ("+" if value > 0 else "") + _value("", value)


def _percent_or_na(value) -> str:
    """``45.3%``, or ``n/a`` where there is nothing to divide by."""
    shown = _value("", value)
    return shown if shown == "n/a" else f"{shown}%"


def cluster_key_figures(row: dict, words, several_instruments: bool = True) -> KeyFigures:
    items = [
        (words.Commitments, _value("", row["recommendations"])),
        *([(f"From {words.instruments}", row["forum_range"])] if several_instruments else []),
        ("With at least one initiative", f"{_value('', row['recommendations_with_initiatives'])} ({_percent_or_na(row['share_covered'])})"),
        ("Initiatives reported", _value("", row["initiatives"])),
        ("Member States with initiatives", f"{_value('', row['countries_reporting'])} of {len(ASEAN_MEMBER_STATES)}"),
        ("At ASEAN level", _value("", row.get("initiatives_regional", 0))),
        ("Gender-responsive", _percent_or_na(row["share_gender_responsive"])),
    ]
    return KeyFigures(title=f"Indicators for this {words.group}", items=items)


ASEAN_LEVEL = "ASEAN level"  # the heading of regional initiatives, after the Member States


def initiative_facets(r, constituency: str) -> dict[str, str]:
    """What a reader of the HTML edition can filter an initiative by (each value as it is shown)."""
    return {
        "country": ASEAN_LEVEL if getattr(r, "scope", "") == REGIONAL else country_name(r.country),
        "cluster": getattr(r, "cluster", ""),
        "constituency": CONSTITUENCIES[constituency].split(" (")[0] if constituency else SOURCES[r.source],
        "status": STATUSES.get(r.status, "Not stated"),
        "gender": "Gender-responsive" if r.gender_responsive == "yes" else "Not stated as gender-responsive",
    }


def _entries(part: list[SimpleNamespace], names: dict[str, str], listed: set, labels: dict[str, str], commitments: str, constituencies: dict[str, str] | None = None) -> list[InitiativeEntry]:
    """The compiled entries of ``part`` (initiatives as records), by start year then title; ``labels``
    name the commitments an initiative names ("4th AFML No. 17"), ``commitments`` is the framework's
    word for them."""
    constituencies = constituencies or {}
    entries = []
    for r in sorted(part, key=lambda r: (str(r.start_year), str(r.title))):  # stable, as the frame's sort was
        years = r.start_year + (f"–{r.end_year}" if r.end_year else "") if r.start_year else ""
        actor = getattr(r, "regional_actor", "") if getattr(r, "scope", "") == REGIONAL else ""
        meta = ", ".join(filter(None, [actor, years, STATUSES.get(r.status, "").lower(), "gender-responsive" if r.gender_responsive == "yes" else "", SOURCES[r.source].lower() if r.source != "questionnaire" else ""]))
        anchor = initiative_anchor(vars(r)) + (f"-{_anchor(r.subcluster)}" if r.uid in listed else "")
        named = ", ".join(labels.get(rec_id, rec_id) for rec_id in getattr(r, "recommendation_ids", "").split())
        named = f"{commitments}: {named}" if named else ""
        entries.append(
            InitiativeEntry(
                reader_id=reader_id(vars(r)),
                title=shorten(r.title, MAX_TITLE_CHARS).rstrip("."),
                description=shorten(r.description, MAX_DESCRIPTION_CHARS, DESCRIPTION_SHORTENED),
                reporter=shorten(names.get(r.respondent_id, ""), MAX_TITLE_CHARS),
                meta=f"({meta})" if meta else "",
                anchor=anchor,
                recommendations=named,
                facets=initiative_facets(r, constituencies.get(r.respondent_id, "")),
            )
        )
        listed.add(r.uid)
    return entries


def initiative_anchor(record) -> str:
    """The anchor of an initiative's first entry in the compilation: its id as the paper shows it."""
    return f"init-{_anchor(reader_id(record))}"


def compilation(initiatives: pd.DataFrame, respondents: pd.DataFrame, words, listed: set | None = None, labels: dict[str, str] | None = None, plan: VolumePlan | None = None) -> InitiativeCompilation:
    """The initiatives of one sub-group by Member State, then those at ASEAN level (regional scope).
    ``listed`` holds the initiatives already compiled elsewhere in the paper (one serving several
    commitments): a repeat gets its own anchor. Only their number and a pointer to the data file when
    the edition has more than the paper lists (see :mod:`pipelines.report.volume`)."""
    listed = set() if listed is None else listed
    empty_message = f"No initiative was reported for this {words.subgroup} in the review period."
    if plan is not None and not plan.print_compilation:
        return InitiativeCompilation([], empty_message=plan.compilation_note(len(initiatives)) if len(initiatives) else empty_message)
    labels = labels or {}
    names = dict(zip(respondents["respondent_id"], respondents["organisation"]))
    constituencies = dict(zip(respondents["respondent_id"], respondents["constituency"])) if "constituency" in respondents else {}
    records = [SimpleNamespace(**record) for record in initiatives.to_dict("records")]  # one pass, not a frame per country
    countries = []
    for code in ASEAN_MEMBER_STATES:
        part = [r for r in records if r.country == code]
        if part:
            countries.append(CountryInitiatives(country_name(code), _entries(part, names, listed, labels, words.Commitments, constituencies)))
    regional = [r for r in records if getattr(r, "scope", None) == REGIONAL]
    if regional:
        countries.append(CountryInitiatives(ASEAN_LEVEL, _entries(regional, names, listed, labels, words.Commitments, constituencies)))
    return InitiativeCompilation(countries, empty_message=empty_message)


def unprintable_values(respondents: pd.DataFrame, initiatives: pd.DataFrame) -> pd.DataFrame:
    """The printed survey values with a character no font of the report has a glyph for: file, sheet,
    row, column, value and the characters, so that the respondent can be asked to correct it."""
    found = []
    for record, frame in (("initiative", initiatives), ("respondent", respondents)):
        for column in PRINTED_FIELDS[record]:
            if column not in frame or frame.empty:
                continue
            values = frame[column].astype(str)
            if not missing_glyphs("".join(set("".join(values)))):  # one pass over the characters, not per row
                continue
            for index, value in values.items():
                if characters := missing_glyphs(value):
                    row = frame.loc[index]
                    found.append({"record": record, "file": row.get("file", ""), "sheet": row.get("sheet", ""), "row": row.get("row", ""), "column": column, "value": value, "characters": " ".join(f"{c} (U+{ord(c):04X})" for c in characters)})
    return pd.DataFrame(found, columns=["record", "file", "sheet", "row", "column", "value", "characters"])


def _anchor(uid: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in uid)


def respondents_list(respondents: pd.DataFrame, plan: VolumePlan | None = None) -> Table | Prose:
    """Appendix: every organization that answered, by Member State (a sentence instead, beyond the
    volume the paper lists)."""
    if plan is not None and not plan.list_respondents:
        return Prose(Markup("<p>{}</p>").format(plan.respondents_note()))
    rows = []
    for code in ASEAN_MEMBER_STATES:
        part = respondents[respondents["country"] == code].sort_values("organisation")
        if part.empty:
            rows.append([Cell(country_name(code), header=True), Cell("No response was received."), Cell("")])
            continue
        for index, r in enumerate(part.itertuples(index=False)):
            label = shorten(r.organisation, MAX_TITLE_CHARS) + (f" ({r.acronym})" if r.acronym and r.acronym not in r.organisation else "")
            rows.append([Cell(country_name(code) if index == 0 else "", header=True), Cell(label), Cell(CONSTITUENCIES[r.constituency].split(" (")[0])])
    return Table(key="respondents", caption="Organizations that answered the questionnaire", columns=["Member State", "Organization", "Constituency"], rows=rows, source="Questionnaire responses of this edition.")
