"""Fixtures shared by every test module: users of each kind, and a headless Chromium for browser tests."""

import gettext
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.signals import setting_changed
from django.utils import translation

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """Compile the Japanese catalogues from locale/ja/parts*/ when a part is newer, so a bare `pytest` tests real text."""
    built = [ROOT / "locale/ja/LC_MESSAGES/django.mo", ROOT / "locale/ja/LC_MESSAGES/djangojs.mo"]
    parts = [*(ROOT / "locale/ja/parts").glob("*.po"), *(ROOT / "locale/ja/parts-js").glob("*.po")]
    oldest = min((mo.stat().st_mtime for mo in built if mo.exists()), default=None)
    if len([mo for mo in built if mo.exists()]) < len(built) or any(
        p.stat().st_mtime > oldest for p in parts
    ):
        subprocess.run(["bash", str(ROOT / "bin/messages")], check=True)
        # pytest-django has set Django up before this hook, and a catalogue read then (without the new file, or the
        # old one) stays loaded for the whole run: drop it, as Django does when LOCALE_PATHS changes in a test.
        gettext._translations.clear()
        setting_changed.send(
            sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False
        )


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in Japanese (the default); a test that switches language cannot leak it into the next."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: rate limits and login throttling count in it, and the challenge
    catalogue keeps rendered pages and facet counts there, so one test's entries must not reach the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shell_caches_on(settings):
    """The caches of the pages' shell and routing on, as in production (the test settings turn them off): kept
    routes and view-restriction maps, the user's shell and access checks (issue #20)."""
    settings.ROUTE_CACHE_SECONDS = 300
    settings.SHELL_CACHE_SECONDS = 300
    settings.ACCESS_CACHE_SECONDS = 60


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def startup_org(db):
    return factories.organisation("startup", name="株式会社テスト")


@pytest.fixture
def startup_user(startup_org):
    return factories.member(startup_org, email="founder@startup.example.jp")


@pytest.fixture
def chromium():
    """A headless Chromium per test (Debian's, driven by Playwright).

    Not session-scoped: while Playwright's sync API is running, the next transactional test's database set-up no
    longer sees the serialized initial data (serialized_rollback restores nothing, so the home page and the groups
    made by data migrations are gone for every browser test after the first). Starting it per test costs ~1 s.
    """
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context (no cookies) and page; `page.base_url` is the live server's address."""
    context = chromium.new_context(base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()
