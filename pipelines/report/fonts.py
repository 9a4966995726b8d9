"""The report's typefaces come with the project (Source Serif Pro and Source Sans Pro, SIL OFL),
installed from PyPI by the project's own set-up, so the output never depends on the host's fonts.

They are embedded as ``data:`` URIs, which keeps the HTML edition a single self-contained file and
lets the PDF renderer's URL fetcher refuse every other file.
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path

# (family, weight, style, package, file)
FACES = [
    ("Source Serif Pro", 400, "normal", "font_source_serif_pro", "SourceSerifPro-Regular.ttf"),
    ("Source Serif Pro", 400, "italic", "font_source_serif_pro", "SourceSerifPro-It.ttf"),
    ("Source Serif Pro", 700, "normal", "font_source_serif_pro", "SourceSerifPro-Semibold.ttf"),
    ("Source Sans Pro", 400, "normal", "font_source_sans_pro", "SourceSansPro-Regular.ttf"),
    ("Source Sans Pro", 400, "italic", "font_source_sans_pro", "SourceSansPro-It.ttf"),
    ("Source Sans Pro", 700, "normal", "font_source_sans_pro", "SourceSansPro-Semibold.ttf"),
]


def _package_dir(package: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"font package {package!r} is not installed: run `make setup`")
    return Path(spec.origin).parent / "files"


def font_files() -> list[Path]:
    """The font files the report uses (for provenance)."""
    return [_package_dir(pkg) / name for _, _, _, pkg, name in FACES]


def _subset(path: Path, characters: frozenset[str]) -> bytes:
    """The font reduced to the characters the document uses (fontTools, deterministic)."""
    import io

    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]  # keep kerning and ligatures
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in characters} | set(range(0x20, 0x7F))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = None
    font.save(buffer)
    return buffer.getvalue()


@functools.lru_cache(maxsize=8)
def font_face_css(characters: frozenset[str] | None = None) -> str:
    """``@font-face`` rules with the fonts inlined, reduced to ``characters`` when given."""
    rules = []
    for family, weight, style, package, name in FACES:
        path = _package_dir(package) / name
        raw = _subset(path, characters) if characters is not None else path.read_bytes()
        data = base64.b64encode(raw).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
            f'src: url("data:font/ttf;base64,{data}") format("truetype"); }}'
        )
    return "\n".join(rules)
