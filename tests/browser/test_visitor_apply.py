"""A visitor on an open challenge has a way to apply (issue #17, item 1), in Chromium at 375 and 1280 px, in
Japanese and English: the challenge page's primary action 「ログインして応募する」 / "Log in to apply" is on the
page without scrolling sideways, and logging in through it lands on this challenge's application form in the same
language; 「スタートアップを登録」 / "Register your startup" leads to sign-up with the same destination. The pages
have no serious or critical accessibility violation."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import translation

from tests import factories
from tests.browser.axe import AxeChecker
from tests.matching.factories import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIEWPORTS = {"phone": {"width": 375, "height": 667}, "desktop": {"width": 1280, "height": 900}}
LANGUAGES = {
    "ja": ("", "ja-JP", "ログインして応募する", "スタートアップを登録"),
    "en": ("/en", "en-GB", "Log in to apply", "Register your startup"),
}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_visitor_logs_in_from_the_challenge_and_lands_on_its_application_form(
    chromium, live_server, lang, viewport
):
    world = World()
    prefix, locale, login_label, register_label = LANGUAGES[lang]
    context = chromium.new_context(base_url=live_server.url, locale=locale, viewport=VIEWPORTS[viewport])
    context.set_default_timeout(15_000)
    pg = context.new_page()
    axe = AxeChecker(pg)
    with translation.override(lang):
        challenge_path = world.challenge_x.url
    axe.check(challenge_path)

    login = pg.locator("#apply-login")
    register = pg.locator("#apply-register")
    assert login.inner_text().strip() == login_label and register.inner_text().strip() == register_label
    assert login.is_visible() and register.is_visible()
    box = login.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[viewport]["width"]
    assert pg.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    target = parse_qs(urlparse(register.get_attribute("href")).query)["next"][0]
    assert target.startswith(f"{prefix}/applications/new/{world.challenge_x.pk}/")

    login.click()
    pg.wait_for_load_state()
    assert urlparse(pg.url).path == f"{prefix}/accounts/login/"
    axe.check()
    pg.locator("#id_username").fill(world.snow_user.email)
    pg.locator("#id_password").fill(factories.PASSWORD)
    pg.locator("form button[type=submit]").last.click()
    pg.wait_for_load_state()
    assert urlparse(pg.url).path == target  # this challenge's application form, in the same language
    assert pg.locator("[name=approach]").is_visible()
    assert pg.locator("html").get_attribute("lang") == lang
    axe.check()
    axe.assert_clean()
    context.close()
