"""Issue #22's acceptance journey in Chromium, in Japanese, at 1280 and 375 px, axe clean on every new screen.

A PoC is marked done → the municipality builds the evidence pack (PDF with embedded fonts, its figures equal to the
engagement's records) → records the contract → another municipality joins the solved challenge → the startup sees
the two towns' demand → the case study is refused until both parties consent, then published with both towns.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from portal.tracker import services
from portal.tracker.models import CaseStudyPage, Engagement, EvidencePack
from portal.tracker.workflow import Stage
from tests import factories
from tests.browser.axe import AxeChecker
from tests.browser.login import log_in
from tests.reports.conftest import assert_japanese_fonts_embedded
from tests.tracker import factories as tf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# the admin's own widgets are Wagtail's; our markup is what is judged
ADMIN_CHROME = ("aside.sidebar", "#wagtail-sidebar", "[data-side-panel]")


def _staff_page(chromium, live_server, email, width):
    context = chromium.new_context(base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(20_000)
    pg = context.new_page()
    pg.set_viewport_size({"width": width, "height": 900})
    log_in(pg, email)
    return context, pg


def _submit(pg, action):
    # the admin's engagement screen posts each form to its own action view (…/<pk>/approve-case-study/); the site's
    # forms still name their action in a field
    slug = action.replace("_", "-")
    with pg.expect_navigation():
        pg.locator(
            f'form:has(input[name=action][value={action}]) button[type=submit], form[action$="/{slug}/"] button[type=submit]'
        ).first.click()


def _text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _number(text: str, label: str) -> int:
    line = next(line for line in text.splitlines() if line.startswith(label))
    return int(re.findall(r"\d[\d,]*", line)[-1].replace(",", ""))


@pytest.mark.parametrize("width", [1280, 375])
def test_from_a_finished_poc_to_a_case_study_with_two_towns(page, chromium, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    ministry = tf.ministry_user()
    takamatsu = tf.municipality()
    teshio = tf.municipality("014877", "天塩町")
    staff = factories.staff(takamatsu, email="staff@takamatsu.example.jp")
    teshio_staff = factories.staff(teshio, email="staff@teshio.example.jp")
    startup = tf.startup(name="株式会社データクレイドル")
    founder = factories.member(startup, email="founder@cradle.example.jp")
    origin = tf.engagement(
        municipality_org=takamatsu, startup_org=startup, actor=ministry, title="レンタサイクルの利用分析"
    )
    for step in ("consult", "plan_poc", "start_poc"):
        services.engagement_transition(engagement=origin, transition=step, actor=staff, reason="合意")
    services.progress_report_create(
        engagement=origin, actor=staff, text="利用者1,250人", residents_served=1_250, cost_saved_yen=800_000
    )
    services.progress_report_create(
        engagement=origin,
        actor=founder,
        text="保守の削減",
        cost_saved_yen=200_000,
        contract_value_yen=3_600_000,
    )
    services.case_study_draft(engagement=origin, actor=ministry, title="高松市：レンタサイクルの利用分析")

    # 1. The municipality marks the PoC done in the admin.
    context, admin = _staff_page(chromium, live_server, staff.email, width)
    axe = AxeChecker(admin, exclude=ADMIN_CHROME)
    admin.goto(f"/admin/tracker/{origin.pk}/")
    admin.locator("#id_transition").select_option("finish_poc")
    admin.locator("#id_reason").fill("目標の利用者数に達した")
    _submit(admin, "transition")
    origin.refresh_from_db()
    assert origin.stage == Stage.POC_DONE

    # 2. It builds the evidence pack: item 2 with its three conditions, the price note, the budget-request date.
    admin.locator("#build-evidence-pack").click()
    admin.wait_for_selector("#evidence-form")
    axe.check()
    admin.locator("input[name=clause][value='2']").check()
    for key in ("only_supplier", "poc_shows", "explainable"):
        admin.locator(f"input[name=conditions_met][value='2:{key}']").check()
    admin.locator("#id_price_note").fill("他社2社の見積りより2割低い")
    fy = int(admin.locator("#id_next_fiscal_year").input_value())
    admin.locator("#id_budget_request_deadline").fill(f"{fy - 1}-10-31")
    admin.locator("#evidence-form button[type=submit]").click()
    admin.wait_for_selector("#evidence-packs a")
    pack = EvidencePack.objects.get(engagement=origin)
    assert pack.version == 1
    axe.check()
    response = context.request.get(admin.locator("#evidence-packs a").first.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert_japanese_fonts_embedded(pdf)
    text = _text(pdf)
    assert "随意契約根拠資料" in text and "第2号" in text
    reports = list(origin.reports.all())
    assert _number(text, "利用した住民数") == max(r.residents_served or 0 for r in reports)
    assert _number(text, "削減できた費用（円）") == sum(r.cost_saved_yen or 0 for r in reports)
    assert _number(text, "契約金額（円）") == 3_600_000

    # 3. It records the contract: the challenge is solved.
    admin.locator("#id_transition").select_option("contract")
    admin.locator("#id_reason").fill("随意契約（第2号）で契約")
    _submit(admin, "transition")
    origin.refresh_from_db()
    assert origin.stage == Stage.CONTRACT

    # 4. Another municipality joins the solved challenge.
    context_b, other = _staff_page(chromium, live_server, teshio_staff.email, width)
    axe_b = AxeChecker(other, exclude=ADMIN_CHROME)
    axe_b.check("/admin/tracker/solutions/")
    other.locator(f"a[href='/admin/tracker/solutions/{origin.pk}/']").click()
    other.wait_for_selector("#join-form")
    axe_b.check()
    other.locator("#id_municipality").select_option(str(teshio.pk))
    other.locator("#id_population").fill("3000")
    other.locator("#id_budget_min_yen").fill("1000000")
    other.locator("#id_budget_max_yen").fill("2500000")
    other.locator("#id_message").fill("山間部でも同じ課題があります")
    with other.expect_navigation():
        other.locator("#join-form button[type=submit]").click()
    joined = Engagement.objects.get(origin=origin)
    assert joined.municipality == teshio and other.url.endswith(f"/admin/tracker/{joined.pk}/")
    axe_b.check()

    # 5. The startup sees the two towns' demand on its page.
    log_in(page, founder.email)
    site = AxeChecker(page)
    site.check(f"/mypage/engagements/{origin.pk}/")
    demand = page.locator("#pooled-demand")
    assert demand.locator("tbody tr").count() == 2
    assert "高松市" in demand.inner_text() and "天塩町" in demand.inner_text()

    # 6. The case study is refused until both parties consent, then published with both towns.
    admin.goto(f"/admin/tracker/{origin.pk}/")
    _submit(admin, "approve_case_study")
    page_row = CaseStudyPage.objects.get(engagement=origin)
    assert page_row.municipality_approved_at is None  # refused: no consent
    with admin.expect_navigation():
        admin.locator("#consent-publish_case_study button").click()
    _submit(admin, "approve_case_study")
    page_row.refresh_from_db()
    assert page_row.municipality_approved_at is not None and not page_row.live

    page.goto(f"/mypage/engagements/{origin.pk}/")
    _submit(page, "approve_case_study")
    page_row.refresh_from_db()
    assert (
        not page_row.live and page_row.startup_approved_at is None
    )  # refused: the startup has not consented
    assert page.locator(".message-error").first.is_visible()
    with page.expect_navigation():
        page.locator("#consent-publish_case_study button").click()
    site.check()
    _submit(page, "approve_case_study")
    page_row.refresh_from_db()
    assert page_row.live

    site.check(page_row.url)
    towns = page.locator(".case-study-towns li").all_inner_texts()
    assert towns == ["高松市", "天塩町"]
    axe.assert_clean()
    axe_b.assert_clean()
    site.assert_clean()
    context.close()
    context_b.close()
