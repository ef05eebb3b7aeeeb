"""The startup's and the municipality's half of issue #23's journey in English, at 1280 and 375 px (the Japanese run
with the editor's quality check is test_questions_journey.py): a startup that is not eligible sees why and cannot
submit; an eligible one answers the challenge's own questions (worded in English where the municipality wrote it),
reads them back with the PDF to hand; the municipality reads them in its review, the export and the PDF. axe finds
no serious or critical violation on the startup's pages."""

import csv
import io

import pytest
from wagtail.users.models import UserProfile

from portal.accounts.models import StartupProfile
from portal.applications.models import Application, ApplicationState
from tests import factories
from tests.applications.factories import World
from tests.browser.axe import AxeChecker
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Q_ROLE = "11111111-1111-4111-8111-111111111111"
Q_SIZE = "33333333-3333-4333-8333-333333333333"
Q_KIND = "44444444-4444-4444-8444-444444444444"
QUESTIONS = [
    {
        "type": "short_text",
        "id": Q_ROLE,
        "value": {"label": "担当者の役職", "label_en": "Contact's position", "required": True},
    },
    {
        "type": "number",
        "id": Q_SIZE,
        "value": {
            "label": "従業員数",
            "label_en": "Employees",
            "required": True,
            "min_value": 1,
            "unit": "人",
        },
    },
    {
        "type": "choice",
        "id": Q_KIND,
        "value": {
            "label": "提供形態",
            "label_en": "Delivery",
            "required": False,
            "choices": "クラウド\nオンプレミス",
        },
    },
]


def _context(chromium, live_server, width):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    return context, page


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        page.url
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_eligibility_and_answers_in_english(chromium, live_server, width):
    w = World()
    for person in (w.user_a, w.user_b, w.staff_x):
        person.preferred_language = "en"
        person.save(update_fields=["preferred_language"])
    # the admin reads its language from Wagtail's profile (kept equal to ours)
    UserProfile.objects.update_or_create(user=w.staff_x, defaults={"preferred_language": "en"})
    challenge = w.challenge_x
    challenge.application_questions = QUESTIONS
    challenge.eligibility_incorporated = True
    challenge.save()

    # 1. A startup without a corporate number sees why on the challenge page and the form, and cannot submit.
    ctx_b, sp = _context(chromium, live_server, width)
    log_in(sp, w.user_b.email)
    axe = AxeChecker(sp)
    sp.goto(f"/en{challenge.url}")
    reason = sp.locator("#eligibility [data-condition=incorporated]").inner_text()
    assert "Your profile has no corporate number" in reason
    _no_sideways_scroll(sp)
    axe.check()
    sp.goto(f"/en/applications/new/{challenge.pk}/")
    assert sp.locator("#submit-application").count() == 0
    assert "does not meet these conditions" in sp.locator("#eligibility").inner_text()
    _no_sideways_scroll(sp)
    axe.check()
    axe.assert_clean()
    ctx_b.close()

    # 2. An eligible startup answers the questions (in English where the municipality wrote them) and submits.
    StartupProfile.objects.update_or_create(
        organisation=w.startup_a, defaults={"corporate_number": "8000012010038"}
    )
    ctx_a, ap = _context(chromium, live_server, width)
    log_in(ap, w.user_a.email)
    axe = AxeChecker(ap)
    ap.goto(f"/en/applications/new/{challenge.pk}/")
    questions = ap.locator("#questions").inner_text()
    assert "Contact's position" in questions and "Employees" in questions and "担当者の役職" not in questions
    _no_sideways_scroll(ap)
    axe.check()
    for field, value in {
        "id_approach": "Publish the snow ploughs' positions on a map",
        "id_expected_outcome": "Half the calls",
        "id_timeline": "4 months",
        "id_cost_estimate_yen": "1200000",
        f"id_q_{Q_ROLE}": "Head of information policy",
        f"id_q_{Q_SIZE}": "1200",
    }.items():
        ap.fill(f"#{field}", value)
    ap.locator(f"#id_q_{Q_KIND}").select_option("クラウド")
    ap.locator("#submit-application").click()
    ap.wait_for_url("**/applications/*/")
    application = Application.objects.get(challenge=challenge, startup=w.startup_a)
    assert application.state == ApplicationState.SUBMITTED
    answers = ap.locator("#answers").inner_text()
    assert (
        "Contact's position" in answers and "Head of information policy" in answers and "クラウド" in answers
    )
    _no_sideways_scroll(ap)
    axe.check()
    axe.assert_clean()
    # The startup's own copy of the PDF.
    pdf_link = ap.locator("#application-pdf")
    assert pdf_link.inner_text().strip() == "Application (PDF)"
    response = ap.request.get(pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    ctx_a.close()

    # 3. The municipality reads the answers in its review (English admin), the export and the PDF.
    ctx_x, admin = _context(chromium, live_server, width)
    admin.goto("/admin/login/")
    admin.fill("#id_username", w.staff_x.email)
    admin.fill("#id_password", factories.PASSWORD)
    admin.click("button[type=submit]")
    admin.wait_for_url("**/admin/")
    admin.goto(f"/admin/applications/review/{application.pk}/")
    answers = admin.locator("#answers").inner_text()
    assert "Answers to the challenge's questions" in answers
    assert "Contact's position" in answers and "Head of information policy" in answers and "1200" in answers
    _no_sideways_scroll(admin)
    response = admin.request.get(admin.locator("#application-pdf").get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    response = admin.request.get("/admin/reports/exports/applications/?export=csv")
    rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
    column = rows[0].index("answers to the challenge's questions")
    assert any("Head of information policy" in row[column] for row in rows[1:])
    ctx_x.close()
