"""The faces reduced for the HTML edition and the paged HTML (:mod:`pipelines.report.fonts`)."""

from __future__ import annotations

import gc
import io

from fontTools.ttLib import TTFont

from pipelines.report import fonts


def _fonts_alive() -> int:
    return sum(1 for thing in gc.get_objects() if isinstance(thing, TTFont))


def test_reducing_a_face_leaves_none_of_its_font_objects_behind_when_the_collector_is_held_back():
    """A build runs with rare collections (``batch_collection``), under which the fonts fontTools reads
    (their tables refer back to them) stayed as garbage: about 20 MB of the build's process through
    the PDF render after a first build reduced its faces. Each reduction now frees its own."""
    face = next(face for face in fonts.FALLBACK if face.family == "Noto Sans")  # variable: instanced too
    before = _fonts_alive()
    gc.disable()
    try:
        reduced = fonts._subset_now(face, frozenset("Kuala Lumpur, Việt Nam"))
        left = _fonts_alive() - before
    finally:
        gc.enable()
    assert reduced[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert "ệ" in {chr(code) for code in TTFont(io.BytesIO(reduced)).getBestCmap()}
    assert left == 0
