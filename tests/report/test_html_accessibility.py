"""axe-core in Chromium on the built HTML edition (desktop and phone) and on a validation report:
no serious or critical violation."""

from __future__ import annotations

import pytest

from tests.report.conftest import DESKTOP, PHONE

BLOCKING = {"serious", "critical"}


def axe_violations(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']}): {v['help']}" for v in violations)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_report_html_has_no_serious_accessibility_violation(chromium, axe_source, afml13_build, open_page, viewport):
    page = open_page(afml13_build.edition_dir / "report.html", viewport)
    violations = axe_violations(page, axe_source)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], describe(blocking)
    # The rules that failed before the HTML edition was fixed stay fixed, whatever their impact.
    fixed = {"link-in-text-block", "scrollable-region-focusable", "empty-table-header", "heading-order"}
    assert [v for v in violations if v["id"] in fixed] == [], describe([v for v in violations if v["id"] in fixed])


def test_validation_report_has_no_serious_accessibility_violation(chromium, axe_source, afml13_build, open_page):
    reports = sorted((afml13_build.edition_dir / "validation").glob("*.html"))
    assert reports, "the build wrote no validation report"
    busiest = max(reports, key=lambda path: (path.stat().st_size, path.name))  # the one with most to say
    page = open_page(busiest, PHONE)
    blocking = [v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING]
    assert blocking == [], describe(blocking)
