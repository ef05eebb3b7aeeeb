"""Issue #16, item 11: password reset is rate-limited with the same answer; sign-up does not reveal who has an
account; e-mail changes apply only through a link to the new address and tell the old one; organisation names that
already exist are warned about and listed for the ministry; a corporate number stays unique."""

import re

import pytest
from django.core import mail

from portal.accounts.models import Organisation, User
from portal.core.models import AuditEvent
from tests import factories
from tests.accounts.test_signup import PASSWORD, valid_corporate_number

pytestmark = pytest.mark.django_db

RESET_SENT = "パスワード再設定"  # the done page's title, whatever happened


@pytest.fixture
def form_data(tokyo):
    return {
        "email": "hanako@example.jp",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "family_name": "山田",
        "given_name": "花子",
        "family_name_kana": "ヤマダ",
        "given_name_kana": "ハナコ",
        "preferred_language": "ja",
        "organisation_name": "株式会社ゆきみち",
        "organisation_name_kana": "",
        "organisation_name_en": "",
        "prefecture": tokyo.pk,
        "corporate_number": "",
        "consent_privacy": "on",
    }


# ---------------------------------------------------------------------------------------------- password reset


def reset(client, email, ip="192.0.2.1", url="/accounts/password-reset/"):
    return client.post(url, {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_is_limited_per_account_with_the_same_answer(client, startup_user, settings):
    settings.RATE_LIMIT_PASSWORD_RESET_ACCOUNT = "2/h"
    answers = {reset(client, startup_user.email, ip=f"192.0.2.{n + 1}")["Location"] for n in range(4)}
    assert answers == {"/accounts/password-reset/sent/"}  # the same answer, also when nothing was sent
    assert len(mail.outbox) == 2
    # An unknown address gets that answer too.
    assert reset(client, "nobody@example.jp")["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 2


def test_password_reset_is_limited_per_address_on_the_site_and_in_the_admin(client, ministry, settings):
    settings.RATE_LIMIT_PASSWORD_RESET = "3/h"
    mic = factories.staff(ministry, email="mic@soumu.example.jp")
    others = [factories.user(email=f"u{n}@example.jp") for n in range(3)]
    for user in others:
        assert reset(client, user.email, ip="198.51.100.9").status_code == 302
    # The address is spent: neither the site nor the admin sends more from it, and both answer as usual.
    assert reset(client, mic.email, ip="198.51.100.9").status_code == 302
    response = reset(client, mic.email, ip="198.51.100.9", url="/admin/password_reset/")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[u.email] for u in others]
    # Another address still gets its mail, in the admin too.
    reset(client, mic.email, ip="203.0.113.5", url="/admin/password_reset/")
    assert mail.outbox[-1].to == [mic.email]


# ---------------------------------------------------------------------------------------------- sign-up


def test_sign_up_with_a_known_address_answers_the_same_and_tells_the_owner(client, form_data, startup_user):
    new = client.post("/accounts/register/", form_data)
    page_new = client.get("/accounts/register/done/").content.decode()
    taken = client.post(
        "/accounts/register/",
        {**form_data, "email": startup_user.email.upper(), "organisation_name": "別の会社"},
    )
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"] == "/accounts/register/done/"
    assert User.objects.filter(email="hanako@example.jp").exists()
    assert not Organisation.objects.filter(name="別の会社").exists()  # nothing created for the known address
    # The owner learns of it; the newcomer gets the verification link. Neither mail reveals anything to the sender.
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "あなたのメールアドレスで登録しようとした人がいます" in subjects[startup_user.email]
    assert "メールアドレスの確認" in subjects["hanako@example.jp"]
    assert AuditEvent.objects.filter(action="accounts.signup_attempt_existing").count() == 1
    # The done page has the same shape for both (only the address typed differs).
    page_taken = client.get("/accounts/register/done/").content.decode()

    def shape(page, email):
        return re.sub(
            r'value="[A-Za-z0-9]{64}"', "", page.replace(email, "X")
        )  # CSRF tokens differ per request

    assert shape(page_new, "hanako@example.jp") == shape(page_taken, startup_user.email)


def test_a_never_verified_address_gets_a_new_verification_link_instead(client, form_data):
    client.post("/accounts/register/", form_data)
    mail.outbox.clear()
    response = client.post("/accounts/register/", {**form_data, "organisation_name": "別の会社"})
    assert response["Location"] == "/accounts/register/done/"
    assert len(mail.outbox) == 1 and "/accounts/verify/" in mail.outbox[0].body
    assert User.objects.filter(email="hanako@example.jp").count() == 1


def test_the_owner_is_told_at_most_a_few_times(client, form_data, startup_user, settings):
    settings.RATE_LIMIT_SIGNUP_EXISTING = "2/h"
    for _ in range(4):
        client.post(
            "/accounts/register/", {**form_data, "email": startup_user.email, "organisation_name": "別"}
        )
    assert len(mail.outbox) == 2


def test_a_similar_organisation_name_is_warned_and_can_continue(client, form_data, startup_org):
    startup_org.name = "株式会社 ゆきみち"
    startup_org.save()
    # Full-width letters and other spaces: the same name once normalised.
    response = client.post("/accounts/register/", {**form_data, "organisation_name": "株式会社　ゆきみち"})
    body = response.content.decode()
    assert response.status_code == 200 and "株式会社 ゆきみち という名前の組織は既に登録されています" in body
    assert 'name="confirm_similar_name"' in body
    assert not User.objects.filter(email="hanako@example.jp").exists()
    response = client.post(
        "/en/accounts/register/",
        {**form_data, "organisation_name": "株式会社ゆきみち", "confirm_similar_name": "on"},
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(name="株式会社ゆきみち").exists()


def test_the_ministry_sees_likely_duplicates_in_the_admin(client, ministry, startup_org):
    startup_org.name = "ＹＵＫＩＭＩＣＨＩ 株式会社"
    startup_org.save()
    twin = factories.organisation("startup", name="Yukimichi株式会社")
    other = factories.organisation("startup", name="株式会社ほかのもの")
    client.force_login(factories.staff(ministry))
    response = client.get("/admin/accounts/organisations/?likely_duplicate=true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "ＹＵＫＩＭＩＣＨＩ 株式会社" in body and twin.name in body and other.name not in body


def test_the_same_corporate_number_stays_refused(client, form_data, startup_org):
    number = valid_corporate_number()
    startup_org.startup_profile.corporate_number = number
    startup_org.startup_profile.save()
    response = client.post("/accounts/register/", {**form_data, "corporate_number": number})
    assert response.status_code == 200
    assert "この法人番号のスタートアップは既に登録されています" in response.content.decode()
    assert not User.objects.filter(email="hanako@example.jp").exists()


# ---------------------------------------------------------------------------------------------- e-mail change


def change_link(outbox, to) -> str:
    message = next(m for m in outbox if m.to == [to])
    return re.search(r"http://testserver(/accounts/account/email/[^/\s]+/)", message.body).group(1)


def test_changing_the_email_on_the_site_applies_only_after_the_link(client, startup_user):
    old = startup_user.email
    client.force_login(startup_user)
    response = client.post("/accounts/account/", {"new_email": "new@startup.example.jp", "password": "wrong"})
    assert response.status_code == 200 and "パスワードが正しくありません" in response.content.decode()
    response = client.post(
        "/accounts/account/",
        {"new_email": "New@Startup.example.jp", "password": factories.PASSWORD},
        follow=True,
    )
    assert "新しいアドレスにリンクを送信しました" in response.content.decode()
    startup_user.refresh_from_db()
    assert startup_user.email == old  # nothing changed yet
    assert {m.to[0] for m in mail.outbox} == {old, "new@startup.example.jp"}
    path = change_link(mail.outbox, "new@startup.example.jp")
    mail.outbox.clear()
    response = client.get(path, follow=True)
    assert "メールアドレスを new@startup.example.jp に変更しました" in response.content.decode()
    startup_user.refresh_from_db()
    assert startup_user.email == "new@startup.example.jp"
    assert [m.to for m in mail.outbox] == [[old]]  # the old address is told
    assert AuditEvent.objects.filter(action="accounts.email_changed", object_id=str(startup_user.pk)).exists()
    assert client.get(path).status_code == 400  # once


def test_an_email_change_to_a_taken_address_is_refused(client, startup_user):
    factories.user(email="taken@example.jp")
    client.force_login(startup_user)
    response = client.post(
        "/accounts/account/", {"new_email": "taken@example.jp", "password": factories.PASSWORD}
    )
    assert response.status_code == 200 and len(mail.outbox) == 0


def test_changing_the_email_in_the_admin_needs_the_new_address_verified(client, startup_user):
    admin = factories.user(email="root@xact.example.jp", is_staff=True, is_superuser=True)
    client.force_login(admin)
    edit = f"/admin/users/edit/{startup_user.pk}/"
    page = client.get(edit)
    assert page.status_code == 200
    data = {
        "email": "moved@startup.example.jp",
        "first_name": startup_user.given_name or "花子",
        "last_name": startup_user.family_name or "山田",
        "password1": "",
        "password2": "",
        "is_active": "on",
    }
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    startup_user.refresh_from_db()
    assert startup_user.email == "founder@startup.example.jp"
    assert {m.to[0] for m in mail.outbox} == {"founder@startup.example.jp", "moved@startup.example.jp"}
    client.get(change_link(mail.outbox, "moved@startup.example.jp"))
    startup_user.refresh_from_db()
    assert startup_user.email == "moved@startup.example.jp"
    requested = AuditEvent.objects.get(
        action="accounts.email_change_requested", object_id=str(startup_user.pk)
    )
    assert requested.actor == admin


def test_the_admin_account_settings_do_not_offer_an_email_change(client, ministry):
    mic = factories.staff(ministry, email="mic@soumu.example.jp")
    client.force_login(mic)
    response = client.get("/admin/account/")
    assert response.status_code == 200
    assert 'name="name_email-email"' not in response.content.decode()
