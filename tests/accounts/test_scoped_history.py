"""The history and usage screens of every viewset scoped with OrganisationScopedViewSetMixin, through the views:
municipality staff open their own object's history (and see its log entries only), get 404 for another
municipality's object, and the ministry opens both. (The history lists log entries, not the viewset's objects: the
scope applies to the object, not to the entries' queryset.)"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from portal.accounts import services as account_services
from portal.accounts.models import Membership
from tests import factories
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db


def _organisations(a, b, ministry_user):
    return a, b


def _memberships(a, b, ministry_user):
    return (
        Membership.objects.get(user=factories.member(a, role=Membership.Role.MEMBER)),
        Membership.objects.get(user=factories.member(b, role=Membership.Role.MEMBER)),
    )


def _invitations(a, b, ministry_user):
    def invite(org, email):
        return account_services.invitation_create(
            invited_by=ministry_user,
            email=email,
            organisation=org,
            role=Membership.Role.MEMBER,
            language="ja",
            base_url="http://testserver/",
        )

    return invite(a, "new@city.takamatsu.example.jp"), invite(b, "new@town.teshio.example.jp")


def _briefings(a, b, ministry_user):
    return cf.briefing(challenge_page=cf.challenge(municipality_org=a)), cf.briefing(
        challenge_page=cf.challenge(municipality_org=b)
    )


# (the viewset's URL namespace, its objects of municipality A and B, what A's staff get on A's object, and what
# the ministry gets on an object's usage. The history needs "add", "change" or "delete" on the model, the usage
# "change": municipality staff only view members and hold nothing on invitations, and nobody changes an
# invitation (accounts' _NoChangePolicy), so there Wagtail's permission check refuses — with its redirect to the
# admin home — and the scope is not asked.)
VIEWSETS = [
    ("accounts_organisations", _organisations, 200, 200),
    ("accounts_memberships", _memberships, 302, 200),
    ("accounts_invitations", _invitations, 302, 302),
    ("briefing", _briefings, 200, 200),
]
IDS = [v[0] for v in VIEWSETS]


@pytest.fixture
def world():
    a = cf.municipality("372013", "高松市")
    b = cf.municipality("014877", "天塩町")
    ministry_user = cf.staff(cf.ministry())
    return a, b, ministry_user


def _entries(response) -> set[str]:
    return {entry.object_id for entry in response.context["object_list"]}


@pytest.mark.parametrize(("namespace", "make", "own_status", "ministry_usage"), VIEWSETS, ids=IDS)
def test_history_is_scoped_to_the_users_organisation(
    client, world, namespace, make, own_status, ministry_usage
):
    a, b, ministry_user = world
    own, other = make(a, b, ministry_user)
    for obj in (own, other):
        log(instance=obj, action="wagtail.edit", user=ministry_user)
    history = lambda obj: reverse(f"{namespace}:history", args=[obj.pk])  # noqa: E731
    history_results = lambda obj: reverse(f"{namespace}:history_results", args=[obj.pk])  # noqa: E731

    client.force_login(cf.staff(a))
    own_response = client.get(history(own))
    assert own_response.status_code == own_status
    if own_status == 302:
        assert own_response["Location"] == reverse("wagtailadmin_home")
    if own_status == 200:  # its own entry only
        assert _entries(own_response) == {str(own.pk)}
        assert _entries(client.get(history_results(own))) == {str(own.pk)}
    for url in (history(other), history_results(other)):
        assert client.get(url).status_code in (403, 404), url

    client.force_login(ministry_user)
    for obj in (own, other):
        response = client.get(history(obj))
        assert response.status_code == 200
        assert _entries(response) == {str(obj.pk)}


@pytest.mark.parametrize(("namespace", "make", "own_status", "ministry_usage"), VIEWSETS, ids=IDS)
def test_usage_is_scoped_to_the_users_organisation(
    client, world, namespace, make, own_status, ministry_usage
):
    a, b, ministry_user = world
    own, other = make(a, b, ministry_user)
    usage = lambda obj: reverse(f"{namespace}:usage", args=[obj.pk])  # noqa: E731

    client.force_login(cf.staff(a))
    assert client.get(usage(own)).status_code == own_status  # usage needs "change", as the history above
    assert client.get(usage(other)).status_code in (403, 404)
    client.force_login(ministry_user)
    assert client.get(usage(own)).status_code == ministry_usage
    assert client.get(usage(other)).status_code == ministry_usage
