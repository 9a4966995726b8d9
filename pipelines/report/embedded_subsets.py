"""The subsets of the faces WeasyPrint embeds in the PDF, kept by content between renders.

Each part of the paper (:mod:`pipelines.report.pdf_assembly`) embeds its own subset of every face it
uses: fontTools reads the face, keeps the glyphs the part draws and writes a new font, about 0.03 s
per face and part, 0.4 s of a render. The subset depends only on the face (and its index in a
collection), the glyphs, the hinting and missing-glyph options WeasyPrint asks for, and the build date fontTools stamps into it
(``SOURCE_DATE_EPOCH``); with the identity of the packages that make it, that is the key
(:mod:`pipelines.shared.content_cache`). A render whose parts draw the same glyphs as the last one
(a forced build, a rebuild after a narrative change elsewhere) takes the very bytes it would have
made. A subset fontTools fails to make (WeasyPrint then embeds the face whole, with a warning) is
never kept, so the warning comes again.

Loaded only by the process that lays the paper out (it imports WeasyPrint).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os

from weasyprint.pdf.fonts import Font

from pipelines.shared.content_cache import cache_in_use, cached, code_identity
from pipelines.shared.patching import replaced

KIND = "embedded-font-subsets"
SUBSET_PACKAGES = ("weasyprint", "fonttools")


class _NotMade(Exception):
    """fontTools could not subset the face: WeasyPrint keeps it whole and has said so."""


@contextlib.contextmanager
def subsets_remembered():
    """While the block runs (and a content cache is in use), WeasyPrint's fontTools subsetting of an
    embedded face is taken from the cache when the same subset was made before."""
    original = Font._fonttools_subset

    def subset(font, to_unicode, hinting):
        if not cache_in_use():
            return original(font, to_unicode, hinting)
        face = font.file_content

        def make() -> bytes:
            original(font, to_unicode, hinting)
            if font.file_content is face:  # not subset: WeasyPrint warned and embeds it whole
                raise _NotMade
            return font.file_content

        try:
            font.file_content = cached(KIND, _key(face, font.index, to_unicode, hinting, bool(font.missing)), make)
        except _NotMade:
            pass

    with replaced(Font, "_fonttools_subset", subset):
        yield


def code() -> bytes:
    """The identity of the code that subsets (this module, WeasyPrint, fontTools), computed once per process."""
    return code_identity((__name__,), SUBSET_PACKAGES)


def _key(face: bytes, index: int, glyphs, hinting: bool, missing: bool) -> bytes:
    options = json.dumps([index, sorted(glyphs), bool(hinting), missing, os.environ.get("SOURCE_DATE_EPOCH")])
    return b"\0".join([KIND.encode(), code(), hashlib.sha256(face).digest(), options.encode()])
