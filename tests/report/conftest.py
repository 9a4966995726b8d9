"""A real browser for the HTML edition: Debian's Chromium driven by playwright, with axe-core from npm.

Skipped, with the reason, where Chromium, playwright or axe-core is missing (plain ``make test`` on a
machine without them); ``.ci/run`` installs all three."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# No first-run, sync, update or other background traffic: the page is a local file and stays offline.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    """Debian's Chromium (or the one named by AFML_CHROMIUM); playwright's own download is not used."""
    named = os.environ.get("AFML_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable(reason: str):
    """Skip where the browser tools are missing, but fail in CI (AFML_REQUIRE_BROWSER=1), which installs them."""
    if os.environ.get("AFML_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The browser's executable; asked for before the build, so that a missing browser skips at once.
    (The browser itself starts after the build: Dagster must not run inside playwright's event loop.)"""
    executable = chromium_path()
    if not executable:
        unavailable("Chromium is not installed (apt-get install chromium; .ci/run installs it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright is not installed (make setup installs it from requirements.lock)")
    return executable


@pytest.fixture(scope="module")
def browser(chromium):
    """One Chromium per test module, closed before other modules run (and build) again."""
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        unavailable("axe-core is not installed (run npm ci; .ci/run does)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture()
def open_page(browser):
    """Opens a local file in a fresh page of the given size; closes it after the test."""
    pages = []

    def open_(path: Path, viewport: dict = DESKTOP, scripts: bool = True):
        context = browser.new_context(viewport=viewport, java_script_enabled=scripts)
        page = context.new_page()
        page.goto(path.resolve().as_uri())
        pages.append(context)
        return page

    yield open_
    for context in pages:
        context.close()
