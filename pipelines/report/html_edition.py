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

from pipelines.report.document import Figure, Table

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


HEADING = re.compile(r"<(/?)h([1-6])\b")


def nest_headings(html: str, level: int) -> Markup:
    """Prose headings renumbered so that the highest one sits just below its section's heading
    (``level``), keeping their relative depth: authors need not know where their text is placed."""
    levels = [int(m.group(2)) for m in HEADING.finditer(html)]
    if not levels:
        return Markup(html)
    shift = level + 1 - min(levels)
    return Markup(HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", str(html)))
