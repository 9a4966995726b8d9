"""The live preview (make preview): served on 127.0.0.1, rebuilt after a change of the sources, errors
shown in the page, nothing written outside outputs/<edition>/preview/ (but the shared content cache)."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.operations.preview import PreviewServer, with_reload_script
from pipelines.operations.stages import stage_of
from pipelines.settings import ProjectPaths

SOURCES = Path(__file__).resolve().parents[2] / "sources"
EDITION = "afml-13"
TIMEOUT = 120  # seconds; a rebuild takes a few on a quiet machine, CI shares its cores


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def status(server: PreviewServer) -> dict:
    return json.loads(fetch(server.url + "__preview__/status"))


def wait_for_version_after(server: PreviewServer, version: int) -> dict:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        now = status(server)
        if now["version"] > version:
            return now
        time.sleep(0.1)
    raise AssertionError(f"the preview was not rebuilt within {TIMEOUT} s")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """A preview of a copy of sources/, with its own outputs folder, built once for the module."""
    work = tmp_path_factory.mktemp("preview")
    shutil.copytree(SOURCES, work / "sources")
    paths = ProjectPaths(sources_dir=str(work / "sources"), outputs_dir=str(work / "outputs"))
    server = PreviewServer(paths, EDITION, port=0, log=lambda line: None).start()
    try:
        assert wait_for_version_after(server, 0)["ok"], server.preview.problem
        yield server
    finally:
        server.stop()


def narrative(server: PreviewServer, name: str = "next-steps.md") -> Path:
    return server.preview.paths.edition_sources(EDITION) / "narrative" / name


def test_the_page_is_served_with_the_reload_script(preview):
    page = fetch(preview.url)
    assert "afml-preview-reload" in page and "__preview__/version" in page
    assert page.rstrip().endswith("</html>")  # the script goes inside the body, before it closes
    assert "afml-preview-reload" not in preview.preview.good_page  # the report itself has no script


def test_a_narrative_change_rebuilds_only_the_document_and_the_page_shows_it(preview):
    before = status(preview)["version"]
    intake, tables = preview.preview.data["survey_intake"], preview.preview.data["source_tables"]
    file = narrative(preview)
    file.write_text(file.read_text(encoding="utf-8") + "\nThe preview shows this new sentence about zebras.\n", encoding="utf-8")
    assert wait_for_version_after(preview, before)["ok"], preview.preview.problem
    assert "The preview shows this new sentence about zebras." in fetch(preview.url)
    # only the document was recomputed: the survey intake and the source tables are the same objects
    assert preview.preview.data["survey_intake"] is intake and preview.preview.data["source_tables"] is tables


def test_a_narrative_error_shows_a_readable_page_and_the_fix_brings_the_page_back(preview):
    file = narrative(preview)
    good = file.read_text(encoding="utf-8")
    before = status(preview)["version"]
    line = good.count("\n") + 2
    file.write_text(good + "\nSee {{ catalog.no_such_figure }} <script>alert(1)</script>\n", encoding="utf-8")
    assert not wait_for_version_after(preview, before)["ok"]
    page = fetch(preview.url)
    assert f"sources/editions/{EDITION}/narrative/next-steps.md</code>, line {line}" in page
    assert "no_such_figure" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert f"Look at line {line}" in page  # what to change
    assert "afml-preview-reload" in page  # the error page reloads itself too
    assert "The preview shows this new sentence about zebras." in fetch(preview.url + "last-good")  # the last good page stays
    before = status(preview)["version"]
    file.write_text(good + "\nThe fixed sentence is back.\n", encoding="utf-8")
    assert wait_for_version_after(preview, before)["ok"]
    assert "The fixed sentence is back." in fetch(preview.url)


def test_a_survey_change_recomputes_the_intake(preview):
    survey = preview.preview.paths.survey_dir(EDITION) / "literature-review.csv"
    intake = preview.preview.data["survey_intake"]
    before = status(preview)["version"]
    survey.write_text(survey.read_text(encoding="utf-8") + "LR-998,THA,Preview test initiative,Added by the preview test.,A,A1,,2020,,ongoing,unknown,,,,literature_review\n", encoding="utf-8")
    assert wait_for_version_after(preview, before)["ok"], preview.preview.problem
    assert preview.preview.data["survey_intake"] is not intake
    assert "Preview test initiative" in fetch(preview.url)


def test_the_preview_writes_only_into_its_scratch_folder(preview):
    outputs = preview.preview.paths.outputs
    written = sorted(str(p.relative_to(outputs)) for p in outputs.rglob("*") if p.is_file())
    # besides its page: the charts, font subsets and survey files read it made, in the content cache builds share
    assert written and all(name.startswith((f"{EDITION}/preview/", ".cache/charts/", ".cache/fonts/", ".cache/survey/")) for name in written), written
    assert not (outputs / EDITION / "latest").exists() and not (outputs / EDITION / "builds").exists()
    assert "afml-preview-reload" in (outputs / EDITION / "preview" / "report.html").read_text(encoding="utf-8")


def test_each_folder_feeds_its_stage(tmp_path):
    paths = ProjectPaths(sources_dir=str(SOURCES), templates_dir=str(tmp_path / "templates"))
    edition = SOURCES / "editions" / EDITION
    assert stage_of(edition / "narrative" / "intro.md", paths, EDITION) == "narrative"
    assert stage_of(edition / "narrative" / "boxes" / "box.md", paths, EDITION) == "document"
    assert stage_of(edition / "narrative" / "abbreviations.yaml", paths, EDITION) == "document"
    assert stage_of(edition / "outline.yaml", paths, EDITION) == "document"
    assert stage_of(tmp_path / "templates" / "report" / "screen.css", paths, EDITION) == "document"
    assert stage_of(edition / "survey" / "literature-review.csv", paths, EDITION) == "survey"
    assert stage_of(edition / "tables" / "published.csv", paths, EDITION) == "tables"
    assert stage_of(SOURCES / "catalog" / "clusters.csv", paths, EDITION) == "catalog"
    assert stage_of(SOURCES / "editions.yaml", paths, EDITION) == "catalog"


def test_the_script_goes_before_the_end_of_the_body():
    page = with_reload_script("<html><body><p>x</p></body></html>", 7)
    assert page.index('var version = "7"') < page.index("</body>")


def test_a_broken_editions_file_means_rebuild_everything(tmp_path):
    (tmp_path / "editions.yaml").write_text("editions: [unclosed\n", encoding="utf-8")
    paths = ProjectPaths(sources_dir=str(tmp_path))
    assert stage_of(tmp_path / "editions" / EDITION / "narrative" / "intro.md", paths, EDITION) == "catalog"
