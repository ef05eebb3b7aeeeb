"""A visitor on an open challenge has a way to apply: log in, or register the startup, and come back to this
challenge's application form — in Japanese and in English (issue #17, item 1)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from portal.accounts.models import User
from tests import factories

PASSWORD = "sakura-Fuji-2718-tea"


def apply_path(challenge, lang):
    with translation.override(lang):
        return reverse("applications:apply", args=[challenge.pk])


@pytest.mark.parametrize(
    ("lang", "login_label", "register_label"),
    [
        ("ja", "ログインして応募する", "スタートアップを登録"),
        ("en", "Log in to apply", "Register your startup"),
    ],
)
def test_a_visitor_sees_how_to_apply_in_each_language(client, world, lang, login_label, register_label):
    with translation.override(lang):
        page = world.challenge_x.url
    body = client.get(page).content.decode()
    target = quote(apply_path(world.challenge_x, lang), safe="/")
    login = re.search(r'id="apply-login" href="([^"]+)">([^<]+)<', body)
    register = re.search(r'id="apply-register" href="([^"]+)">([^<]+)<', body)
    assert login and register, body
    assert login.group(1).endswith(f"/accounts/login/?next={target}") and login.group(2) == login_label
    assert (
        register.group(1).endswith(f"/accounts/register/?next={target}")
        and register.group(2) == register_label
    )
    assert login.group(1).startswith("/en/") == (lang == "en") == target.startswith("/en/")
    # a signed-in startup member gets the direct button instead
    client.force_login(world.user_a)
    body = client.get(page).content.decode()
    assert 'id="apply"' in body and 'id="apply-login"' not in body


def test_log_in_to_apply_lands_on_the_application_form(client, world):
    target = apply_path(world.challenge_x, "ja")
    response = client.post(
        f"/accounts/login/?next={quote(target, safe='')}",
        {"username": world.user_a.email, "password": factories.PASSWORD, "next": target},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == target
    assert response.status_code == 200 and 'name="approach"' in response.content.decode()


def test_register_then_verify_then_log_in_lands_on_the_application_form(client, world):
    target = apply_path(world.challenge_x, "ja")
    prefecture = factories.prefecture("13")
    response = client.get(f"/accounts/register/?next={quote(target, safe='')}")
    assert response.status_code == 200
    form = {
        "email": "newcomer@example.jp",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "family_name": "山田",
        "given_name": "花子",
        "family_name_kana": "ヤマダ",
        "given_name_kana": "ハナコ",
        "preferred_language": "ja",
        "organisation_name": "株式会社はじめて",
        "organisation_name_kana": "カブシキガイシャ ハジメテ",
        "organisation_name_en": "Hajimete Inc.",
        "prefecture": prefecture.pk,
        "corporate_number": "",
        "consent_privacy": "on",
    }
    response = client.post(f"/accounts/register/?next={quote(target, safe='')}", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    link = re.search(r"https?://\S+(/accounts/verify/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(link)
    assert (
        response.status_code == 302
        and response["Location"] == f"/accounts/login/?next={quote(target, safe='')}"
    )
    assert User.objects.get(email="newcomer@example.jp").is_active
    response = client.post(
        response["Location"],
        {"username": "newcomer@example.jp", "password": PASSWORD, "next": target},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == target
    assert 'name="approach"' in response.content.decode()


def test_a_next_to_another_site_is_ignored(client, world):
    response = client.get("/accounts/register/?next=https://evil.example/steal")
    assert response.status_code == 200
    assert "xact_after_verify" not in client.session
