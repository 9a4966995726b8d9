"""The PDF drawing of an SVG image (a chart), kept by content so that a later render of the same
chart at the same place draws it without WeasyPrint walking the SVG again.

Drawing the 14 charts of the 2020 paper is about 1.3 s of its render, a quarter of its longest
chapter's (matplotlib writes every letter of a chart as a path, which WeasyPrint parses number by
number). The drawing is a list of PDF operators and the transparency states it names; it depends on
the SVG, the size it is drawn at, and the state of the page's stream where it starts (transformation
matrix, colour and transparency in force). Those are the key (:mod:`pipelines.shared.content_cache`,
with the identity of this module and of the packages that draw), so an entry is either the very
drawing WeasyPrint would make there or unused.

Every drawing is made on a scratch stream, recorded, then replayed on the page, whether it was drawn
now or read back: the two paths write the same bytes by construction
(``tests/report/test_render_memos.py`` compares them with WeasyPrint's own drawing). It is made with a
copy of the image's SVG, freed with all the drawing built (:func:`_fresh_svg`): the layout processes
run with the collector off, and the drawn SVGs of the 14 charts kept chapter 2's process about 20 MB
larger than a replay does (``benchmarks/README.md``, "Tenth pass"). A drawing that
needs more than operators and transparency states (an image, a font for SVG text, a pattern, a
gradient, a group for opacity) is not kept: WeasyPrint draws it on the page as usual, and the cache
remembers so, so that later renders do not record it again. So is an SVG whose address does not
fix its content: only ``data:`` URLs and the paper's references to them by digest
(:data:`pipelines.report.paged_parts.INLINED`) are kept.

Loaded only by the process that lays the paper out (it imports WeasyPrint).
"""

from __future__ import annotations

import contextlib
import hashlib
import json

import pydyf
from weasyprint.images import SVGImage
from weasyprint.matrix import Matrix
from weasyprint.svg import SVG

from pipelines.report.paged_parts import INLINED
from pipelines.shared.content_cache import cache_in_use, cached, code_identity
from pipelines.shared.garbage_collection import garbage_of_block_freed
from pipelines.shared.patching import replaced

KIND = "svg-drawings"
DRAWING_PACKAGES = ("weasyprint", "pydyf")
CONTENT_ADDRESSES = ("data:", INLINED)  # addresses that are, or name by digest, the image's content
# Resource kinds a drawing must leave untouched to be kept: each new entry there is named by how many
# came before it on the page, so it cannot be replayed elsewhere.
NUMBERED_RESOURCES = ("XObject", "Pattern", "Shading")
_STATE = ("_current_color", "_current_color_stroke", "_current_alpha", "_current_alpha_stroke")


# What is kept for a drawing that needs more than operators and transparency states: WeasyPrint draws
# it on the page, now and in later renders (which then do not try to record it again).
NOT_KEPT = b""


@contextlib.contextmanager
def drawings_remembered():
    """While the block runs (and a content cache is in use), an SVG image is drawn from the cache: its
    drawing recorded the first time (:func:`_record`), replayed every time (:func:`_replay`).
    Otherwise, and for a drawing that is not kept, WeasyPrint draws it as usual."""
    original = SVGImage.draw

    def draw(image, stream, concrete_width, concrete_height, style):
        if not (cache_in_use() and str(image._base_url).startswith(CONTENT_ADDRESSES)):
            return original(image, stream, concrete_width, concrete_height, style)
        try:
            key = _key(image, stream, concrete_width, concrete_height)
        except (TypeError, ValueError):  # a stream state this module does not know how to write down
            return original(image, stream, concrete_width, concrete_height, style)
        recording = cached(KIND, key, lambda: _record(image, stream, concrete_width, concrete_height))
        if recording == NOT_KEPT:
            return original(image, stream, concrete_width, concrete_height, style)
        _replay(recording, stream)

    with replaced(SVGImage, "draw", draw):
        yield


def code() -> bytes:
    """The identity of the code that draws (this module, WeasyPrint, pydyf), computed once per process."""
    return code_identity((__name__,), DRAWING_PACKAGES)


def _state(stream) -> list:
    return [list(value) if isinstance(value, tuple) else value for value in (getattr(stream, name) for name in _STATE)]


def _key(image, stream, width: float, height: float) -> bytes:
    where = json.dumps([width, height, [list(row) for row in stream.ctm], _state(stream)])
    return b"\0".join([KIND.encode(), code(), hashlib.sha256(str(image._base_url).encode()).digest(), where.encode()])


def _record(image, stream, width: float, height: float) -> bytes:
    """Draw ``image`` on a scratch copy of ``stream`` (same state, empty resources) and return the
    operators, the transparency states and the state it ends in; :data:`NOT_KEPT` if it needs more
    (or fails: WeasyPrint's own drawing then reports it)."""
    resources = pydyf.Dictionary({name: pydyf.Dictionary() if name in (*NUMBERED_RESOURCES, "ExtGState") else value for name, value in stream._resources.items()})
    fonts = len(stream._fonts)
    # The page's images and tags copied: what the scratch drawing adds there must not stay on the page.
    images, tags = dict(stream._images), None if stream._tags is None else dict(stream._tags)
    scratch = stream.clone(resources=resources, images=images, tags=tags)
    for name in _STATE:
        setattr(scratch, name, getattr(stream, name))
    scratch._ctm_stack = list(stream._ctm_stack)
    try:
        with garbage_of_block_freed():
            _fresh_svg(image).draw(scratch, width, height, image._base_url, image._context)
    except Exception:  # noqa: BLE001 -- WeasyPrint's own drawing reports it
        return NOT_KEPT
    states = resources.get("ExtGState", {})
    alpha_only = all(isinstance(state, dict) and len(state) == 1 and next(iter(state)) in ("ca", "CA") for state in states.values())
    if any(resources.get(name) for name in NUMBERED_RESOURCES) or not alpha_only or len(stream._fonts) != fonts or len(images) != len(stream._images) or (tags is not None and len(tags) != len(stream._tags)) or len(scratch._ctm_stack) != len(stream._ctm_stack):
        return NOT_KEPT
    header = {
        "operators": len(scratch.stream),
        "states": {key: [*state.items()][0] for key, state in states.items()},
        "state": _state(scratch),
        "ctm": [[list(row) for row in matrix] for matrix in scratch._ctm_stack],
    }
    # pydyf writes a stream's items joined by newlines: the items joined the same way here are one
    # item that writes the same bytes, read back without parsing.
    return json.dumps(header).encode() + b"\n" + b"\n".join(pydyf._to_bytes(item) for item in scratch.stream)


def _fresh_svg(image) -> SVG:
    """The image's SVG as WeasyPrint made it from the parsed file, before any drawing: drawing builds
    a node for every element and keeps them, with the stream drawn on, in the SVG drawn (about 2 MB a
    chart, for as long as the paper is laid out), so a copy is drawn and dies with the recording."""
    svg = image._svg
    return SVG(svg.tree._etree_node, svg.url, svg.font_config, svg.url_fetcher)


def _replay(recording: bytes, stream) -> None:
    """Write a recorded drawing on ``stream``: its operators, the transparency states it names (added
    to the page's resources when missing, as WeasyPrint adds them), and the state it ends in."""
    header, operators = recording.split(b"\n", 1)
    header = json.loads(header)
    if header["operators"]:
        stream.stream.append(operators)
    for key, (name, value) in header["states"].items():
        if key not in stream._resources["ExtGState"]:
            stream._resources["ExtGState"][key] = pydyf.Dictionary({name: value})
    for name, value in zip(_STATE, header["state"]):
        setattr(stream, name, tuple(value) if isinstance(value, list) else value)
    stream._ctm_stack = [Matrix(matrix=matrix) for matrix in header["ctm"]]
