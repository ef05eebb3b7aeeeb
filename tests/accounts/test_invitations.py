"""Ministry staff invite municipality and ministry users; the signed link opens a staff account."""

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.users.models import UserProfile

from portal.accounts import services
from portal.accounts.models import Invitation, Membership, User
from portal.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "udon-Kagawa-3141-bridge"


def accept_data(**extra):
    return {
        "family_name": "讃岐",
        "given_name": "太郎",
        "family_name_kana": "サヌキ",
        "given_name_kana": "タロウ",
        "preferred_language": "ja",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "consent_privacy": "on",
        **extra,
    }


def link_path() -> str:
    match = re.search(
        r"https?://[^/\s]+(/\S*/accounts/invitation/\S+/|/accounts/invitation/\S+/)", mail.outbox[-1].body
    )
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_ministry_invites_through_the_admin_and_the_invitee_lands_in_the_admin(client, ministry, takamatsu):
    mic = factories.staff(ministry)
    client.force_login(mic)
    response = client.post(
        reverse("accounts_invitations:add"),
        {
            "email": "Sanuki@City.Takamatsu.example.jp",
            "organisation": takamatsu.pk,
            "role": "admin",
            "language": "ja",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert invitation.email == "sanuki@city.takamatsu.example.jp" and invitation.invited_by == mic
    assert mail.outbox[-1].to == ["sanuki@city.takamatsu.example.jp"]
    assert "招待" in mail.outbox[-1].subject
    client.logout()

    path = link_path()
    response = client.get(path)
    assert response.status_code == 200 and "高松市" in response.content.decode()
    response = client.post(path, accept_data(), follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    user = User.objects.get(email="sanuki@city.takamatsu.example.jp")
    assert user.is_staff and user.is_active and user.email_verified_at is not None
    assert user.groups.filter(name="Municipality").exists()
    assert Membership.objects.get(user=user).organisation == takamatsu
    assert Membership.objects.get(user=user).role == "admin"
    assert AuditEvent.objects.filter(action="accounts.invitation_accepted").exists()
    # The link works once.
    client.logout()
    response = client.get(path)
    assert response.status_code == 400
    assert "既に使用されています" in response.content.decode()
    # They log in like anyone else and land in the admin.
    response = client.post(
        "/accounts/login/", {"username": user.email, "password": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/admin/"


def test_ministry_invitee_joins_the_ministry_group(client, ministry):
    mic = factories.staff(ministry)
    services.invitation_create(
        invited_by=mic, email="new@soumu.example.jp", organisation=ministry, role="member"
    )
    client.post(link_path(), accept_data())
    user = User.objects.get(email="new@soumu.example.jp")
    assert user.groups.filter(name="Ministry").exists() and user.is_staff


def test_english_invitee_gets_the_admin_in_english(client, ministry):
    mic = factories.staff(ministry)
    services.invitation_create(
        invited_by=mic, email="en@soumu.example.jp", organisation=ministry, language="en"
    )
    assert "/en/accounts/invitation/" in mail.outbox[-1].body and "invited" in mail.outbox[-1].subject
    client.post(link_path(), accept_data(preferred_language="en"))
    user = User.objects.get(email="en@soumu.example.jp")
    assert UserProfile.get_for_user(user).preferred_language == "en"
    assert "Dashboard" in client.get("/admin/").content.decode()


def test_expired_and_forged_invitations_are_refused(client, ministry, takamatsu, monkeypatch):
    mic = factories.staff(ministry)
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - settings.INVITATION_MAX_AGE - 60)
    services.invitation_create(invited_by=mic, email="late@example.jp", organisation=takamatsu)
    monkeypatch.setattr(signing.time, "time", real_time)
    response = client.get(link_path())
    assert response.status_code == 400 and "有効期限が切れています" in response.content.decode()
    response = client.post(link_path(), accept_data())
    assert response.status_code == 400
    assert not User.objects.filter(email="late@example.jp").exists()

    services.invitation_create(invited_by=mic, email="ok@example.jp", organisation=takamatsu)
    forged = link_path()[:-4] + "abc/"
    response = client.get(forged)
    assert response.status_code == 400


def test_only_ministry_staff_invite_and_never_into_a_startup(takamatsu, ministry, startup_org):
    official = factories.staff(takamatsu)
    with pytest.raises(PermissionDenied):
        services.invitation_create(invited_by=official, email="x@example.jp", organisation=takamatsu)
    mic = factories.staff(ministry)
    with pytest.raises(PermissionDenied):
        services.invitation_create(invited_by=mic, email="x@example.jp", organisation=startup_org)
    assert not Invitation.objects.exists()


def test_accept_form_errors_keep_the_names(client, ministry, takamatsu):
    mic = factories.staff(ministry)
    services.invitation_create(invited_by=mic, email="weak@example.jp", organisation=takamatsu)
    response = client.post(link_path(), accept_data(password1="abc", password2="abc"))
    body = response.content.decode()
    assert response.status_code == 200 and "このパスワードは短すぎます" in body
    assert 'value="讃岐"' in body
    assert not User.objects.filter(email="weak@example.jp").exists()


def test_membership_services_keep_one_administrator(takamatsu):
    admin = factories.staff(takamatsu)
    membership = Membership.objects.get(user=admin)
    with pytest.raises(ValidationError, match="少なくとも1人の管理者"):
        services.membership_change_role(actor=admin, membership=membership, role="member")
    second = factories.staff(takamatsu, role="member")
    second_membership = Membership.objects.get(user=second)
    services.membership_change_role(actor=admin, membership=second_membership, role="admin")
    services.membership_change_role(actor=admin, membership=membership, role="member")
    membership.refresh_from_db()
    assert membership.role == "member"
    services.membership_remove(actor=second, membership=membership)
    assert not Membership.objects.filter(user=admin).exists()
    assert not admin.groups.filter(name="Municipality").exists()
    assert Group.objects.filter(name="Municipality").exists()
