"""The report's typefaces come with the project, installed from PyPI by the project's own set-up, so
the output never depends on the host's fonts. All are under the SIL Open Font License.

- Source Serif Pro and Source Sans Pro set the paper (``PRIMARY``).
- Fallbacks cover what they do not (``FALLBACK``): Noto Serif and Noto Sans for Latin with every
  diacritic and Vietnamese (also in italic), then Noto Sans Thai, Lao, Khmer and Myanmar for the
  scripts of the region. The CSS stacks in ``templates/report/*.css`` and the charts list them in
  this order (:data:`SERIF_STACK`, :data:`SANS_STACK`).

Fonts are embedded as ``data:`` URIs, which keeps the HTML edition a single self-contained file and
lets the PDF renderer's URL fetcher refuse every other file. Every face is reduced to the characters
the document can draw (fontTools, cached by content); a fallback family is embedded only when
the document has a character the paper's own faces lack, and (the
Noto files being variable fonts) pinned to a static instance per weight, so that WeasyPrint, the
browsers and matplotlib all see ordinary faces.
"""

from __future__ import annotations

import base64
import functools
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_SEA = "justmytype_intl_sea"
_SEA_DIR = "fonts/ofl"


@dataclass(frozen=True)
class Face:
    family: str
    weight: int  # the CSS weight the face is declared with
    style: str  # "normal" or "italic"
    package: str  # the Python package that ships the file
    file: str  # path inside the package
    instance_weight: int | None = None  # for a variable font: the ``wght`` it is pinned to

    @property
    def path(self) -> Path:
        return _package_dir(self.package) / self.file


def _noto(family: str, package: str, stem: str, italic: bool) -> list[Face]:
    faces = [Face(family, 400, "normal", package, f"{stem}[wdth,wght].ttf", 400), Face(family, 700, "normal", package, f"{stem}[wdth,wght].ttf", 600)]
    if italic:
        faces.append(Face(family, 400, "italic", package, f"{stem}-Italic[wdth,wght].ttf", 400))
    return faces


PRIMARY = [
    Face("Source Serif Pro", 400, "normal", "font_source_serif_pro", "files/SourceSerifPro-Regular.ttf"),
    Face("Source Serif Pro", 400, "italic", "font_source_serif_pro", "files/SourceSerifPro-It.ttf"),
    Face("Source Serif Pro", 700, "normal", "font_source_serif_pro", "files/SourceSerifPro-Semibold.ttf"),
    Face("Source Sans Pro", 400, "normal", "font_source_sans_pro", "files/SourceSansPro-Regular.ttf"),
    Face("Source Sans Pro", 400, "italic", "font_source_sans_pro", "files/SourceSansPro-It.ttf"),
    Face("Source Sans Pro", 700, "normal", "font_source_sans_pro", "files/SourceSansPro-Semibold.ttf"),
]
# The region's scripts have no serif Noto on PyPI: the sans faces serve both stacks.
SCRIPT_FAMILIES = {"Noto Sans Thai": "notosansthai/NotoSansThai", "Noto Sans Lao": "notosanslao/NotoSansLao", "Noto Sans Khmer": "notosanskhmer/NotoSansKhmer", "Noto Sans Myanmar": "notosansmyanmar/NotoSansMyanmar"}
FALLBACK = [
    *_noto("Noto Serif", "fontpkg_noto_serif", "files/NotoSerif", italic=True),
    *_noto("Noto Sans", "fontpkg_noto_sans", "files/NotoSans", italic=True),
    *(face for family, stem in SCRIPT_FAMILIES.items() for face in _noto(family, _SEA, f"{_SEA_DIR}/{stem}", italic=False)),
]
FACES = PRIMARY + FALLBACK
# The distributions that install the faces (their versions are part of every cached subset's key).
FONT_PACKAGES = ("font-source-serif-pro", "font-source-sans-pro", "fontpkg-noto-serif", "fontpkg-noto-sans", "justmytype-intl-sea")
SERIF_STACK = ["Source Serif Pro", "Noto Serif", *SCRIPT_FAMILIES]
SANS_STACK = ["Source Sans Pro", "Noto Sans", *SCRIPT_FAMILIES]

# Characters HarfBuzz may insert while shaping a complex script (the dotted circle of a lone mark).
SHAPING_EXTRAS = "\u25cc"


def _package_dir(package: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"font package {package!r} is not installed: run `make setup`")
    return Path(spec.origin).parent


def font_files() -> list[Path]:
    """The font files the report may use (for provenance)."""
    return sorted({face.path for face in FACES})


def chart_font_files() -> list[Path]:
    """The files of the sans-serif stack, regular weight, in stack order (for matplotlib's fallback)."""
    return [f.path for family in SANS_STACK for f in FACES if f.family == family and f.weight == 400 and f.style == "normal"]


@functools.cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


SLOTS = [(400, "normal"), (400, "italic"), (700, "normal")]


def _face_for(family: str, weight: int, style: str) -> Face:
    """The face a renderer picks for the slot: the exact one, else the upright one of that weight, else the regular."""
    faces = [f for f in FACES if f.family == family]
    for want in ((weight, style), (weight, "normal"), (400, "normal")):
        for face in faces:
            if (face.weight, face.style) == want:
                return face
    return faces[0]


@functools.cache
def _stack_covers(families: tuple[str, ...]) -> frozenset[int]:
    """The code points these families draw in every slot (regular, italic, bold), one or another family serving."""
    return frozenset.intersection(*(frozenset().union(*(_cmap(_face_for(family, *slot).path) for family in families)) for slot in SLOTS))


@functools.cache
def covered_codepoints() -> frozenset[int]:
    """The code points the report draws wherever they appear: in both stacks, regular, italic and bold."""
    return _stack_covers(tuple(SERIF_STACK)) & _stack_covers(tuple(SANS_STACK))


def needs_no_glyph(character: str) -> bool:
    """Spaces and invisible format characters (zero-width joiners, direction marks) draw nothing."""
    return character.isspace() or unicodedata.category(character) == "Cf"


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` (in order of first appearance) that no face of the report can draw."""
    covered = covered_codepoints()
    return "".join(dict.fromkeys(c for c in text if ord(c) not in covered and not needs_no_glyph(c)))


def fallback_families(characters: frozenset[str]) -> list[str]:
    """The fallback families the text needs: those with a glyph for a character that a face before
    them in their stack (serif or sans) lacks, in any style."""
    codepoints = {ord(c) for c in characters}
    families = []
    for face in FALLBACK:
        if face.family in families:
            continue
        for stack in (SERIF_STACK, SANS_STACK):
            if face.family in stack:
                earlier = tuple(stack[: stack.index(face.family)])
                if (codepoints - _stack_covers(earlier)) & _cmap(face.path):
                    families.append(face.family)
                    break
    return families


def _subset(face: Face, characters: frozenset[str]) -> bytes:
    """The face reduced to ``characters`` (and pinned to a static instance if variable); inside a
    build's content cache (:mod:`pipelines.shared.content_cache`), computed once per face,
    characters, build date and version of this module, fontTools and the font packages.
    """
    from pipelines.shared.content_cache import cached, code_identity

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    key = code_identity(("pipelines.report.fonts",), ("fonttools", *FONT_PACKAGES)) + "\0".join([face.package, face.file, str(face.instance_weight), epoch, "".join(sorted(characters))]).encode("utf-8", "surrogatepass")
    return cached("fonts", key, lambda: _subset_now(face, characters))


def _subset_now(face: Face, characters: frozenset[str]) -> bytes:
    """The face reduced to ``characters`` (and pinned to a static instance if variable).

    fontTools keeps the font's own ``head.modified`` here (``recalc_timestamp`` is off); it runs
    with ``SOURCE_DATE_EPOCH`` set all the same (see :func:`pipelines.report.render.source_date_epoch`).
    """
    from pipelines.shared.garbage_collection import garbage_of_block_freed

    with garbage_of_block_freed():  # a font's tables refer back to it: freed here, not held through the build
        return _subset_made(face, characters)


def _subset_made(face: Face, characters: frozenset[str]) -> bytes:
    """The work of :func:`_subset_now`."""
    import io

    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]  # keep kerning, ligatures and the shaping of complex scripts
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = subset.load_font(str(face.path), options)
    subsetter = subset.Subsetter(options)
    extras = frozenset(SHAPING_EXTRAS) if face in FALLBACK else frozenset()
    subsetter.populate(unicodes=sorted({ord(c) for c in characters | extras} | set(range(0x20, 0x7F))))
    subsetter.subset(font)
    if "fvar" in font:
        from fontTools.varLib.instancer import instantiateVariableFont

        axes = {axis.axisTag for axis in font["fvar"].axes}
        location = {"wght": face.instance_weight or face.weight} | ({"wdth": 100} if "wdth" in axes else {})
        font = instantiateVariableFont(font, location, static=True, updateFontNames=False)
    buffer = io.BytesIO()
    font.flavor = None
    font.save(buffer)
    return buffer.getvalue()


@functools.lru_cache(maxsize=8)
def font_face_css(characters: frozenset[str], epoch: int | None = None) -> str:
    """``@font-face`` rules with the fonts inlined: the paper's faces and the fallback families
    ``characters`` need, each reduced to ``characters``.

    ``epoch`` (the build's ``SOURCE_DATE_EPOCH``) is part of the cache key only: a cached result is
    never reused for a build of another date.
    """
    needed = set(fallback_families(characters))
    rules = []
    for face in PRIMARY + [f for f in FALLBACK if f.family in needed]:
        data = base64.b64encode(_subset(face, characters)).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: {face.style}; '
            f'src: url("data:font/ttf;base64,{data}") format("truetype"); }}'
        )
    return "\n".join(rules)
