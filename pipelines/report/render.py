"""HTML and PDF rendering of a :class:`~pipelines.report.model.Document`.

The PDF and the HTML share one template and one body; they differ in stylesheet and navigation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from pipelines.report.fonts import font_face_css
from pipelines.shared.jinja_env import make_environment
from pipelines.shared.patching import replaced

STYLESHEETS = {"pdf": ["base.css", "print.css"], "html": ["base.css", "screen.css"]}


def render_html(document, templates_dir: Path, medium: str, data_links: dict | None = None) -> str:
    """The report as one HTML string; ``medium`` is ``"pdf"`` (paged) or ``"html"`` (screen edition).

    ``data_links`` (anchor -> files of its data, see :mod:`pipelines.report.html_edition`) are shown
    in the HTML edition only."""
    import html as html_lib

    env = report_environment(templates_dir)
    css = "\n".join((templates_dir / "report" / name).read_text(encoding="utf-8") for name in STYLESHEETS[medium])
    # The stylesheets are the project's own files, not data: mark them safe so autoescape leaves them be.
    # The fonts are embedded last, reduced to the characters the page actually uses.
    placeholder = "/*@font-face rules*/"
    html = env.get_template("report/report.html.j2").render(doc=document, medium=medium, css=Markup(css), fonts_css=Markup(placeholder), **html_edition_context(templates_dir, medium, data_links))
    characters = drawn_characters(html_lib.unescape(html))
    epoch = epoch_of(document.build_date)
    with source_date_epoch(epoch):
        # Both media embed the faces reduced to the characters the page can show (cached by content,
        # see pipelines/shared/content_cache.py): a smaller page to parse, and for the PDF fonts that
        # WeasyPrint loads and subsets again in a fraction of the time a whole face takes.
        fonts = font_face_css(characters, epoch=epoch)
    return html.replace(placeholder, fonts, 1)


# Characters the renderers may draw that the page's text need not contain: typographic marks the
# stylesheets or the layout bring in (list bullets, leaders, dashes, quotes).
TYPOGRAPHIC_MARKS = frozenset("–—‘’“”…•·×")


def drawn_characters(text: str) -> frozenset[str]:
    """The characters a page with ``text`` (its markup and stylesheets included) can draw: the text's
    own, their upper- and lower-case forms (``text-transform``), and :data:`TYPOGRAPHIC_MARKS`."""
    own = frozenset(text)
    cased = frozenset("".join(c.upper() + c.lower() for c in own))
    return own | cased | TYPOGRAPHIC_MARKS


def epoch_of(when: dt.datetime | None) -> int | None:
    """Seconds since 1970 of the build date (from the data), the value of ``SOURCE_DATE_EPOCH``."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return int(when.timestamp())


@contextlib.contextmanager
def source_date_epoch(epoch: int | None):
    """``SOURCE_DATE_EPOCH`` set in the process environment while the block runs, then restored.

    fontTools (our own subsetting and WeasyPrint's fallback when the host lacks libharfbuzz-subset)
    stamps the current time into every font it saves (``head.modified``) unless this is set: the
    same inputs would then give other bytes a second later.
    """
    if epoch is None:
        yield
        return
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def report_environment(templates_dir: Path):
    """The shared Jinja environment plus the filters only the report's templates use."""
    from pipelines.report.html_edition import show_facts
    from pipelines.report.narrative import nest_headings

    env = make_environment(str(templates_dir))
    env.filters["nest_headings"] = nest_headings
    env.filters["show_facts"] = show_facts
    return env


def html_edition_context(templates_dir: Path, medium: str, data_links: dict | None) -> dict:
    """What the template shows in the HTML edition only: data links and the inlined reader script."""
    from pipelines.report.html_edition import reader_script

    if medium != "html":
        return {"data_links": {}, "reader_script": ""}
    return {"data_links": data_links or {}, "reader_script": reader_script(templates_dir)}


# Notices about the host rather than the document: WeasyPrint says when it subsets fonts with
# fontTools (always, see fonttools_subsetting); the output is correct.
HOST_NOTICES = ("Using fontTools instead of HarfBuzz-Subset",)


MISSING_GLYPH = ".notdef glyph rendered"


class WeasyPrintWarnings(logging.Handler):
    """Collects what WeasyPrint logs at WARNING and above: a missing resource or bad CSS is a defect.

    A character no font can draw is kept apart (``missing_glyphs``): it comes from the text, not the
    code, and is reported with the survey row it came from (the ``report_text_has_glyphs`` check).
    """

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []
        self.missing_glyphs: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(MISSING_GLYPH):
            found = re.search(r"\(U\+([0-9A-F]+)\)", message)
            self.missing_glyphs[chr(int(found.group(1), 16)) if found else message] = None
        elif not message.startswith(HOST_NOTICES):
            self.messages.append(message)


@contextlib.contextmanager
def capture_weasyprint_warnings():
    handler = WeasyPrintWarnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


BODY_PAGE = "body-start"  # the named page (print.css) where the body's page numbers start at 1


@contextlib.contextmanager
def fonttools_subsetting():
    """WeasyPrint subsets the embedded fonts with fontTools, on every machine, while the block runs.

    WeasyPrint prefers the host's libharfbuzz-subset when there is one (not on a stock Debian), and
    the two subsetters write different bytes (so do two HarfBuzz versions): the same inputs would
    give another PDF on another machine. fontTools is pinned in requirements.lock, so the PDF is the
    same everywhere; it costs about half a second on a 100-page paper.
    """
    from weasyprint.pdf import fonts

    if not hasattr(fonts, "harfbuzz_subset"):  # a WeasyPrint that chooses its subsetter otherwise
        raise RuntimeError("this WeasyPrint version no longer has weasyprint.pdf.fonts.harfbuzz_subset: pipelines/report/render.py must choose the font subsetter another way to keep the PDF the same on every machine")
    with replaced(fonts, "harfbuzz_subset", None), layout_tables_dropped_first():
        yield


@contextlib.contextmanager
def layout_tables_dropped_first():
    """While the block runs, fontTools' subsetter removes the tables it is told to drop before it
    reads any table, instead of after.

    WeasyPrint embeds faces without their layout tables (it drops ``GSUB`` and ``GPOS``: the PDF
    draws shaped glyphs), but fontTools (4.68) first decompiles ``GDEF``, ``GSUB`` and ``GPOS`` whole to
    look at their formats, then drops them: about 0.07 s per face set and per part of the paper, a
    third of the cost a small part pays. The tables are dropped on the same conditions as fontTools'
    own first pruning step (``kern`` too, when ``GPOS`` is there and no legacy ``kern`` is asked for),
    so the subset is byte for byte the same (``tests/report/test_render_memos.py``).
    """
    from fontTools import subset

    original = subset.Subsetter.subset

    def subset_dropping_first(subsetter, font):
        options = subsetter.options
        dropped = [tag for tag in font.keys() if tag.strip() in options.drop_tables]
        if "kern" in font and "GPOS" in font and not options.legacy_kern:
            dropped.append("kern")
        for tag in dict.fromkeys(dropped):
            del font[tag]
        return original(subsetter, font)

    with replaced(subset.Subsetter, "subset", subset_dropping_first):
        yield


@contextlib.contextmanager
def memoized_page_references():
    """While the block runs, ``pydyf.PDF.page_references`` is computed once per page count.

    pydyf builds that tuple of every page's reference anew on each read, and WeasyPrint's PDF/UA
    tagging reads it once per tagged box (about 19 000 times for a 109-page paper, each a tuple of
    100+ strings). Pages are only ever appended, so the tuple is valid until the count changes; the
    PDF is byte for byte the same (``tests/report/test_build.py``).
    """
    import pydyf

    original = pydyf.PDF.page_references

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        cached = pdf.__dict__.get("_afml_page_references")
        if cached is None or cached[0] != count:
            cached = (count, original.fget(pdf))
            pdf.__dict__["_afml_page_references"] = cached
        return cached[1]

    with replaced(pydyf.PDF, "page_references", property(page_references)):
        yield


@dataclass
class PdfResult:
    pages: int
    warnings: list[str]
    missing_glyphs: list[str] = field(default_factory=list)  # characters drawn as an empty box
    fills: list = field(default_factory=list)  # pipelines.report.pagefill.PageFill, one per page
    seconds: float | None = None  # the render's own time, from its job to the PDF written (in its own process)
    parts: int = 1  # the parts the paper was laid out in (pipelines/report/paged_parts.py)
    parts_laid_out: int = 1  # parts written this run: again if their numbers changed; none for parts reused, nor for a first round that only learns the numbers

    @property
    def underfilled(self) -> list:
        """The pages under the fill threshold that do not end a chapter, part or appendix."""
        return [fill for fill in self.fills if fill.underfilled]

    @classmethod
    def from_record(cls, record: dict) -> PdfResult:
        """The result again from ``dataclasses.asdict`` of one (as JSON, from the render process)."""
        return cls(**{**record, "fills": _fills(record["fills"])})


def _fills(records: list[dict]) -> list:
    from pipelines.report.pagefill import PageFill

    return [PageFill(**fill) for fill in records]


@dataclass
class LaidOutPart:
    """A part of the paper laid out and written as a PDF of its own (:func:`write_part`)."""

    pages: int
    restart: int | None  # the page (0-based) where the body's numbering starts at 1, if the part holds it
    anchors: dict[str, int]  # anchor -> its page (0-based)
    fills: list  # pipelines.report.pagefill.PageFill, numbered within the part
    warnings: list[str]
    missing_glyphs: list[str]

    @property
    def layout(self):
        """What the other parts need of this one (:class:`pipelines.report.paged_parts.PartLayout`)."""
        from pipelines.report.paged_parts import PartLayout

        return PartLayout(self.pages, self.restart, self.anchors)

    @classmethod
    def from_record(cls, record: dict) -> LaidOutPart:
        """The part again from ``dataclasses.asdict`` of one (as JSON, from the process that laid it out)."""
        return cls(**{**record, "fills": _fills(record["fills"])})


# The C types WeasyPrint parses the first time a process lays a document out (cffi parses a type's
# declaration once per process: about 0.02 s). See loaded_before_fork.
FIRST_LAYOUT_C_TYPES = ("FcChar8 **", "PangoFcFontMap *", "PangoLogAttr[]", "PangoRectangle *", "char[4]", "char[]", "hb_tag_t[100]", "unsigned int *")


def loaded_before_fork() -> None:
    """Load here, once, what each process forked from this one to lay out a part would otherwise load
    on its own: the modules :func:`write_part` imports, the identity of the code whose results the
    content cache keeps (package versions read from their metadata: about 0.02 s) and WeasyPrint's C
    types (:data:`FIRST_LAYOUT_C_TYPES`). Only Python objects are made, no Pango or fontconfig call,
    so the forked processes inherit nothing they cannot use (``tests/report/test_render_memos.py``
    checks that a layout afterwards parses no other type)."""
    from weasyprint import HTML  # noqa: F401
    from weasyprint.text.ffi import ffi
    from weasyprint.text.fonts import FontConfiguration  # noqa: F401

    from pipelines.report import anchored_styles, embedded_subsets, fetcher, pagefill, pseudo_element_styles, svg_drawings  # noqa: F401

    svg_drawings.code()
    embedded_subsets.code()
    for declaration in FIRST_LAYOUT_C_TYPES:
        with contextlib.suppress(Exception):  # a type another WeasyPrint version no longer declares
            ffi.typeof(declaration)


def write_part(html: str, target: Path | None, base_dir: Path, allowed_roots: list[Path], build_date=None, inlined: dict[str, str] | None = None) -> LaidOutPart:
    """Lay out one part of the paper (:mod:`pipelines.report.paged_parts`) and write it to ``target``
    as a tagged PDF (PDF/UA-1); :mod:`pipelines.report.pdf_merge` joins the parts into the paper.
    With no ``target``, the part is laid out only (its page count and anchors), nothing drawn.

    Resources resolve against ``base_dir`` and only files below ``allowed_roots`` may be read, and the
    paper's data: URLs the part refers to (``inlined``, see :func:`pipelines.report.paged_parts.split`).
    ``SOURCE_DATE_EPOCH`` is the build date while WeasyPrint runs (fonts it subsets with fontTools).
    Inside a content cache (:func:`pipelines.shared.content_cache.cache_folder`), the charts' drawings
    and the subsets of the embedded faces are kept and reused (:mod:`pipelines.report.svg_drawings`,
    :mod:`pipelines.report.embedded_subsets`). The styles of markers and footnote calls are computed
    only for the boxes that have them (:mod:`pipelines.report.pseudo_element_styles`), and elements
    that differ only by their ``id`` share theirs (:mod:`pipelines.report.anchored_styles`)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from pipelines.report.anchored_styles import shared_despite_anchors
    from pipelines.report.embedded_subsets import subsets_remembered
    from pipelines.report.fetcher import make_url_fetcher
    from pipelines.report.pagefill import page_fills
    from pipelines.report.pseudo_element_styles import computed_when_asked
    from pipelines.report.svg_drawings import drawings_remembered

    fetcher = make_url_fetcher(allowed_roots, inlined)
    with capture_weasyprint_warnings() as captured, source_date_epoch(epoch_of(build_date)), computed_when_asked(), shared_despite_anchors():
        document = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(font_config=FontConfiguration())
        if target is not None:
            with memoized_page_references(), fonttools_subsetting(), drawings_remembered(), subsets_remembered():
                document.write_pdf(target, pdf_variant="pdf/ua-1", uncompressed_pdf=False, custom_metadata=False)
    pages = document.pages
    anchors: dict[str, int] = {}
    for i, page in enumerate(pages):
        for anchor in page.anchors:  # an element that runs over pages has its anchor on each: the first counts
            anchors.setdefault(anchor, i)
    return LaidOutPart(
        pages=len(pages),
        restart=next((i for i, page in enumerate(pages) if page._page_box.page_type.name == BODY_PAGE), None),
        anchors=anchors,
        fills=page_fills(document),
        warnings=captured.messages,
        missing_glyphs=list(captured.missing_glyphs),
    )
