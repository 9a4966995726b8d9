"""What only the HTML edition adds to the shared body: links to the data published beside the report,
the reader script inlined into the one file, and prose headings nested under their section.

The PDF does not use any of this; :func:`pipelines.report.render.render_html` passes it to the template
when the medium is ``"html"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from pipelines.indicators.definitions import INDICATORS
from pipelines.report.document import Figure, Table
from pipelines.report.narrative import FACT_END, FACT_START, FACT_VALUE

SCRIPT = "report/reader.js"
DATA_FORMATS = ("csv", "xlsx")

# Floats computed by the pipeline itself (not source tables), and the file beside the report holding
# their data (without extension). Source tables need no entry: their exports are data/tables/<key>.*
COMPUTED_EXPORTS = {
    "coverage-heatmap": "data/initiatives_by_cluster_and_country",
    "coverage-by-cluster": "data/cluster_indicators",
    "constituency-mix": "data/cluster_indicators",
    "change-since-previous": "data/cluster_indicators",
    "colophon-inputs": "manifest",
    "colophon-packages": "manifest",
    "respondents-by-state": "data/respondents_by_country_and_constituency",
    "respondents": "data/respondents",
    "indicator-definitions": "data/indicators",
    "printed-vs-computed": "data/tables/printed_vs_computed",
}
INITIATIVES = "data/initiatives"  # the compilation of initiatives, one row each
CLUSTER_CHART = re.compile(r"^cluster-.+-countries$")  # one chart per cluster, from the coverage matrix


@dataclass(frozen=True)
class DataLink:
    label: str  # "CSV", "XLSX", "JSON"
    href: str  # relative to report.html


def _export_stems(key: str) -> list[str]:
    stems = [f"data/tables/{key}"]
    if key in COMPUTED_EXPORTS:
        stems.append(COMPUTED_EXPORTS[key])
    elif CLUSTER_CHART.match(key):
        stems.append(COMPUTED_EXPORTS["coverage-heatmap"])
    return stems


def data_links(document, build_dir: Path) -> dict[str, list[DataLink]]:
    """Anchor of each table and figure -> the files of its data published in ``build_dir``.

    Only files that exist are linked, so a link never breaks; JSON is offered where there is no CSV."""
    links: dict[str, list[DataLink]] = {}
    for top in document.sections:
        for section in top.walk():
            for block in section.blocks:
                if not isinstance(block, (Table, Figure)):
                    continue
                found = []
                for stem in _export_stems(block.key):
                    found = [DataLink(ext.upper(), f"{stem}.{ext}") for ext in DATA_FORMATS if (build_dir / f"{stem}.{ext}").is_file()]
                    if not found and (build_dir / f"{stem}.json").is_file():
                        found = [DataLink("JSON", f"{stem}.json")]
                    if found:
                        break
                if found:
                    links[block.anchor] = found
    if (build_dir / f"{INITIATIVES}.csv").is_file():
        links["initiatives"] = [DataLink("CSV", f"{INITIATIVES}.csv")]
    return links


def reader_script(templates_dir: Path) -> Markup:
    """The reader script (search and filters, current section, figure sources), to be inlined.

    It is the project's own file, not data; ``</`` cannot end the inline ``<script>`` early."""
    text = (templates_dir / SCRIPT).read_text(encoding="utf-8")
    return Markup(text.replace("</", "<\\/"))


# Where the facts of each namespace a narrative quotes come from (text, link), for the reader who asks.
FACT_ORIGINS = {
    "catalog": ("Taken from the catalog of AFML forums, recommendations and their clusters.", "#sec-appendix-2", "The clustering (Appendix II)"),
    "survey": ("Counted from the accepted survey responses and the literature review.", "data/initiatives.csv", "The initiatives (CSV)"),
    "cluster": ("Counted from the initiatives and recommendations of this cluster.", "data/cluster_indicators.csv", "The cluster indicators (CSV)"),
    "change": ("Compared with the indicators of the previous edition.", "data/cluster_indicators.csv", "The cluster indicators (CSV)"),
    "tables": ("Computed from the raw values of the source tables.", "#sec-appendix-data-quality", "Data-quality notes"),
    "quality": ("Counted by comparing the totals and shares the sources printed with those computed.", "data-quality.csv", "The comparison (CSV)"),
}
INDICATOR_DEFINITIONS = "#table-indicator-definitions"
QUOTED = re.compile(f"{FACT_START}([^{FACT_VALUE}]*){FACT_VALUE}([^{FACT_END}]*){FACT_END}")


def fact_origin(name: str) -> tuple[str, str, str]:
    """What a number quoted as ``name`` (``cluster.initiatives``) is, and where to see its source."""
    space, _, field = name.partition(".")
    indicators = {i.name: i for i in INDICATORS}
    if space in ("cluster", "change") and field in indicators:
        return f"{indicators[field].label}: {indicators[field].description}", INDICATOR_DEFINITIONS, "Indicator definitions"
    return FACT_ORIGINS.get(space, ("Computed by the pipeline from the edition's sources.", "", ""))


def show_facts(html: str, screen: bool) -> Markup:
    """On screen, each quoted number carries where it comes from (reader.js shows it on a click);
    in the PDF, the marks are removed and the number stays as it was."""
    from markupsafe import escape

    def note(match: re.Match) -> str:
        text, href, label = fact_origin(match.group(1))
        link = f' data-href="{escape(href)}" data-href-text="{escape(label)}"' if href else ""
        return f'<span class="fact" data-fact="{escape(match.group(1))}" data-source="{escape(text)}"{link}>{match.group(2)}</span>'

    return Markup(QUOTED.sub(note if screen else lambda m: m.group(2), str(html)))
