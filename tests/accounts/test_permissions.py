"""The organisation scope that keeps municipality staff inside their own organisation."""

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.accounts import permissions
from portal.accounts.models import Membership, Organisation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def takamatsu():
    return factories.organisation(
        "municipality", name="高松市", local_government=factories.local_government("372013")
    )


@pytest.fixture
def teshio():
    lg = factories.local_government("014877", name_ja="天塩町")
    return factories.organisation(
        "municipality", name="天塩町", local_government=lg, prefecture=lg.prefecture
    )


@pytest.fixture
def ministry():
    return factories.organisation("ministry", name="総務省")


def test_kinds_of_user(takamatsu, ministry, startup_user):
    official = factories.member(takamatsu, is_staff=True)
    mic = factories.member(ministry, is_staff=True)
    assert permissions.is_municipality_staff(official) and not permissions.is_ministry(official)
    assert permissions.is_ministry(mic) and not permissions.is_municipality_staff(mic)
    assert permissions.is_startup_member(startup_user) and not permissions.is_ministry(startup_user)
    assert permissions.organisation_of(official) == takamatsu
    assert permissions.can_access_admin(official)[0]
    assert permissions.can_access_admin(mic)[0]
    allowed, reason = permissions.can_access_admin(startup_user)
    assert not allowed and reason


def test_scope_queryset_to_user(takamatsu, teshio, ministry):
    official = factories.member(takamatsu, is_staff=True)
    mic = factories.member(ministry, is_staff=True)
    orgs = Organisation.objects.filter(kind="municipality")
    assert list(permissions.scope_queryset_to_user(orgs, official, org_field=None)) == [takamatsu]
    assert set(permissions.scope_queryset_to_user(orgs, mic, org_field=None)) == {takamatsu, teshio}
    members = Membership.objects.all()
    assert {m.organisation for m in permissions.scope_queryset_to_user(members, official)} == {takamatsu}


def test_can_view_and_edit_organisation(takamatsu, teshio):
    admin = factories.member(takamatsu, is_staff=True)
    plain = factories.member(takamatsu, role=Membership.Role.MEMBER, is_staff=True)
    assert permissions.can_view_organisation(admin, takamatsu)[0]
    allowed, reason = permissions.can_view_organisation(admin, teshio)
    assert not allowed and reason
    assert permissions.can_edit_organisation(admin, takamatsu)[0]
    assert not permissions.can_edit_organisation(plain, takamatsu)[0]
    assert not permissions.can_edit_organisation(admin, teshio)[0]


def test_anonymous_and_inactive_see_nothing(takamatsu):
    official = factories.member(takamatsu, is_staff=True)
    official.is_active = False
    orgs = Organisation.objects.all()
    assert not permissions.scope_queryset_to_user(orgs, AnonymousUser(), None).exists()
    assert not permissions.scope_queryset_to_user(orgs, official, None).exists()
    assert not permissions.can_invite(official, takamatsu)[0]
