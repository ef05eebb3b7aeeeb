"""In a real browser: a startup registers, verifies its e-mail, completes its profile and applies with a PDF; the
municipality scores it on the rubric and shortlists it in the admin; the startup sees the new state and the notice."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.applications.models import Application, ApplicationState
from portal.core.models import Notification
from tests import factories
from tests.applications.factories import PDF
from tests.challenges import factories as challenge_factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "sakura-Fuji-2718-tea"


def _login(pg, email, password):
    pg.goto("/accounts/login/")
    pg.locator("#id_username").fill(email)
    pg.locator("#id_password").fill(password)
    pg.get_by_role("button", name="ログイン").last.click()


def test_startup_applies_and_municipality_shortlists(page, chromium, live_server, tmp_path):
    factories.prefecture("37")
    takamatsu = challenge_factories.municipality("372013", "高松市", slug="takamatsu")
    staff = challenge_factories.staff(takamatsu, email="staff@takamatsu.example.jp")
    challenge = challenge_factories.challenge(
        municipality_org=takamatsu, title="レンタサイクルの位置情報分析"
    )

    # 1. Register and verify the e-mail address.
    page.goto("/accounts/register/")
    page.locator("#id_email").fill("founder@cycle.example.jp")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_family_name").fill("山田")
    page.locator("#id_given_name").fill("花子")
    page.locator("#id_family_name_kana").fill("ヤマダ")
    page.locator("#id_given_name_kana").fill("ハナコ")
    page.locator("#id_organisation_name").fill("株式会社サイクルデータ")
    page.locator("#id_organisation_name_en").fill("Cycle Data Inc.")
    page.locator("#id_prefecture").select_option("37")
    page.locator("#id_consent_privacy").check()
    page.get_by_role("button", name="アカウントを作成").click()
    page.wait_for_url("**/accounts/register/done/")
    link = re.search(r"https?://\S+/accounts/verify/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.wait_for_url("**/accounts/login/")
    _login(page, "founder@cycle.example.jp", PASSWORD)
    page.wait_for_url("**/mypage/")

    # 2. Complete the profile (public and private parts) and add a team member.
    page.goto("/mypage/profile/")
    page.locator("#id_stage").select_option("early")
    page.locator("#id_technology").fill("レンタサイクルのGPSデータを分析するダッシュボード")
    page.locator("#id_description").fill("香川県のデータ分析スタートアップ")
    page.locator("#id_contact_email").fill("contact@cycle.example.jp")
    page.locator("#id_contact_phone").fill("087-000-0000")
    page.locator("#save-profile").click()
    expect(page.locator("body")).to_contain_text("プロフィールを保存しました")
    page.locator("#team-form #id_name").fill("田中誠")
    page.locator("#team-form #id_role").fill("CTO")
    page.locator("#team-form button").click()
    expect(page.locator("body")).to_contain_text("チームメンバーを追加しました")

    # 3. Apply from the challenge page: save a draft, attach a PDF, submit.
    page.goto(challenge.url)
    page.locator("#apply").click()
    page.wait_for_url(f"**/applications/new/{challenge.pk}/")
    page.locator("#id_approach").fill("貸出データと位置情報を組み合わせ、ポートの配置を最適化する")
    page.locator("#id_expected_outcome").fill("稼働率の向上")
    page.locator("#id_timeline").fill("4か月の実証")
    page.locator("#id_cost_estimate_yen").fill("1500000")
    page.locator("#id_needs_from_municipality").fill("貸出記録の提供")
    page.get_by_label("田中誠").check()
    page.locator("#save-draft").click()
    expect(page.locator("body")).to_contain_text("下書きを保存しました")
    pdf = tmp_path / "提案書.pdf"
    pdf.write_bytes(PDF)
    page.locator("#application-form input[type=file]").set_input_files(str(pdf))
    page.locator("#upload").click()
    expect(page.locator("body")).to_contain_text("「提案書.pdf」を添付しました")
    page.locator("#submit-application").click()
    expect(page.locator("body")).to_contain_text("応募を提出しました")
    application = Application.objects.get()
    assert application.state == ApplicationState.SUBMITTED and application.attachments.count() == 1

    # 4. The municipality scores it on the rubric and shortlists it in the admin.
    context = chromium.new_context(base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(15_000)
    admin = context.new_page()
    _login(admin, staff.email, factories.PASSWORD)
    admin.wait_for_url("**/admin/")
    admin.goto("/admin/application/")
    admin.get_by_role("link", name="株式会社サイクルデータ").click()
    admin.wait_for_url(f"**/admin/applications/review/{application.pk}/")
    assert "提案書.pdf" in admin.content()
    for select in admin.locator("#review-form select").all():
        select.select_option("4")
    admin.locator("#save-scores").click()
    admin.wait_for_selector("#reviews .weighted-total")
    assert admin.locator("#reviews .weighted-total").inner_text() == "4.00"
    admin.locator("input[name='decision-action'][value='shortlist']").check()
    admin.locator("#id_decision-reason").fill("現場の課題をよく理解しています")
    admin.locator("#decide").click()
    admin.wait_for_selector("#application-state")
    assert admin.locator("#application-state").inner_text() == "候補選定"
    context.close()

    # 5. The startup sees the new state and the notification.
    page.goto("/applications/")
    assert (
        page.locator(f"tr[data-application='{application.pk}'] .application-state").inner_text() == "候補選定"
    )
    page.goto("/mypage/notifications/")
    assert "候補に選ばれました：レンタサイクルの位置情報分析" in page.content()
    assert "現場の課題をよく理解しています" in page.content()
    assert (
        Notification.objects.filter(recipient__email="founder@cycle.example.jp", read_at__isnull=True).count()
        == 2
    )
    page.locator("#mark-all-read").click()
    expect(page.locator("body")).to_contain_text("未読0件")
