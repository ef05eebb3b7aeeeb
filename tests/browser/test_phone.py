"""Phones (issue #17, item 5), in Chromium at 375 and 1280 px, in Japanese and English.

At 375 px: the header is one short line with a menu button that opens and closes the menu (mouse and keyboard);
My page's and the lists' tables become labelled stacked rows instead of columns one character wide; the catalogue's
filters fold behind a 「絞り込み」 button that shows how many are in use, so the first challenge is on the first screen.
Nothing scrolls sideways, and axe finds no serious or critical violation with the menu and the filters open.
At 1280 px the menu is the usual row of links, the filters sit beside the results, and no button is shown."""

import pytest

from tests.browser.axe import AxeChecker
from tests.browser.login import log_in
from tests.challenges import factories as cf
from tests.matching.factories import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}
LANGUAGES = {"ja": ("", "ja-JP", "メニュー", "絞り込み"), "en": ("/en", "en-GB", "Menu", "Filters")}


@pytest.fixture
def world():
    """Two municipalities, five challenges, a startup with an application (My page's table)."""
    w = World()
    for n in range(3):
        cf.challenge(title=f"観光客の動きを知りたい {n}", municipality_org=w.muni_x)
    w.application = w.apply(w.snow_user, w.challenge_x)
    return w


def _open(chromium, live_server, viewport, lang):
    context = chromium.new_context(base_url=live_server.url, locale=LANGUAGES[lang][1], viewport=viewport)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _no_sideways_scroll(pg):
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= pg.viewport_size["width"], f"{pg.url} scrolls sideways: {width}px"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_phone_header_is_one_short_line_with_a_menu_button(chromium, live_server, world, lang):
    prefix, _locale, menu, _filters = LANGUAGES[lang]
    context, pg = _open(chromium, live_server, PHONE, lang)
    pg.goto(f"{prefix}/")
    header = pg.locator(".site-header").bounding_box()
    assert header["height"] <= 0.2 * PHONE["height"], f"the header is {header['height']}px high"
    button = pg.get_by_role("button", name=menu)
    challenges_link = pg.locator(".main-nav a").first
    assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
    assert pg.locator(f"#{button.get_attribute('aria-controls')}").count() == 1
    assert not challenges_link.is_visible()
    _no_sideways_scroll(pg)

    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert challenges_link.is_visible() and pg.locator(".language-switch").is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "false" and not challenges_link.is_visible()

    # The keyboard, from the top of the page: the skip link, the logo, then the menu button; Enter opens, Tab reaches
    # the first link, Escape closes and gives the focus back to the button.
    pg.goto(f"{prefix}/")
    pg.keyboard.press("Tab")
    pg.keyboard.press("Tab")
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-menu"
    pg.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.closest('#site-menu') !== null")
    pg.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert pg.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-menu"
    context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_desktop_header_shows_the_menu_without_a_button(chromium, live_server, world, lang):
    prefix, _locale, menu, _filters = LANGUAGES[lang]
    context, pg = _open(chromium, live_server, DESKTOP, lang)
    pg.goto(f"{prefix}/")
    assert not pg.get_by_role("button", name=menu).is_visible()
    assert pg.locator(".main-nav a").first.is_visible()
    _no_sideways_scroll(pg)
    context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_phone_catalogue_shows_the_first_challenge_on_the_first_screen(chromium, live_server, world, lang):
    prefix, _locale, _menu, filters = LANGUAGES[lang]
    context, pg = _open(chromium, live_server, PHONE, lang)
    pg.goto(f"{prefix}/challenges/")
    first = pg.locator(".challenge-card h2").first
    assert first.bounding_box()["y"] + first.bounding_box()["height"] <= PHONE["height"]
    toggle = pg.locator(".filter-toggle")
    assert toggle.is_visible() and toggle.inner_text().strip() == filters  # no filter in use: no number
    assert not pg.locator("#challenge-filter").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and pg.locator("#challenge-filter").is_visible()
    _no_sideways_scroll(pg)

    # Two filters in use: the button says so (and reads it out), the first result is still on the first screen.
    pg.goto(f"{prefix}/challenges/?status=open&municipality={world.muni_x.slug}&sort=deadline")
    toggle = pg.locator(".filter-toggle")
    assert toggle.locator(".filter-count").inner_text() == "2"
    assert ("2件を適用中" if lang == "ja" else "2 in use") in toggle.inner_text()
    first = pg.locator(".challenge-card h2").first
    assert first.bounding_box()["y"] + first.bounding_box()["height"] <= PHONE["height"]
    context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_desktop_catalogue_shows_the_filters_beside_the_results(chromium, live_server, world, lang):
    prefix, *_ = LANGUAGES[lang]
    context, pg = _open(chromium, live_server, DESKTOP, lang)
    pg.goto(f"{prefix}/challenges/")
    assert not pg.locator(".filter-toggle").is_visible()
    form = pg.locator("#challenge-filter").bounding_box()
    results = pg.locator(".catalogue-results").bounding_box()
    assert form["x"] + form["width"] <= results["x"]
    _no_sideways_scroll(pg)
    context.close()


STACKED_CELLS = """(table) => [...table.querySelectorAll('tbody td[data-label]')].map(td => ({
  label: td.dataset.label,
  shown: getComputedStyle(td, '::before').content,
  title: td.querySelector('form, select') !== null,
  width: td.getBoundingClientRect().width / table.getBoundingClientRect().width,
  height: td.getBoundingClientRect().height,
  lines: Math.round((td.getBoundingClientRect().height - parseFloat(getComputedStyle(td).paddingTop)
                     - parseFloat(getComputedStyle(td).paddingBottom)) / parseFloat(getComputedStyle(td).lineHeight)),
  display: getComputedStyle(td).display,
}))"""


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_phone_my_page_table_becomes_labelled_rows(chromium, live_server, world, lang):
    prefix, *_ = LANGUAGES[lang]
    context, pg = _open(chromium, live_server, PHONE, lang)
    log_in(pg, world.snow_user.email)
    pg.goto(f"{prefix}/mypage/")
    table = pg.locator("table.application-list")
    headers = [h.strip() for h in table.locator("thead th").all_text_contents()]  # as written, before CSS
    cells = table.evaluate(STACKED_CELLS)
    assert cells, "My page shows no application"
    assert not table.locator("thead").is_visible() or table.locator("thead").bounding_box()["height"] <= 1
    for cell in cells:
        assert cell["display"] == "flow-root"
        assert cell["label"] in headers, cell  # the label is the column's own header
        assert cell["shown"] == f'"{cell["label"]}"', cell  # shown before the value
        # Readable: each cell is nearly as wide as the table, and no value is squeezed into a column of characters
        # (a date or a state is one line, two at most, beside its label; a form may take more).
        assert cell["width"] >= 0.9, cell
        assert cell["title"] or cell["lines"] <= 2, cell
    _no_sideways_scroll(pg)
    context.close()

    context, pg = _open(chromium, live_server, DESKTOP, lang)
    log_in(pg, world.snow_user.email)
    pg.goto(f"{prefix}/mypage/")
    assert pg.locator("table.application-list thead").is_visible()
    assert (
        pg.locator("table.application-list td").first.evaluate("(td) => getComputedStyle(td).display")
        == "table-cell"
    )
    context.close()


def test_phone_pages_have_no_serious_accessibility_violations(chromium, live_server, world):
    context, pg = _open(chromium, live_server, PHONE, "ja")
    axe = AxeChecker(pg)
    for url in ("/", "/en/", "/challenges/?status=open", "/results/", "/en/results/"):
        axe.check(url)
        pg.locator(".menu-button").click()
        axe.check()
    pg.goto("/challenges/?status=open")
    pg.locator(".filter-toggle").click()
    axe.check()
    log_in(pg, world.snow_user.email)
    for url in ("/mypage/", "/en/mypage/", "/mypage/engagements/", "/mypage/trips/"):
        axe.check(url)
    context.close()
    axe.assert_clean()
