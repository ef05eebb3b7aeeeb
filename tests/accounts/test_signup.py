"""Startups sign themselves up; the account opens only through the signed link in the e-mail."""

import re
import time

import pytest
from django.conf import settings
from django.core import mail, signing

from portal.accounts.models import Consent, Membership, User
from portal.geo.codes import corporate_check_digit
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "sakura-Fuji-2718-tea"


def valid_corporate_number(body: str = "012345678901") -> str:
    return f"{corporate_check_digit(body)}{body}"


@pytest.fixture
def form_data(tokyo):
    return {
        "email": "Hanako@Example.jp",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "family_name": "山田",
        "given_name": "花子",
        "family_name_kana": "やまだ",  # hiragana is accepted and stored as katakana
        "given_name_kana": "ﾊﾅｺ",  # so is half-width katakana
        "preferred_language": "ja",
        "organisation_name": "株式会社ゆきみち",
        "organisation_name_kana": "カブシキガイシャ ユキミチ",
        "organisation_name_en": "Yukimichi Inc.",
        "prefecture": tokyo.pk,
        "corporate_number": "",
        "consent_privacy": "on",
    }


def verification_link() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"https?://\S+/accounts/verify/\S+/", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(0)


def test_signup_verification_then_login_lands_on_my_page(client, form_data):
    response = client.post("/accounts/register/", form_data)
    assert response.status_code == 302 and response["Location"] == "/accounts/register/done/"

    user = User.objects.get(email="hanako@example.jp")
    assert not user.is_active and user.email_verified_at is None
    assert (user.family_name_kana, user.given_name_kana) == ("ヤマダ", "ハナコ")
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.ADMIN and membership.organisation.is_startup
    assert membership.organisation.startup_profile is not None
    consent = Consent.objects.get(user=user)
    assert consent.version == settings.PRIVACY_POLICY_VERSION and consent.document == "privacy"
    assert consent.given_at is not None
    link = verification_link()
    assert mail.outbox[0].to == ["hanako@example.jp"]

    # Before verification: refused, with a message saying why and how to get a new link.
    response = client.post("/accounts/login/", {"username": "hanako@example.jp", "password": PASSWORD})
    assert response.status_code == 200
    assert "メールアドレスの確認が済んでいません" in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at is not None

    response = client.post(
        "/accounts/login/", {"username": "HANAKO@example.jp", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/mypage/"
    body = response.content.decode()
    assert "株式会社ゆきみち" in body and "プロフィールの入力は" in body


def test_english_user_lands_on_english_my_page(client, form_data):
    client.post("/en/accounts/register/", {**form_data, "preferred_language": "en"})
    link = verification_link()
    assert "/en/accounts/verify/" in link
    client.get(link[link.index("/en/") :])
    response = client.post(
        "/accounts/login/", {"username": "hanako@example.jp", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/en/mypage/"
    assert "Your profile" in response.content.decode()
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_expired_link_is_refused_with_a_way_to_resend(client, form_data, monkeypatch):
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - settings.EMAIL_VERIFICATION_MAX_AGE - 60)
    client.post("/accounts/register/", form_data)
    monkeypatch.setattr(signing.time, "time", real_time)
    response = client.get(_path(verification_link()))
    assert response.status_code == 400
    body = response.content.decode()
    assert "有効期限が切れています" in body
    assert 'action="/accounts/verify/resend/"' in body
    assert not User.objects.get(email="hanako@example.jp").is_active

    mail.outbox.clear()
    response = client.post("/accounts/verify/resend/", {"email": "hanako@example.jp"})
    assert response.status_code == 302
    response = client.get(_path(verification_link()))
    assert response.status_code == 302
    assert User.objects.get(email="hanako@example.jp").is_active


def test_forged_link_is_refused(client, form_data):
    client.post("/accounts/register/", form_data)
    path = _path(verification_link())
    user = User.objects.get(email="hanako@example.jp")
    forged_for_other = path.replace(f"/verify/{user.pk}:", f"/verify/{user.pk + 1}:")
    for bad in (path[:-3] + "xx/", forged_for_other, "/accounts/verify/garbage/"):
        response = client.get(bad)
        assert response.status_code == 400, bad
        assert "このリンクは正しくありません" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active


def test_resend_answers_the_same_for_unknown_addresses(client, db):
    response = client.post("/accounts/verify/resend/", {"email": "nobody@example.jp"}, follow=True)
    assert response.status_code == 200
    assert len(mail.outbox) == 0


def test_a_known_email_is_not_revealed_and_the_form_keeps_what_was_typed_on_other_errors(client, form_data):
    factories.user(email="hanako@example.jp")
    # With another error the form comes back as typed, and says nothing about the address being known.
    response = client.post(
        "/accounts/register/", {**form_data, "email": "HANAKO@example.jp", "password2": "x"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "既に存在します" not in body
    assert 'value="株式会社ゆきみち"' in body and 'value="Yukimichi Inc."' in body
    assert PASSWORD not in body  # passwords are never echoed back
    # Valid: the same answer as a new sign-up (tests/accounts/test_account_holes.py), and no second account.
    response = client.post("/en/accounts/register/", {**form_data, "email": "hanako@example.jp"})
    assert response.status_code == 302 and response["Location"].endswith("/accounts/register/done/")
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "ja", "en"),
    [
        ("short1", "このパスワードは短すぎます", "This password is too short"),
        ("password123", "このパスワードは一般的すぎます", "This password is too common"),
        ("48213957204816", "このパスワードは数字しか使われていません", "This password is entirely numeric"),
    ],
)
def test_weak_password_is_refused(client, form_data, password, ja, en):
    data = {**form_data, "password1": password, "password2": password}
    response = client.post("/accounts/register/", data)
    assert ja in response.content.decode()
    assert 'value="山田"' in response.content.decode()
    response = client.post("/en/accounts/register/", data)
    assert en in response.content.decode()
    assert not User.objects.exists()


def test_mismatched_passwords(client, form_data):
    response = client.post("/en/accounts/register/", {**form_data, "password2": PASSWORD + "x"})
    assert "The two passwords differ." in response.content.decode()


def test_full_width_corporate_number_is_normalised_and_stored(client, form_data):
    number = valid_corporate_number()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    response = client.post(
        "/accounts/register/", {**form_data, "corporate_number": f" {full_width[:4]}－{full_width[4:]}"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="hanako@example.jp")
    assert user.memberships.get().organisation.startup_profile.corporate_number == number


def test_bad_corporate_number_gets_a_clear_message_and_shows_the_normalised_value(client, form_data):
    number = valid_corporate_number()
    wrong = str((int(number[0]) + 1) % 10) + number[1:]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in wrong)
    response = client.post("/accounts/register/", {**form_data, "corporate_number": full_width})
    body = response.content.decode()
    assert f"{wrong} は正しい法人番号ではありません" in body
    assert f'value="{wrong}"' in body  # the half-width digits we understood
    response = client.post("/en/accounts/register/", {**form_data, "corporate_number": "12345"})
    assert "A corporate number has 13 digits." in response.content.decode()
    response = client.post("/accounts/register/", {**form_data, "corporate_number": "12345"})
    assert "法人番号は13桁です" in response.content.decode()
    assert not User.objects.exists()


def test_duplicate_corporate_number(client, form_data, startup_org):
    number = valid_corporate_number()
    startup_org.startup_profile.corporate_number = number
    startup_org.startup_profile.save()
    response = client.post("/en/accounts/register/", {**form_data, "corporate_number": number})
    assert "A startup with this corporate number is already registered." in response.content.decode()


def test_kana_must_be_kana(client, form_data):
    response = client.post("/en/accounts/register/", {**form_data, "family_name_kana": "Yamada"})
    assert "Please write this in katakana" in response.content.decode()
    assert 'value="Yamada"' in response.content.decode()


def test_consent_is_required(client, form_data):
    data = dict(form_data)
    del data["consent_privacy"]
    response = client.post("/accounts/register/", data)
    assert "プライバシーポリシーに同意してください" in response.content.decode()
    assert not User.objects.exists()
