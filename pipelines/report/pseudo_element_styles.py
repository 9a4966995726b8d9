"""The styles of pseudo-elements WeasyPrint asks for only on some boxes, computed when it asks.

WeasyPrint's own stylesheet for HTML gives every element a ``::marker``, ``::footnote-call``,
``::footnote-marker``, ``::note-call``, ``::note-marker`` and ``::note-callback`` (rules such as
``::marker { … }`` match any element), and WeasyPrint 70 computes a style for each of them before the
layout starts: six styles per element, kept until the part is written. Only list items ask for their
marker's style, and only footnotes and notes for the others. In the longest chapter of the 2020
paper, 4 662 elements get 27 972 such styles, and 78 are ever asked for: about 27 MB of the 216 MB its
layout process peaks at (``benchmarks/README.md``, "Eighth pass").

While :func:`computed_when_asked` is active, WeasyPrint's :class:`~weasyprint.css.StyleFor` sets such a
style aside (the declarations that apply to it, shared between the elements that have the same ones)
and computes it the first time it is asked for, the way it would have computed it before. A computed
style's values are themselves computed on first use from its declarations and its element's style, so
the values, the layout and the PDF bytes are the same (``tests/report/test_pseudo_element_styles.py``).
A style that sets ``anchor`` (which WeasyPrint collects when the style is made) is made at once, as
before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from pipelines.shared.patching import replaced

# The pseudo-elements WeasyPrint 70 asks a style for only when a box needs one (weasyprint/
# formatting_structure/build.py: markers of list items, calls and markers of footnotes and notes).
# ::before and ::after are asked for on every element, so theirs are made as before.
WHEN_ASKED = frozenset(("marker", "footnote-call", "footnote-marker", "note-call", "note-marker", "note-callback"))


@contextlib.contextmanager
def computed_when_asked() -> Iterator[None]:
    """While the block runs, the styles of :data:`WHEN_ASKED` pseudo-elements are computed when a
    layout asks for them instead of before it starts (see the module's docstring)."""
    from weasyprint.css import StyleFor

    make_now = StyleFor.set_computed_styles
    look_up = StyleFor.__call__

    def set_computed_styles(style_for, element, parent, root=None, pseudo_type=None, base_url=None, target_collector=None):
        cascaded = style_for._cascaded_styles.get((element, pseudo_type)) if pseudo_type in WHEN_ASKED else None
        if cascaded is None or "anchor" in cascaded or parent is not element:
            return make_now(style_for, element, parent, root, pseudo_type, base_url, target_collector)
        waiting = style_for.__dict__.setdefault("_afml_when_asked", _SetAside(root, base_url, target_collector))
        if not waiting.keep(element, pseudo_type, cascaded, root, base_url, target_collector):
            return make_now(style_for, element, parent, root, pseudo_type, base_url, target_collector)
        return None

    def style_of(style_for, element, pseudo_type=None):
        waiting = style_for.__dict__.get("_afml_when_asked") if pseudo_type is not None else None
        cascaded = waiting.take(element, pseudo_type) if waiting is not None else None
        if cascaded is not None:  # made now, as the layout's first look-up would have found it made
            style_for._cascaded_styles[element, pseudo_type] = cascaded
            try:
                make_now(style_for, element, element, waiting.root, pseudo_type, waiting.base_url, waiting.target_collector)
            finally:
                del style_for._cascaded_styles[element, pseudo_type]
        return look_up(style_for, element, pseudo_type)

    with replaced(StyleFor, "set_computed_styles", set_computed_styles), replaced(StyleFor, "__call__", style_of):
        yield


class _SetAside:
    """The pseudo-element styles one :class:`~weasyprint.css.StyleFor` has set aside: per
    pseudo-element, each element's declarations, one dict shared by all elements with the same ones
    (WeasyPrint only reads them), and what making a style needs besides (the same for all of them)."""

    def __init__(self, root, base_url, target_collector):
        self.root, self.base_url, self.target_collector = root, base_url, target_collector
        self._declarations: dict[str, dict] = {}
        self._shared: dict[tuple, dict] = {}

    def keep(self, element, pseudo_type: str, cascaded: dict, root, base_url, target_collector) -> bool:
        """Set the style aside; False when it was asked for with another root, base or collector
        than the others (then it is made at once)."""
        if (root, base_url, target_collector) != (self.root, self.base_url, self.target_collector):
            return False
        content = tuple((name, id(values), weight) for name, (values, weight) in cascaded.items())
        self._declarations.setdefault(pseudo_type, {})[element] = self._shared.setdefault(content, cascaded)
        return True

    def take(self, element, pseudo_type: str) -> dict | None:
        """The declarations of a style set aside and not made yet (then forgotten), or None."""
        waiting = self._declarations.get(pseudo_type)
        return waiting.pop(element, None) if waiting else None
