"""Signing in: each kind lands where it belongs; failed logins are throttled on the site and in the admin."""

import pytest
from django.core import mail
from django.test import override_settings

from portal.accounts import throttle
from tests import factories

pytestmark = pytest.mark.django_db


def login(client, email, password=factories.PASSWORD, url="/accounts/login/", **extra):
    return client.post(url, {"username": email, "password": password}, **extra)


def test_each_kind_lands_where_it_belongs(client, ministry, takamatsu, startup_user):
    mic = factories.staff(ministry, email="mic@soumu.example.jp")
    official = factories.staff(takamatsu, email="staff@city.takamatsu.example.jp")
    for user, landing in ((mic, "/admin/"), (official, "/admin/"), (startup_user, "/mypage/")):
        client.logout()
        response = login(client, user.email, follow=True)
        assert response.redirect_chain[-1][0] == landing, user
        assert response.status_code == 200


def test_next_parameter_is_honoured(client, startup_user):
    response = client.post(
        "/accounts/login/?next=/privacy/", {"username": startup_user.email, "password": factories.PASSWORD}
    )
    assert response["Location"] == "/privacy/"


def test_wrong_password_message(client, startup_user):
    response = login(client, startup_user.email, "nope")
    assert "メールアドレスまたはパスワードが正しくありません" in response.content.decode()
    response = login(client, startup_user.email, "nope", url="/en/accounts/login/")
    assert "The e-mail address or the password is not correct." in response.content.decode()


@override_settings(LOGIN_THROTTLE_FAILURES=3, LOGIN_THROTTLE_WINDOW_S=600)
def test_site_login_locks_after_n_failures_even_with_the_right_password(client, startup_user):
    for _ in range(3):
        response = login(client, startup_user.email, "wrong-password")
        assert "_auth_user_id" not in client.session
    response = login(client, startup_user.email)
    body = response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "ログインの失敗が続いたため" in body and "約10分間" in body
    response = login(client, startup_user.email, url="/en/accounts/login/")
    assert "Too many failed log-in attempts" in response.content.decode()
    # Another account from another address is not affected.
    other = factories.member(factories.organisation("startup"), email="other@startup.example.jp")
    response = login(client, other.email, REMOTE_ADDR="10.0.0.9", follow=True)
    assert response.redirect_chain[-1][0] == "/mypage/"


@override_settings(LOGIN_THROTTLE_FAILURES=3, LOGIN_THROTTLE_WINDOW_S=600)
def test_lock_ends_with_the_window(client, startup_user, monkeypatch):
    for _ in range(3):
        login(client, startup_user.email, "wrong-password")
    assert "ログインの失敗が続いたため" in login(client, startup_user.email).content.decode()
    now = throttle.time.time()
    monkeypatch.setattr(throttle.time, "time", lambda: now + 601)
    response = login(client, startup_user.email, follow=True)
    assert response.redirect_chain[-1][0] == "/mypage/"


@override_settings(LOGIN_THROTTLE_FAILURES=50, LOGIN_THROTTLE_IP_FAILURES=4)
def test_one_ip_trying_many_addresses_is_locked(client, startup_user):
    for n in range(4):
        login(client, f"guess{n}@example.jp", "guess", REMOTE_ADDR="203.0.113.7")
    response = login(client, startup_user.email, REMOTE_ADDR="203.0.113.7")
    assert "ログインの失敗が続いたため" in response.content.decode()
    response = login(client, startup_user.email, REMOTE_ADDR="198.51.100.1", follow=True)
    assert response.redirect_chain[-1][0] == "/mypage/"


@override_settings(LOGIN_THROTTLE_FAILURES=3, LOGIN_THROTTLE_WINDOW_S=600)
def test_admin_login_is_throttled_too(client, ministry):
    mic = factories.staff(ministry, email="mic@soumu.example.jp")
    for _ in range(3):
        response = login(client, mic.email, "wrong-password", url="/admin/login/")
        assert response.status_code == 200
    response = login(client, mic.email, url="/admin/login/")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "ログインの失敗が続いたため" in response.content.decode()
    # Failures in the admin count for the site's login as well: one lock, wherever you try.
    response = login(client, mic.email)
    assert "ログインの失敗が続いたため" in response.content.decode()


def test_admin_login_works_for_staff(client, ministry):
    mic = factories.staff(ministry, email="mic@soumu.example.jp")
    response = login(client, mic.email, url="/admin/login/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_startup_users_never_reach_the_admin(client, startup_user):
    assert not startup_user.is_staff
    client.force_login(startup_user)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.get("/admin/accounts/organisations/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    # Logging in through the admin's own form does not let them in either.
    client.logout()
    response = login(client, startup_user.email, url="/admin/login/", follow=True)
    assert response.request["PATH_INFO"] == "/admin/login/"


def test_logout(client, startup_user):
    client.force_login(startup_user)
    response = client.post("/accounts/logout/", follow=True)
    assert "_auth_user_id" not in client.session
    assert "ログアウトしました" in response.content.decode()


def test_language_switch_is_remembered_for_signed_in_users(client, startup_user):
    client.force_login(startup_user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/mypage/"})
    assert response["Location"] == "/en/mypage/"
    startup_user.refresh_from_db()
    assert startup_user.preferred_language == "en"


def test_password_reset_flow(client, startup_user):
    response = client.post("/accounts/password-reset/", {"email": startup_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    path = next(word for word in body.split() if "/accounts/password-reset/" in word).split("testserver", 1)[
        1
    ]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0]
    new = "another-Long-pass-42"
    response = client.post(form_path, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    startup_user.refresh_from_db()
    assert startup_user.check_password(new)
