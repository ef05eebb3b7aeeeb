"""In Chromium, at 1280 and 375 px (issue #23): a municipality writes a challenge that prescribes a solution, the
editor flags it with the reason, it is fixed and published; a startup that is not eligible sees why and cannot
submit; an eligible one answers the challenge's own questions, which the municipality reads in its review and in the
export. axe finds no serious or critical violation on the startup's pages."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from wagtail.models import WorkflowState

from portal.accounts.models import StartupProfile
from portal.applications.models import Application, ApplicationState
from portal.challenges.models import ChallengePage
from tests import factories
from tests.applications.factories import World
from tests.browser.axe import AxeChecker
from tests.browser.login import log_in
from tests.challenges import factories as cf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Q_ROLE = "11111111-1111-4111-8111-111111111111"
Q_SIZE = "33333333-3333-4333-8333-333333333333"
QUESTIONS = [
    {"type": "short_text", "id": Q_ROLE, "value": {"label": "担当者の役職", "required": True}},
    {
        "type": "number",
        "id": Q_SIZE,
        "value": {"label": "従業員数", "required": True, "min_value": 1, "unit": "人"},
    },
]


def _admin_login(pg, email):
    pg.goto("/admin/login/")
    pg.fill("#id_username", email)
    pg.fill("#id_password", factories.PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_url("**/admin/")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        page.url
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_prescribed_solution_flagged_then_eligibility_and_answers(page, chromium, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    w = World()
    moderator = cf.staff(cf.ministry(), email="moderator@soumu.example.jp")
    index = cf.index_page()
    now = timezone.localtime()

    # 1. The municipality writes a challenge that prescribes a solution: the editor flags it with the reason.
    _admin_login(page, w.staff_x.email)
    page.goto(f"/admin/pages/add/challenges/challengepage/{index.pk}/")
    page.fill("#id_title", "除雪の問い合わせを減らしたい")
    page.fill("#id_summary", "大雪の日に問い合わせが集中する。")
    page.fill("#id_background", "除雪車がいつ来るか分からず、電話が殺到する。")
    page.fill("#id_desired_outcome", "除雪車の位置がわかるアプリを導入したい。")
    page.fill("#id_application_opens", (now - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"))
    page.fill("#id_application_closes", (now + dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M"))
    page.locator("#id_slug").evaluate("(el) => { el.value = 'josetsu-toiawase'; }")
    page.evaluate("document.querySelector('button[name=\"action-submit\"]').click()")
    page.wait_for_url("**/admin/pages/*/")
    challenge = ChallengePage.objects.get(slug="josetsu-toiawase")
    page.goto(f"/admin/pages/{challenge.pk}/edit/")
    flagged = page.locator("[data-check=problem_not_solution]")
    assert "quality-check-failed" in flagged.get_attribute("class")
    assert "「導入したい」は解決策を指定しています。" in flagged.inner_text()

    # 2. The moderator sees the same checklist and sends it back; the author fixes it; it is approved and published.
    ministry_context = chromium.new_context(base_url=live_server.url, locale="ja-JP")
    ministry = ministry_context.new_page()
    ministry.set_default_timeout(15_000)
    _admin_login(ministry, moderator.email)
    ministry.goto(f"/admin/pages/{challenge.pk}/edit/")
    assert "「導入したい」は解決策を指定しています。" in ministry.locator("#challenge-quality").inner_text()
    # Sent back with the checklist's reason (the reject dialog asks for a comment; its outcome is what matters here).
    state = WorkflowState.objects.get(object_id=str(challenge.pk), status="in_progress")
    state.current_task_state.reject(user=moderator, comment="解決策を指定せずに書いてください")
    page.goto(f"/admin/pages/{challenge.pk}/edit/")
    page.fill("#id_desired_outcome", "除雪に関する問い合わせを半減させる。")
    page.evaluate("document.querySelector('button[name=\"action-submit\"]').click()")
    page.wait_for_url("**/admin/pages/*/")
    page.goto(f"/admin/pages/{challenge.pk}/edit/")
    assert "quality-check-passed" in page.locator("[data-check=problem_not_solution]").get_attribute("class")
    ministry.goto(f"/admin/pages/{challenge.pk}/edit/")
    ministry.evaluate(
        'document.querySelector(\'button[data-workflow-action-name="approve"]'
        ":not([data-workflow-action-modal-url])').click()"
    )
    ministry.wait_for_url("**/admin/**")
    ministry.wait_for_load_state("networkidle")
    challenge = ChallengePage.objects.get(pk=challenge.pk)
    assert challenge.live and "導入したい" not in challenge.desired_outcome

    # The municipality's questions and conditions (set in the same editor; here straight on the page).
    challenge.application_questions = QUESTIONS
    challenge.eligibility_incorporated = True
    challenge.save()

    # 3. A startup without a corporate number sees why on the challenge page and the form, and cannot submit.
    startup = chromium.new_context(base_url=live_server.url, locale="ja-JP")
    sp = startup.new_page()
    sp.set_viewport_size({"width": width, "height": 900})
    sp.set_default_timeout(15_000)
    log_in(sp, w.user_b.email)
    axe = AxeChecker(sp)
    sp.goto(challenge.url)
    reason = sp.locator("#eligibility [data-condition=incorporated]").inner_text()
    assert "プロフィールに法人番号がありません" in reason
    _no_sideways_scroll(sp)
    axe.check()
    sp.goto(f"/applications/new/{challenge.pk}/")
    assert sp.locator("#submit-application").count() == 0
    assert "応募の条件を満たしていないため" in sp.locator("#eligibility").inner_text()
    axe.check()
    startup.close()

    # 4. An eligible startup answers the questions and submits.
    StartupProfile.objects.update_or_create(
        organisation=w.startup_a, defaults={"corporate_number": "8000012010038"}
    )
    ap = chromium.new_context(base_url=live_server.url, locale="ja-JP").new_page()
    ap.set_viewport_size({"width": width, "height": 900})
    ap.set_default_timeout(15_000)
    log_in(ap, w.user_a.email)
    axe = AxeChecker(ap)
    ap.goto(f"/applications/new/{challenge.pk}/")
    assert "高松市からの質問" in ap.locator("#questions").inner_text()
    axe.check()
    for field, value in {
        "id_approach": "除雪車の位置を地図で公開する",
        "id_expected_outcome": "問い合わせの半減",
        "id_timeline": "4か月",
        "id_cost_estimate_yen": "1200000",
        f"id_q_{Q_ROLE}": "情報政策課長",
        f"id_q_{Q_SIZE}": "12",
    }.items():
        ap.fill(f"#{field}", value)
    ap.locator("#submit-application").click()
    ap.wait_for_url("**/applications/*/")
    application = Application.objects.get(challenge=challenge, startup=w.startup_a)
    assert application.state == ApplicationState.SUBMITTED
    assert "情報政策課長" in ap.locator("#answers").inner_text()
    _no_sideways_scroll(ap)
    axe.assert_clean()

    # 5. The municipality reads the answers in its review and in the export.
    page.goto(f"/admin/applications/review/{application.pk}/")
    answers = page.locator("#answers").inner_text()
    assert "担当者の役職" in answers and "情報政策課長" in answers and "12" in answers
    response = page.request.get("/admin/reports/exports/applications/?export=csv")
    rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
    column = rows[0].index("課題の質問への回答")
    assert any("担当者の役職: 情報政策課長" in row[column] for row in rows[1:])
    ministry_context.close()
