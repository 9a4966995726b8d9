"""The page-fill measure on a small paged document: it sees a half-empty page and forgives the last
page of a part."""

from __future__ import annotations

from pipelines.report.pagefill import page_fills

HTML = """<style>@page { size: A5; margin: 15mm; } section { break-before: page; } .tall { height: 150mm; }</style>
<section><h2>Part one</h2><p>Half a page of text.</p><div style="break-before: page"></div><div class="tall"></div><p>x</p><p style="break-before: page">More.</p></section>
<section><h2>Part two</h2><div class="tall"></div><p>end</p></section>"""


def test_a_short_page_inside_a_part_is_underfilled_and_the_last_page_of_a_part_is_not():
    from weasyprint import HTML as Html

    fills = page_fills(Html(string=HTML).render())
    assert [f.underfilled for f in fills] == [True, False, False, False]
    assert fills[0].fill < 0.4 and not fills[0].ends_part
    assert fills[2].fill < 0.4 and fills[2].ends_part  # the last page of part one may be short
