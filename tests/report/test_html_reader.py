"""The HTML edition used in Chromium as a reviewer would: search and filters over the initiatives,
everything shown without scripts, the sidebar following the reader, the data beside each table."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.report.conftest import DESKTOP, PHONE

ITEMS = ".initiatives li[data-country]"


@pytest.fixture(scope="module")
def initiatives(afml13_build) -> pd.DataFrame:
    return pd.read_csv(afml13_build.edition_dir / "data" / "initiatives.csv", dtype=str, keep_default_na=False)


def visible(page) -> int:
    return page.locator(f"{ITEMS}:visible").count()


def test_without_scripts_every_initiative_is_shown_and_no_filter_appears(chromium, afml13_build, open_page, initiatives):
    page = open_page(afml13_build.edition_dir / "report.html", scripts=False)
    assert visible(page) == len(initiatives)
    assert page.locator("#find-initiatives").count() == 0


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_filtering_by_member_state_shows_exactly_its_initiatives(chromium, afml13_build, open_page, initiatives, viewport):
    page = open_page(afml13_build.edition_dir / "report.html", viewport)
    assert visible(page) == len(initiatives)
    country, expected = "Thailand", int((initiatives["country"] == "THA").sum())
    page.select_option("#finder-country", country)
    assert visible(page) == expected > 0
    assert page.locator(".finder-status").text_content() == f"Showing {expected} of {len(initiatives)} initiatives."
    shown = page.eval_on_selector_all(f"{ITEMS}:not([hidden])", "items => items.map(li => li.dataset.country)")
    assert set(shown) == {country}
    page.click(".finder button[type=reset]")
    page.wait_for_function(f"document.querySelectorAll('{ITEMS}:not([hidden])').length === {len(initiatives)}")
    assert visible(page) == len(initiatives)


def test_words_and_facets_combine(chromium, afml13_build, open_page, initiatives):
    page = open_page(afml13_build.edition_dir / "report.html")
    thai = initiatives[initiatives["country"] == "THA"]
    text = (thai["title"] + " " + thai["description"]).str.lower()
    expected = int(text.str.contains("domestic").sum())
    page.select_option("#finder-country", "Thailand")
    page.fill("#finder-text", "Domestic")
    # The page also searches the reporter and status it prints, so it may find a few more, never fewer.
    assert expected <= visible(page) < len(thai)
    page.select_option("#finder-status", "Completed")
    completed = visible(page)
    assert 0 < completed <= expected
    page.fill("#finder-text", "no initiative has this word zzqx")
    assert visible(page) == 0
    assert page.locator(".finder-status").text_content() == f"Showing 0 of {len(initiatives)} initiatives."


def test_sidebar_marks_the_section_being_read(chromium, afml13_build, open_page):
    page = open_page(afml13_build.edition_dir / "report.html")
    target = page.locator(".sidebar a[href^='#sec-']").nth(5)
    section = target.get_attribute("href")
    page.evaluate(f"document.querySelector('{section}').scrollIntoView()")
    page.wait_for_function(f"document.querySelector('.sidebar a[href=\"{section}\"]').getAttribute('aria-current') === 'location'")
    assert page.locator(".sidebar a[aria-current]").count() == 1


def test_skip_link_is_first_and_leads_to_the_text(chromium, afml13_build, open_page):
    page = open_page(afml13_build.edition_dir / "report.html", PHONE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the text"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert not open_page(afml13_build.edition_dir / "report.html", DESKTOP).locator(".back-to-top").is_visible()


def test_every_source_table_and_chart_links_its_data(chromium, afml13_build, open_page):
    page = open_page(afml13_build.edition_dir / "report.html")
    floats = page.eval_on_selector_all(
        "figure.table[id^='table-table'], figure.chart",
        "figures => figures.map(f => [f.id, Array.from(f.querySelectorAll('.data-links a')).map(a => a.getAttribute('href'))])",
    )
    assert len(floats) > 10
    missing = [anchor for anchor, links in floats if not links]
    assert missing == []
    for _, links in floats:
        assert all((afml13_build.edition_dir / href).is_file() for href in links)
    assert page.locator(".sidebar a[href='report.pdf']").count() == 1


def test_a_number_in_the_text_says_where_it_comes_from(chromium, afml13_build, open_page):
    page = open_page(afml13_build.edition_dir / "report.html")
    from pipelines.indicators.definitions import INDICATORS

    facts = page.locator(".prose .fact[data-fact='cluster.initiatives']")
    assert facts.count() >= 10  # one per cluster
    fact = facts.first
    fact.click()
    assert fact.get_attribute("aria-expanded") == "true"
    note = page.locator(".fact-source")
    definition = next(i for i in INDICATORS if i.name == "initiatives").description
    assert definition in note.text_content()
    assert note.locator("a").get_attribute("href") == "#table-indicator-definitions"
    fact.press("Enter")
    assert page.locator(".fact-source").count() == 0
    html = (afml13_build.edition_dir / "report.html").read_text(encoding="utf-8")
    assert not any(mark in html for mark in "\ue000\ue001\ue002")  # no mark left behind


def test_on_a_phone_the_contents_fold_away_and_back_to_top_follows(chromium, afml13_build, open_page):
    page = open_page(afml13_build.edition_dir / "report.html", PHONE)
    contents = page.locator(".sidebar > ol")
    toggle = page.locator(".sidebar-toggle")
    assert not contents.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(".back-to-top").is_visible()  # not on the first screen
    toggle.click()
    assert contents.is_visible()
    page.locator(".sidebar a[href='#sec-2-3']").click()
    assert not contents.is_visible()  # folded again once the reader has chosen
    assert page.locator(".back-to-top").is_visible()
    desktop = open_page(afml13_build.edition_dir / "report.html", DESKTOP)
    assert desktop.locator(".sidebar > ol").is_visible() and not desktop.locator(".sidebar-toggle").is_visible()
