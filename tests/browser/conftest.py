"""Browser fixtures: one Chromium per session, pages with the network blocked."""

from __future__ import annotations

import pytest

from browserkit import Page, launch


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        yield browser
        browser.close()


@pytest.fixture()
def offline_page(browser):
    page = Page(browser)
    yield page
    page.close()
