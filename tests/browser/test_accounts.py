"""In a real browser: a startup signs up, verifies its e-mail, logs in and lands on My page; ministry staff land in
the admin."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "sakura-Fuji-2718-tea"


def test_startup_signs_up_verifies_and_lands_on_my_page(page):
    factories.prefecture("37")
    page.goto("/")
    page.get_by_role("link", name="スタートアップを登録").first.click()
    page.get_by_label("メールアドレス").fill("founder@yukimichi.example.jp")
    page.get_by_label("パスワード", exact=False).first.fill(PASSWORD)
    page.get_by_label("パスワード（確認）").fill(PASSWORD)
    page.get_by_label("姓", exact=False).first.fill("山田")
    page.locator("#id_given_name").fill("花子")
    page.locator("#id_family_name_kana").fill("ヤマダ")
    page.locator("#id_given_name_kana").fill("ハナコ")
    page.locator("#id_organisation_name").fill("株式会社ゆきみち")
    page.locator("#id_organisation_name_en").fill("Yukimichi Inc.")
    page.locator("#id_prefecture").select_option("37")
    page.locator("#id_consent_privacy").check()
    page.get_by_role("button", name="アカウントを作成").click()
    page.wait_for_url("**/accounts/register/done/")
    assert "メールをご確認ください" in page.content()

    # Logging in before verification is refused with a clear message.
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("founder@yukimichi.example.jp")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").last.click()
    expect(page.locator("body")).to_contain_text("メールアドレスの確認が済んでいません")

    link = re.search(r"https?://\S+/accounts/verify/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.wait_for_url("**/accounts/login/")
    assert "メールアドレスを確認しました" in page.content()
    page.locator("#id_username").fill("founder@yukimichi.example.jp")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").last.click()
    page.wait_for_url("**/mypage/")
    assert "株式会社ゆきみち" in page.content()
    assert page.get_by_role("progressbar").count() == 1


def test_ministry_user_logs_in_and_lands_in_the_admin(page):
    ministry = factories.organisation("ministry", name="総務省")
    mic = factories.staff(ministry, email="mic@soumu.example.jp")
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(mic.email)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.get_by_role("button", name="ログイン").last.click()
    page.wait_for_url("**/admin/")
    assert page.locator("body").get_attribute("class") is not None
    assert "組織" in page.content()  # our admin menu is there
