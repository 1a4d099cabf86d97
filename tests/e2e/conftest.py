"""Browser tests: Debian's Chromium driven by Playwright (no browser is downloaded)."""

from __future__ import annotations

import os

# pytest-django's live_server with Playwright's sync API needs this (DESIGN.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
import shutil
import tempfile

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: `make test` installs Debian's chromium")
    profile = tempfile.mkdtemp(prefix="chinhquyen-chromium-")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    # Every browser test also checks that the Content-Security-Policy blocked nothing the page
    # needs (ADR 0037): Chromium reports each blocked script, style or load on the console.
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not violations, f"the Content-Security-Policy blocked: {violations}"
