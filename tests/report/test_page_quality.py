"""The paper as a reader sees it: no pipeline internals on the page, no half-empty pages, and the
figures traceable to the recommendations they count (on the real afml-13 build)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from tests.conftest import SOURCES
from tests.report.internals import body_text, findings


@pytest.fixture(scope="module")
def edition_ids() -> list[str]:
    return [str(e["id"]) for e in yaml.safe_load((SOURCES / "editions.yaml").read_text(encoding="utf-8"))["editions"]]


@pytest.fixture(scope="module")
def pdf_text(afml13_build) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(afml13_build.edition_dir / "report.pdf").pages)


def test_findings_catch_what_they_should():
    text = "Source: forums (sources/catalog/forums.csv); women_pct; afml-13; [None, nan]; True"
    kinds = {f.split(":")[0] for f in findings(text, ["afml-13"])}
    assert kinds == {"file path", "variable code", "edition id", "Python representation"}
    assert findings("The 3rd–12th AFML recommendations, 4th AFML No. 17, Viet Nam (%).", ["afml-13"]) == []


def test_no_pipeline_internals_in_the_pdf_text(pdf_text, edition_ids):
    assert findings(pdf_text, edition_ids) == []


def test_no_pipeline_internals_in_the_html_body(afml13_build, edition_ids):
    html = (afml13_build.edition_dir / "report.html").read_text(encoding="utf-8")
    assert findings(body_text(html), edition_ids) == []


def test_no_page_is_underfilled_except_the_last_of_a_part(afml13_build):
    """The report_pdf asset measures every page's fill from WeasyPrint's boxes; none under 40 %
    except the last page of a chapter, part or appendix."""
    materialization = afml13_build.instance.get_latest_materialization_event(__import__("dagster").AssetKey("report_pdf"))
    metadata = materialization.asset_materialization.metadata
    assert metadata["pages"].value > 50
    assert metadata["underfilled_pages"].value == []


def test_body_pages_are_numbered_from_one_and_the_contents_agree(afml13_build):
    reader = PdfReader(afml13_build.edition_dir / "report.pdf")
    texts = [page.extract_text() for page in reader.pages]
    contents = next(t for t in texts if "Contents" in t and "Introduction" in t)
    intro = next(i for i, t in enumerate(texts) if "1 Introduction" in t and i > texts.index(contents))
    assert texts[intro].strip().splitlines()[-1].strip() == "1" or texts[intro].rstrip().endswith("1")
    assert any(line.rstrip().endswith(" 1") for line in contents.splitlines() if "Introduction" in line)
    labels = reader.page_labels  # what a PDF viewer shows: the printed numbers
    assert labels[1] == "ii" and labels[intro] == "1" and labels[intro + 1] == "2"


def test_the_recommendation_coverage_export_matches_the_indicators(afml13_build):
    data = afml13_build.edition_dir / "data"
    coverage = pd.read_csv(data / "recommendation_coverage.csv", dtype=str, keep_default_na=False)
    indicators = pd.read_csv(data / "cluster_indicators.csv", dtype=str, keep_default_na=False)
    assert set(coverage["covered"]) <= {"yes", "no"}
    assert (coverage.loc[coverage["covered"] == "yes", "initiatives"] != "").all()
    for row in indicators.itertuples(index=False):
        mine = coverage[coverage["clusters"].str.split().apply(lambda clusters: row.cluster in clusters)]
        assert (mine["covered"] == "yes").sum() == int(row.recommendations_with_initiatives), row.cluster


def test_appendix_ii_links_each_covered_recommendation_to_its_initiatives(afml13_build):
    html = (afml13_build.edition_dir / "report.html").read_text(encoding="utf-8")
    coverage = pd.read_csv(afml13_build.edition_dir / "data" / "recommendation_coverage.csv", dtype=str, keep_default_na=False)
    covered = coverage[coverage["covered"] == "yes"]
    assert html.count('class="rec-covered"') >= len(covered)
    first = covered.iloc[0]
    assert f">{first['initiatives'].split()[0]}</a>" in html


def test_the_colophon_fits_on_one_page_and_the_manifest_is_attached(afml13_build):
    reader = PdfReader(afml13_build.edition_dir / "report.pdf")
    pages = [page.extract_text() for page in reader.pages]
    starts = [i for i, text in enumerate(pages) if "\nColophon\n" in f"\n{text}\n" and "This paper was generated" in text]
    assert starts == [len(pages) - 1]
    assert "manifest.json" in reader.attachments


def test_source_tables_keep_the_number_their_source_gave_them(afml13_build):
    """The paper's Table 4 is the source's Table 4, as its exported metadata says."""
    import json
    import re

    html = (afml13_build.edition_dir / "report.html").read_text(encoding="utf-8")
    captions = dict(re.findall(r'id="table-(\d+)"[^>]*>\s*<figcaption[^>]*><span class="float-label">Table \d+\.</span> ([^<]*)</figcaption>', html))
    checked = 0
    for path in sorted((afml13_build.edition_dir / "data" / "tables").glob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        if meta.get("kind") == "table" and str(meta.get("number", "")).isdigit():
            assert captions.get(str(meta["number"])) == meta["title"], path.name
            checked += 1
    assert checked >= 8
