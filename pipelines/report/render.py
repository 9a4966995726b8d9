"""HTML and PDF rendering of a :class:`~pipelines.report.model.Document`.

The PDF and the HTML share one template and one body; they differ in stylesheet and navigation.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from pipelines.report.fonts import font_face_css
from pipelines.shared.jinja_env import make_environment

STYLESHEETS = {"pdf": ["base.css", "print.css"], "html": ["base.css", "screen.css"]}


def render_html(document, templates_dir: Path, medium: str) -> str:
    """The report as one HTML string; ``medium`` is ``"pdf"`` (paged) or ``"html"`` (screen edition)."""
    env = make_environment(str(templates_dir))
    css = "\n".join((templates_dir / "report" / name).read_text(encoding="utf-8") for name in STYLESHEETS[medium])
    # The stylesheets are the project's own files, not data: mark them safe so autoescape leaves them be.
    # The fonts are embedded last, reduced to the characters the page actually uses.
    placeholder = "/*@font-face rules*/"
    html = env.get_template("report/report.html.j2").render(doc=document, medium=medium, css=Markup(css), fonts_css=Markup(placeholder))
    import html as html_lib

    # Only the HTML edition is reduced: WeasyPrint subsets the fonts of the PDF itself.
    characters = frozenset(html_lib.unescape(html)) | frozenset("–—‘’“”…•·×") if medium == "html" else None
    return html.replace(placeholder, font_face_css(characters), 1)


# Notices about the host rather than the document: WeasyPrint falls back to fontTools for font
# subsetting when the system lacks libharfbuzz-subset; the output is still correct.
HOST_NOTICES = ("Using fontTools instead of HarfBuzz-Subset",)


class WeasyPrintWarnings(logging.Handler):
    """Collects what WeasyPrint logs at WARNING and above: a missing resource or bad CSS is a defect."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(HOST_NOTICES):
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


def page_labels(document):
    """A WeasyPrint ``finisher`` giving the PDF the page numbers the pages print, so that a viewer
    shows them too: roman for the front matter, arabic from 1 for the body."""
    import pydyf

    start = next((i for i, page in enumerate(document.pages) if page._page_box.page_type.name == BODY_PAGE), None)

    def finish(_document, pdf) -> None:
        if start:
            pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([0, pydyf.Dictionary({"S": "/r"}), start, pydyf.Dictionary({"S": "/D"})])})

    return finish


@dataclass
class PdfResult:
    pages: int
    warnings: list[str]
    fills: list = field(default_factory=list)  # pipelines.report.pagefill.PageFill, one per page

    @property
    def underfilled(self) -> list:
        """The pages under the fill threshold that do not end a chapter, part or appendix."""
        return [fill for fill in self.fills if fill.underfilled]


def write_pdf(
    html: str,
    target: Path,
    base_dir: Path,
    allowed_roots: list[Path],
    attachments: list[Path] | None = None,
    build_date=None,
) -> PdfResult:
    """Lay out ``html`` and write a tagged PDF (PDF/UA-1) to ``target``.

    Resources resolve against ``base_dir`` and only files below ``allowed_roots`` may be read.
    """
    from weasyprint import HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    from pipelines.report.fetcher import make_url_fetcher
    from pipelines.report.pagefill import page_fills

    fetcher = make_url_fetcher(allowed_roots)
    font_config = FontConfiguration()
    with capture_weasyprint_warnings() as captured:
        document = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(font_config=font_config)
        files = [Attachment(filename=str(path), url_fetcher=fetcher, name=path.name, created=build_date, modified=build_date) for path in (attachments or [])]
        document.write_pdf(
            target,
            pdf_variant="pdf/ua-1",
            attachments=files,
            uncompressed_pdf=False,
            custom_metadata=False,
            finisher=page_labels(document),
        )
    return PdfResult(pages=len(document.pages), warnings=captured.messages, fills=page_fills(document))
