"""In Chromium, at 375 and 1280 px, in Japanese and English (issue #17, items 2 and 4, and the keyboard run):

- the application form keeps what was typed when a file is attached, warns before leaving with unsaved changes,
  places the files before the submit button, marks files optional and shows the deadline and the time left;
- a request for more information stands out by colour, icon and words; a matched application leads to its
  engagement, the municipality's contact person and the travel support;
- the apply journey works with the keyboard alone: Tab reaches every field and the submit button in visual order,
  each with a visible focus ring;
- axe finds no serious or critical violation on these pages.
"""

from __future__ import annotations

import pytest

from portal.applications import services
from portal.applications.models import Application, ApplicationState
from portal.tracker.models import Engagement
from portal.tracker.services import engagement_open
from tests.applications.factories import PDF, World
from tests.browser.axe import AxeChecker
from tests.browser.login import log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORDS = {
    "ja": {
        "optional": "任意",
        "required": "必須",
        "left": "あと",
        "action": "自治体の依頼に回答してください",
        "steps": "次のステップ",
        "saved": "下書きを保存しました",
        "submitted": "応募を提出しました",
    },
    "en": {
        "optional": "Optional",
        "required": "Required",
        "left": " left",
        "action": "Answer the municipality's request",
        "steps": "Next steps",
        "saved": "Your draft has been saved",
        "submitted": "Your application has been submitted",
    },
}


@pytest.fixture
def world():
    w = World()
    w.asked = w.submitted(challenge=w.challenge_y)
    services.application_request_more_info(application=w.asked, actor=w.staff_y, message="体制図をください")
    w.waiting = w.submitted(challenge=_challenge(w, "除雪車の運行管理"))
    w.challenge_z = _challenge(w, "観光データの活用", contact="観光交流課 高松太郎 087-000-0000")
    w.matched = w.submitted(challenge=w.challenge_z)
    services.application_shortlist(application=w.matched, actor=w.staff_x, reason="良い提案")
    services.application_mark_matched(application=w.matched, actor=None)
    w.engagement = Engagement.objects.filter(application=w.matched).first() or engagement_open(
        municipality=w.muni_x, startup=w.startup_a, challenge=w.challenge_z, application=w.matched
    )
    return w


def _challenge(w, title, **fields):
    from tests.challenges import factories as cf

    return cf.challenge(municipality_org=w.muni_x, title=title, **fields)


def _prefix(lang):
    return "" if lang == "ja" else "/en"


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        page.url
    )


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_form_keeps_text_and_the_states_say_what_next(page, world, tmp_path, lang, width):
    words = WORDS[lang]
    page.set_viewport_size({"width": width, "height": 900})
    axe = AxeChecker(page)
    log_in(page, world.user_a.email, PASSWORD)
    p = _prefix(lang)

    # Item 2: one form, files before the submit button and optional, the deadline and the time left.
    page.goto(f"{p}/applications/new/{world.challenge_x.pk}/")
    files_label = page.locator("label[for=id_files]").inner_text()
    assert words["optional"] in files_label and words["required"] not in files_label
    assert words["left"] in page.locator("#time-left").inner_text()
    assert page.locator("#deadline time").is_visible()
    files_box = page.locator("#attachments").bounding_box()
    submit_box = page.locator("#submit-application").bounding_box()
    assert files_box["y"] + files_box["height"] <= submit_box["y"]
    _no_sideways_scroll(page)
    axe.check()
    page.locator("#id_approach").fill("位置情報を集めて公開する")
    page.locator("#save-draft").click()
    page.wait_for_url("**/edit/")
    application = Application.objects.get(challenge=world.challenge_x, startup=world.startup_a)

    # Typed after the last save, then a file attached: nothing typed is lost.
    page.locator("#id_expected_outcome").fill("問い合わせが半分になる")
    pdf = tmp_path / "提案書.pdf"
    pdf.write_bytes(PDF)
    page.locator("#id_files").set_input_files(str(pdf))
    page.locator("#upload").click()
    page.wait_for_load_state()
    assert page.locator("#id_expected_outcome").input_value() == "問い合わせが半分になる"
    assert "提案書.pdf" in page.locator("#attachments").inner_text()
    application.refresh_from_db()
    assert application.expected_outcome == "問い合わせが半分になる" and application.attachments.count() == 1

    # Leaving with unsaved changes asks first; staying keeps the text.
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.locator("#id_timeline").click()
    page.keyboard.type("4か月")
    with page.expect_event("dialog"):
        page.locator(".breadcrumb a").click(no_wait_after=True)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/edit/") and page.locator("#id_timeline").input_value() == "4か月"
    axe.check()

    # Item 4: the request for more information stands out by colour, icon and words, in the list and on My page.
    for url in (f"{p}/applications/", f"{p}/mypage/"):
        page.goto(url)
        row = page.locator(f"tr[data-application='{world.asked.pk}']")
        badge = row.locator(".application-state")
        assert "needs-action" in badge.get_attribute("class")
        assert row.locator(".status-icon").is_visible()
        assert words["action"] in row.locator(".action-needed").inner_text()
        calm = page.locator(f"tr[data-application='{world.waiting.pk}']")
        assert "needs-action" not in calm.locator(".application-state").get_attribute("class")
        assert calm.locator(".status-icon").count() == 0 and calm.locator(".action-needed").count() == 0
        background = "(e) => getComputedStyle(e).backgroundColor"
        assert badge.evaluate(background) != calm.locator(".application-state").evaluate(background)
        _no_sideways_scroll(page)
        axe.check()

    # A matched application leads to its engagement, the contact person and travel support.
    page.goto(f"{p}/applications/{world.matched.pk}/")
    steps = page.locator("#next-steps")
    assert words["steps"] in steps.inner_text() and "観光交流課 高松太郎" in steps.inner_text()
    assert steps.locator("#request-travel-support").is_visible()
    _no_sideways_scroll(page)
    axe.check()
    steps.locator("#engagement-link").click()
    page.wait_for_url(f"**/mypage/engagements/{world.engagement.pk}/")
    axe.assert_clean()


FOCUS_STYLE = """(e) => { const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {outline, shadow: s.boxShadow !== 'none', id: e.id, name: e.name || '', tag: e.tagName,
          top: e.getBoundingClientRect().top + window.scrollY, left: e.getBoundingClientRect().left}; }"""


@pytest.mark.parametrize(("lang", "width"), [("ja", 1280), ("en", 375)])
def test_the_apply_journey_by_keyboard_alone(page, world, lang, width):
    words = WORDS[lang]
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, world.user_a.email, PASSWORD)
    page.goto(f"{_prefix(lang)}/applications/new/{world.challenge_x.pk}/")
    typed = {
        "id_approach": "除雪車の位置情報を公開する",
        "id_expected_outcome": "問い合わせの削減",
        "id_timeline": "4か月",
        "id_cost_estimate_yen": "1200000",
    }
    order = []
    for _ in range(120):
        page.keyboard.press("Tab")
        info = page.evaluate(f"({FOCUS_STYLE})(document.activeElement)")
        assert info["outline"] or info["shadow"], f"no visible focus on {info}"
        if page.evaluate("!!document.activeElement.closest('#application-form')"):
            order.append(info)
            if info["id"] in typed:
                page.keyboard.type(typed[info["id"]])
        if info["id"] == "submit-application":
            break
    ids = [i["id"] for i in order]
    expected = [
        "id_approach",
        "id_expected_outcome",
        "id_timeline",
        "id_cost_estimate_yen",
        "id_needs_from_municipality",
        "id_files",
        "upload",
        "save-draft",
        "submit-application",
    ]
    assert [i for i in ids if i in expected] == expected, ids
    # visual order: each stop is below the previous one, or on the same line to its right
    for before, after in zip(order, order[1:], strict=False):
        if after["top"] >= before["top"] + 8:
            continue  # a line further down
        assert after["top"] > before["top"] - 8 and after["left"] > before["left"], (before, after)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert words["submitted"] in page.content()
    application = Application.objects.get(challenge=world.challenge_x, startup=world.startup_a)
    assert application.state == ApplicationState.SUBMITTED and application.approach == typed["id_approach"]
    axe = AxeChecker(page)
    axe.check()
    axe.assert_clean()
