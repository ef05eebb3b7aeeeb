"""Issue 17, items 7 and 9 in Chromium, at 375 and 1280 px, in Japanese and English.

7 — public figures agree: the home page's totals are the sums of /results/'s rows; FY2017 reads 17 companies and
    7 matches (recorded totals, with their source), FY2018 has its row.
9 — English is complete: a notification a Japanese sender caused reads in English for an English reader (and in
    Japanese for a Japanese one); names in each language's order; challenges with an English title show it, others
    say "Available in Japanese only"; no full-width brackets or 「、」 in English; dates 2026年12月7日 / 7 Dec 2026.
"""

import re

import pytest
from django.utils import formats, timezone, translation

from portal.core import notices
from portal.core.notifications import notify
from tests import factories
from tests.browser.demo import demo_programme_open_today
from tests.browser.login import log_in
from tests.challenges import factories as cf
from tests.tracker import factories as tf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (375, 1280)
FULL_WIDTH = re.compile(r"[（）「」『』【】、]")  # the product's own punctuation; typed text may end in 。

# Text of the page outside elements marked lang="ja" (Japanese names and texts shown as they are).
VISIBLE_ENGLISH_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest('[lang="ja"], script, style, [hidden]')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    out.push(node.textContent);
  }
  return out.join(' ');
}"""


@pytest.fixture
def world():
    takamatsu = cf.municipality("372013", "高松市")
    programme = demo_programme_open_today(takamatsu)
    translated = cf.challenge(
        title="レンタサイクルの利用データを観光に生かしたい",
        summary="観光客の回遊を知りたい。",
        title_en="Use rental-bicycle data for tourism",
        summary_en="Learn how visitors move.",
        municipality_org=takamatsu,
        round=programme.rounds[2026],
    )
    untranslated = cf.challenge(
        title="除雪車の位置情報を公開したい",
        summary="除雪の状況を住民に知らせたい。",
        municipality_org=takamatsu,
        round=programme.rounds[2026],
    )
    startup = tf.startup(name="データクレイドル")
    startup.name_en = "Data Cradle"
    startup.save()
    member = factories.member(
        startup,
        email="tanaka@example.jp",
        family_name="田中",
        given_name="誠",
        family_name_en="Tanaka",
        given_name_en="Makoto",
        email_verified_at=timezone.now(),
    )
    tf.engagement(
        municipality_org=takamatsu, startup_org=startup
    )  # a FY2026 match: /results/ and home count it
    return {"translated": translated, "untranslated": untranslated, "startup": startup, "member": member}


def _no_sideways_scroll(pg):
    scroll, client = pg.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{pg.url} scrolls sideways at {client}px"


def _results_rows(pg) -> dict[int, dict[str, int]]:
    rows = {}
    for tr in pg.locator("#results-table tbody tr[data-year]").all():
        cells = {}
        for td in tr.locator("td[data-key]").all():
            text = td.inner_text().strip()
            number = re.match(r"[¥\s]*([\d,]+)", text)
            cells[td.get_attribute("data-key")] = int(number.group(1).replace(",", "")) if number else None
        rows[int(tr.get_attribute("data-year"))] = cells
    return rows


def _home_figures(pg) -> dict[str, int]:
    return {
        fig.get_attribute("data-key"): int(fig.locator("dd").inner_text())
        for fig in pg.locator("#results .figure").all()
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_home_totals_are_the_sums_of_the_results_rows(page, world, settings, width, language):
    settings.PROGRAMME_RESULTS_CACHE_SECONDS = 0
    prefix = "" if language == "ja" else "/en"
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{prefix}/results/")
    _no_sideways_scroll(page)
    rows = _results_rows(page)
    assert rows[2017]["applicants"] == 17 and rows[2017]["matches"] == 7
    assert rows[2017]["challenges"] is None  # not recorded, not entered: "—", not 0
    assert 2018 in rows and 2026 in rows
    assert rows[2026]["matches"] == 1
    source = page.locator("#source-2017")
    assert source.is_visible()
    assert ("議事録" if language == "ja" else "Minutes of the MIC working group") in source.inner_text()

    page.goto(f"{prefix}/")
    _no_sideways_scroll(page)
    home = _home_figures(page)
    for key in ("challenges", "applicants", "matches", "trials", "contracts", "adoptions"):
        assert home[key] == sum(row[key] or 0 for row in rows.values()), key
    assert home["applicants"] >= 17 and home["matches"] == 8
    if language == "en":
        assert not FULL_WIDTH.search(page.evaluate(VISIBLE_ENGLISH_TEXT))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_notification_reads_in_the_readers_language(page, world, width):
    member, startup = world["member"], world["startup"]
    with translation.override(
        "ja"
    ):  # the sender works in Japanese; the notification is stored as kind + params
        notify(
            [member],
            kind="tracker.travel_approved",
            params={"amount": notices.Yen(14400), "text": "行程どおり承認します。"},
            url="/mypage/",
        )
        notify([member], kind="tracker.adoption_requested", params={"m": startup, "text": ""})
    today = timezone.localdate()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, member.email)

    page.goto("/mypage/")
    assert "ようこそ、田中 誠 さん。" in page.locator(".lead").first.inner_text()
    page.goto("/mypage/notifications/")
    _no_sideways_scroll(page)
    titles = page.locator(".notification h2").all_inner_texts()
    assert "旅費支援が承認されました：14,400円" in titles
    with translation.override("ja"):
        assert formats.date_format(today) in page.locator(".notification .meta").first.inner_text()
    assert (
        f"{today.year}年{today.month}月{today.day}日"
        in page.locator(".notification .meta").first.inner_text()
    )

    page.goto("/en/mypage/")
    assert "Welcome, Makoto Tanaka." in page.locator(".lead").first.inner_text()
    page.goto("/en/mypage/notifications/")
    _no_sideways_scroll(page)
    titles = page.locator(".notification h2").all_inner_texts()
    assert "Travel support approved: ¥14,400" in titles
    assert "Data Cradle wants to adopt your solution" in titles
    meta = page.locator(".notification .meta").first.inner_text()
    assert f"{today.day} {today:%b} {today.year}" in meta
    assert not FULL_WIDTH.search(page.evaluate(VISIBLE_ENGLISH_TEXT))
    # The link follows the reader's language.
    link = page.locator(".notification h2 a").first.get_attribute("href")
    assert link.startswith("/en/")


@pytest.mark.parametrize("width", WIDTHS)
def test_english_pages_show_english_titles_or_say_japanese_only(page, world, width):
    translated, untranslated = world["translated"], world["untranslated"]
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"/en/challenges/{translated.slug}/")
    _no_sideways_scroll(page)
    assert page.locator("h1").inner_text() == "Use rental-bicycle data for tourism"
    assert page.locator(".badge-ja-only").count() == 0
    assert "Learn how visitors move." in page.locator(".lead").inner_text()

    page.goto(f"/en/challenges/{untranslated.slug}/")
    _no_sideways_scroll(page)
    assert page.locator("h1 [lang=ja]").inner_text() == untranslated.title
    assert page.locator("h1 .badge-ja-only").inner_text() == "Available in Japanese only"
    assert page.locator("h1 .badge-ja-only").is_visible()
    assert not FULL_WIDTH.search(page.evaluate(VISIBLE_ENGLISH_TEXT))
    # Labels in one capitalisation: every term shows with a capital first letter (the style sheet capitalises
    # the ones whose msgid starts in lower case).
    lower_and_not_capitalised = page.evaluate("""() => [...document.querySelectorAll('dt, th, caption, legend')]
        .filter(el => /^[a-z]/.test(el.textContent.trim())
                      && getComputedStyle(el, '::first-letter').textTransform !== 'uppercase')
        .map(el => el.textContent.trim())""")
    assert lower_and_not_capitalised == []

    page.goto(f"/challenges/{untranslated.slug}/")
    assert page.locator("h1").inner_text() == untranslated.title
    assert page.locator(".badge-ja-only").count() == 0
