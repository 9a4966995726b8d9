"""Every script of the region renders through the real report renderer, with the project's own fonts;
a character that no font has is a reported problem naming the survey row, not a failed build."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from pipelines.report.document import Section
from pipelines.report.model import Document
from pipelines.report.parts.evidence import compilation, unprintable_values
from pipelines.report.pdf_assembly import write_pdf
from pipelines.report.render import render_html

from pipelines.frameworks import load_framework  # noqa: E402
from tests.conftest import SOURCES  # noqa: E402

WORDS = load_framework(SOURCES, "afml").vocabulary  # the AFML words the compilation speaks

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BUILD_DATE = dt.datetime(2020, 8, 31, tzinfo=dt.timezone.utc)

# One line per script of the region: (country, title, description, the family that must draw it).
LINES = [
    ("THA", "การคุ้มครองแรงงานข้ามชาติ", "ศูนย์ช่วยเหลือแรงงานข้ามชาติในจังหวัดสมุทรสาคร", "NotoSansThai"),
    ("LAO", "ການປົກປ້ອງແຮງງານເຄື່ອນຍ້າຍ", "ສູນບໍລິການແຮງງານຢູ່ນະຄອນຫຼວງວຽງຈັນ", "NotoSansLao"),
    ("KHM", "កិច្ចការពារពលករចំណាកស្រុក", "មជ្ឈមណ្ឌលផ្តល់ព័ត៌មានដល់ពលករ", "NotoSansKhmer"),
    ("MMR", "ရွှေ့ပြောင်းအလုပ်သမားများ ကာကွယ်ရေး", "အလုပ်သမားဝန်ကြီးဌာန၏ သတင်းအချက်အလက်စင်တာ", "NotoSansMyanmar"),
    ("VNM", "Bảo vệ người lao động di cư", "Trung tâm hỗ trợ người lao động ở Đà Nẵng và Hồ Chí Minh", "SourceSerifPro"),
    # Latin letters with hooks and diacritics beyond the paper's own faces (made-up names).
    ("PHL", "Ŋalaŋ Ɓuhay at Ɗangal", "Ƙapwa: lingkod sa mga manggagawang Pilipino (Ŋayon, Ɓagong Ɗiwa)", "NotoSerif"),
]


def survey(lines) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A survey as intake hands it to the report: accepted initiatives with the file and row they came from."""
    initiatives = pd.DataFrame(
        [
            {"uid": f"r{i}", "respondent_id": "TST-1", "country": country, "title": title, "description": description, "start_year": "2019", "end_year": "", "status": "ongoing",
             "gender_responsive": "no", "source": "questionnaire", "file": "sources/editions/test/survey/form.csv", "sheet": "", "row": str(i + 2)}
            for i, (country, title, description, *_ ) in enumerate(lines)
        ]
    )
    respondents = pd.DataFrame([{"respondent_id": "TST-1", "organisation": "Ministry of Labour", "acronym": "", "country": "THA", "file": "sources/editions/test/survey/form.csv"}])
    return initiatives, respondents


def document(blocks) -> Document:
    section = Section("test", "Initiatives", level=2, number="1", blocks=blocks)
    return Document("test", "Test paper", "Subtitle", "Test", "Publisher", "en", BUILD_DATE, [], [section], [])


def render_pdf(blocks, tmp_path: Path):
    html = render_html(document(blocks), TEMPLATES, medium="pdf")
    result = write_pdf(html, tmp_path / "test.pdf", base_dir=tmp_path, allowed_roots=[TEMPLATES, tmp_path], build_date=BUILD_DATE)
    return result, PdfReader(tmp_path / "test.pdf")


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.fixture(scope="module")
def scripts_pdf(tmp_path_factory):
    initiatives, respondents = survey(LINES)
    return render_pdf([compilation(initiatives, respondents, WORDS)], tmp_path_factory.mktemp("scripts"))


def test_every_script_of_the_region_renders_without_a_missing_glyph(scripts_pdf):
    result, _ = scripts_pdf
    assert result.warnings == []
    assert result.missing_glyphs == []


def test_the_pdf_text_holds_each_line_and_the_fonts_that_draw_them_are_embedded(scripts_pdf):
    _, reader = scripts_pdf
    text = "".join(page.extract_text() for page in reader.pages)
    bare = re.sub(r"\s+", "", text)  # extraction puts spaces around combining marks placed by offset
    for country, title, description, _ in LINES:
        if country == "MMR":
            # WeasyPrint maps each glyph to the text of the first cluster it drew, and Myanmar reorders
            # glyphs within clusters, so its extraction is not the source string: every character is there.
            assert set(re.sub(r"\s+", "", title + description)) <= set(bare)
        else:
            assert re.sub(r"\s+", "", title) in bare
            assert re.sub(r"\s+", "", description) in bare
    fonts = " ".join(embedded_fonts(reader)).replace("-", "")
    for *_, family in LINES:
        assert family in fonts, (family, fonts)


def test_vietnamese_in_italic_falls_back_to_noto_serif_which_has_every_vietnamese_letter():
    from pipelines.report.fonts import fallback_families, missing_glyphs

    vietnamese = "ăâđêôơư ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
    assert fallback_families(frozenset(vietnamese)) == ["Noto Serif"]  # Source Serif Pro Italic lacks them
    assert missing_glyphs(vietnamese) == ""


def test_the_html_edition_embeds_only_the_fallbacks_its_text_needs():
    initiatives, respondents = survey(LINES[:1])
    html = render_html(document([compilation(initiatives, respondents, WORDS)]), TEMPLATES, medium="html")
    families = set(re.findall(r'@font-face \{ font-family: "([^"]+)"', html))
    assert families == {"Source Serif Pro", "Source Sans Pro", "Noto Sans Thai"}


def test_the_stylesheets_list_every_fallback_in_each_font_stack():
    from pipelines.report.fonts import SANS_STACK, SERIF_STACK

    for name in ("base.css", "print.css", "screen.css"):
        for stack in re.findall(r"font-family:\s*([^;}]+)", (TEMPLATES / "report" / name).read_text(encoding="utf-8")):
            families = [f.strip().strip('"') for f in stack.split(",")]
            expected = SERIF_STACK if families[0] == SERIF_STACK[0] else SANS_STACK
            assert families[:-1] == expected, (name, stack)


def test_a_character_no_font_has_is_reported_with_its_survey_row_and_the_pdf_is_still_written(tmp_path):
    lines = [*LINES, ("IDN", "Private use \ue000 character", "Description", "")]
    initiatives, respondents = survey(lines)
    found = unprintable_values(respondents, initiatives)
    assert found[["file", "row", "column", "value"]].to_dict("records") == [{"file": "sources/editions/test/survey/form.csv", "row": str(len(lines) + 1), "column": "title", "value": "Private use \ue000 character"}]
    assert "U+E000" in found["characters"].iloc[0]
    assert unprintable_values(*reversed(survey(LINES))).empty
    result, reader = render_pdf([compilation(initiatives, respondents, WORDS)], tmp_path)
    assert result.warnings == [] and result.missing_glyphs == ["\ue000"]
    assert len(reader.pages) >= 1


def test_charts_draw_every_script_without_a_missing_glyph(recwarn):
    from pipelines.report import charts

    svg = charts.horizontal_bars([title for _, title, *_ in LINES], [float(i) for i in range(len(LINES))], "Đà Nẵng")
    assert svg.startswith("<svg")
    assert not [w for w in recwarn if "missing from" in str(w.message)]


def test_the_report_check_warns_with_the_file_row_column_and_value():
    import dagster as dg

    from pipelines.report.assets import report_text_has_glyphs

    initiatives, respondents = survey([*LINES, ("IDN", "Private use \ue000 character", "Description", "")])
    result = report_text_has_glyphs(respondents=respondents, initiatives=initiatives)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    problems = result.metadata["problems"].md_str
    assert "sources/editions/test/survey/form.csv" in problems and f"| {len(LINES) + 2} | title |" in problems and "U+E000" in problems
    assert report_text_has_glyphs(respondents=respondents, initiatives=initiatives.head(len(LINES))).passed
