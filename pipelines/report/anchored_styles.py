"""Elements with an ``id`` share their computed style with their siblings, as elements without one do.

WeasyPrint computes one style for siblings that the same rules match and shares it (its key: the
parent's style, the element's own declarations and the rules that match it). An ``id`` gives its
element a declaration of its own, ``-weasy-anchor: "<id>"`` (the anchor a link or a cross-reference
points to), so the element gets a style of its own, and so does every element inside it, since their
parent's style is another. In the longest chapter of the 2020 paper every reported initiative's list
item has an id (the place the country tables link to): 389 list items, and most of the chapter's 4 662
elements got styles of their own, each property computed again for each (332 000 computations).

While :func:`shared_despite_anchors` is active, those anchor declarations are left out of the cascade;
once WeasyPrint has computed and shared the styles, each element with an id gets a copy of the style
it shares with its anchor set, and its anchor is collected as WeasyPrint collects one. An anchor is
not inherited, so the elements inside have the styles they had: the PDF is the same, byte for byte
(``tests/report/test_anchored_styles.py``). Chapter 2 of the 2020 paper is laid out in about 3.5 s
instead of 4.3 s, and its process peaks 20 MB lower (``benchmarks/README.md``, "Ninth pass").

An ``id`` whose declaration is not a plain string (WeasyPrint ignores it, with a warning) and an
``a`` with a ``name`` (whose anchor wins) are left to WeasyPrint as they were. An anchor that an author
rule sets wins over the ``id``, as before; WeasyPrint collects it when it makes the style (so when two
elements share such a style, it warns once that the anchor is defined twice, not once per element).

This relies on two functions of WeasyPrint 70: ``find_style_attributes`` (called by ``StyleFor``
alone) and ``StyleFor.__init__``; the tests compare the PDF bytes with and without it, so a WeasyPrint
that changes them fails the tests rather than changing the paper.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from pipelines.shared.patching import replaced


@contextlib.contextmanager
def shared_despite_anchors() -> Iterator[None]:
    """While the block runs, WeasyPrint shares computed styles between elements that differ only by
    their ``id`` (see the module's docstring)."""
    from weasyprint import css

    find_declarations = css.find_style_attributes
    make_styles = css.StyleFor.__init__
    left_out: dict[int, list] = {}  # the document's root -> its elements whose anchor was left out

    def style_attributes(tree, presentational_hints=False, base_url=None):
        anchors = left_out.setdefault(id(tree), [])
        for specificity, element, declarations, url in find_declarations(tree, presentational_hints, base_url):
            anchor = _plain_id_anchor(element, declarations)
            if anchor is None:
                yield specificity, element, declarations, url
            else:
                anchors.append((element, anchor))

    def style_for(styles, html, sheets, presentational_hints, font_config, target_collector):
        try:
            make_styles(styles, html, sheets, presentational_hints, font_config, target_collector)
        finally:
            anchors = left_out.pop(id(html.etree_element), [])
        computed = styles._computed_styles
        for element, anchor in anchors:
            style = computed[element, None]
            if "anchor" in style.cascaded:  # an author rule sets it (and wins over the id, as before)
                continue
            style = computed[element, None] = style.copy()
            style["anchor"] = anchor
            if target_collector:
                target_collector.collect_anchor(anchor)

    with replaced(css, "find_style_attributes", style_attributes), replaced(css.StyleFor, "__init__", style_for):
        yield


def _plain_id_anchor(element, declarations) -> str | None:
    """The id, when ``declarations`` is exactly the anchor declaration WeasyPrint makes of an element's
    ``id`` (a string equal to it) and the element makes no other anchor (an ``a`` with a ``name``)."""
    anchor = element.get("id") if isinstance(element.tag, str) else None
    if not anchor or (element.tag == "a" and element.get("name")) or len(declarations) != 1:
        return None
    declaration = declarations[0]
    if getattr(declaration, "lower_name", None) != "-weasy-anchor" or declaration.important:
        return None
    tokens = [token for token in declaration.value if token.type not in ("whitespace", "comment")]
    if len(tokens) != 1 or tokens[0].type != "string" or tokens[0].value != anchor:
        return None
    return anchor
