"""The Ministry and Municipality groups, and Wagtail's user screens on our User model."""

import pytest
from django.contrib.auth.models import Group

from portal.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_groups_exist_with_their_permissions():
    ministry = codenames("Ministry")
    assert {
        "wagtailadmin.access_admin",
        "accounts.change_organisation",
        "accounts.add_invitation",
    } <= ministry
    assert {"core.change_auditevent", "accounts.change_user", "accounts.add_user"}.isdisjoint(ministry)
    municipality = codenames("Municipality")
    assert {
        "wagtailadmin.access_admin",
        "accounts.view_organisation",
        "accounts.change_organisation",
    } <= municipality
    assert {"accounts.add_organisation", "accounts.add_invitation", "accounts.change_user"}.isdisjoint(
        municipality
    )
    assert Group.objects.get(name="Ministry").page_permissions.exists()


def test_superuser_edits_names_in_wagtails_user_screen(client, takamatsu):
    root = User.objects.create_superuser(email="root@example.jp", password=factories.PASSWORD)
    official = factories.staff(takamatsu, family_name="高松", given_name="一郎")
    client.force_login(root)
    page = client.get(f"/admin/users/edit/{official.pk}/").content.decode()
    assert 'value="高松"' in page and 'value="一郎"' in page
    response = client.post(
        f"/admin/users/edit/{official.pk}/",
        {
            "email": official.email,
            "first_name": "次郎",
            "last_name": "高松",
            "is_active": "on",
            "groups": [g.pk for g in official.groups.all()],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    official.refresh_from_db()
    assert (official.family_name, official.given_name) == ("高松", "次郎")


def test_ministry_staff_cannot_edit_users_or_make_superusers(client, ministry, takamatsu):
    mic = factories.staff(ministry)
    official = factories.staff(takamatsu)
    client.force_login(mic)
    response = client.post(
        f"/admin/users/edit/{official.pk}/",
        {
            "email": official.email,
            "first_name": "x",
            "last_name": "y",
            "is_superuser": "on",
            "is_active": "on",
        },
    )
    assert response.status_code in (302, 403)
    official.refresh_from_db()
    assert not official.is_superuser
