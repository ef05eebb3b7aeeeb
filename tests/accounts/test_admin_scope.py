"""Municipality staff reach the admin but only their own organisation's objects; ministry staff reach everything."""

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from portal.accounts.models import Membership, Organisation
from portal.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def url(viewset: str, action: str, *args) -> str:
    return reverse(f"accounts_{viewset}:{action}", args=args)


@pytest.fixture
def official(takamatsu):
    return factories.staff(takamatsu, email="staff@city.takamatsu.example.jp")


@pytest.fixture
def teshio_official(teshio):
    return factories.staff(teshio, email="staff@town.teshio.example.jp")


def test_urls_are_where_we_say():
    assert url("organisations", "index") == "/admin/accounts/organisations/"
    assert url("organisations", "edit", 7) == "/admin/accounts/organisations/edit/7/"


def test_municipality_staff_cannot_reach_another_municipalitys_objects(
    client, official, takamatsu, teshio, teshio_official
):
    client.force_login(official)
    assert client.get("/admin/").status_code == 200
    assert client.get(url("organisations", "edit", takamatsu.pk)).status_code == 200
    for action in ("edit", "inspect", "delete", "history", "usage"):
        response = client.get(url("organisations", action, teshio.pk))
        assert response.status_code in (403, 404), action
    # Posting an edit to another municipality changes nothing.
    response = client.post(
        url("organisations", "edit", teshio.pk), {"name": "乗っ取り", "name_kana": "", "name_en": ""}
    )
    assert response.status_code in (403, 404)
    teshio.refresh_from_db()
    assert teshio.name == "天塩町"
    # The listing shows only their own organisation.
    listing = client.get(url("organisations", "index")).content.decode()
    assert "高松市" in listing and "天塩町" not in listing
    other_membership = Membership.objects.get(user=teshio_official)
    assert client.get(url("memberships", "edit", other_membership.pk)).status_code in (403, 404)
    members = client.get(url("memberships", "index")).content.decode()
    assert official.email in members and teshio_official.email not in members


def test_municipality_staff_edit_their_names_but_not_the_code(client, official, takamatsu):
    client.force_login(official)
    response = client.post(
        url("organisations", "edit", takamatsu.pk),
        {
            "kind": "ministry",  # disabled for them: ignored
            "name": "高松市",
            "name_kana": "タカマツシ",
            "name_en": "Takamatsu City",
            "slug": "hijack",
            "local_government_code": "014877",
            "website": "https://www.city.takamatsu.kagawa.jp/",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    takamatsu.refresh_from_db()
    assert takamatsu.name_en == "Takamatsu City" and takamatsu.name_kana == "タカマツシ"
    assert takamatsu.kind == "municipality" and takamatsu.local_government_id == "372013"
    assert takamatsu.slug != "hijack"
    assert AuditEvent.objects.filter(
        action="accounts.organisation_changed", object_id=str(takamatsu.pk)
    ).exists()


def test_plain_member_cannot_edit_the_organisation(client, takamatsu):
    member = factories.staff(takamatsu, role=Membership.Role.MEMBER)
    client.force_login(member)
    response = client.get(url("organisations", "edit", takamatsu.pk))
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    assert response.status_code in (302, 403) and not response.get("Location", "/admin/").startswith(
        "/admin/accounts/organisations/edit/"
    )
    response = client.post(url("organisations", "edit", takamatsu.pk), {"name": "変更", "name_en": "x"})
    takamatsu.refresh_from_db()
    assert takamatsu.name == "高松市"


def test_municipality_staff_cannot_invite_or_add(client, official):
    client.force_login(official)
    assert client.get(url("invitations", "add")).status_code in (302, 403)
    assert client.get(url("organisations", "add")).status_code in (302, 403)


def test_ministry_staff_see_and_edit_every_organisation(client, ministry, takamatsu, teshio):
    mic = factories.staff(ministry)
    client.force_login(mic)
    listing = client.get(url("organisations", "index")).content.decode()
    assert "高松市" in listing and "天塩町" in listing
    assert client.get(url("organisations", "edit", teshio.pk)).status_code == 200


def test_ministry_creates_a_municipality_with_a_full_width_code(client, ministry):
    factories.local_government("011002", name_ja="札幌市")
    mic = factories.staff(ministry)
    client.force_login(mic)
    data = {
        "kind": "municipality",
        "name": "札幌市",
        "name_kana": "サッポロシ",
        "name_en": "Sapporo",
        "slug": "sapporo",
        "local_government_code": "０１１００２",
        "website": "",
        "is_active": "on",
    }
    response = client.post(url("organisations", "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    sapporo = Organisation.objects.get(slug="sapporo")
    assert sapporo.local_government_id == "011002" and sapporo.prefecture_id == "01"


@pytest.mark.parametrize(
    ("code", "ja", "en"),
    [
        ("３７２０１４", "正しい地方公共団体コードではありません", "is not a valid local-government code"),
        ("12345", "6桁", "6 digits"),
        ("479993", "地方公共団体は見つかりません", "No local government with the code 479993 is known."),
    ],
)
def test_bad_municipality_codes_get_clear_messages(client, ministry, code, ja, en):
    mic = factories.staff(ministry)
    data = {
        "kind": "municipality",
        "name": "どこか市",
        "slug": "dokoka",
        "local_government_code": code,
        "is_active": "on",
    }
    client.force_login(mic)
    response = client.post(url("organisations", "add"), data)
    body = response.content.decode()
    assert response.status_code == 200 and ja in body
    assert "どこか市" in body  # what was typed stays
    if code == "３７２０１４":
        assert 'value="372014"' in body  # shown as understood: half-width digits
    mic.preferred_language = "en"
    mic.save()
    UserProfile.get_for_user(mic).__class__.objects.filter(user=mic).update(preferred_language="en")
    response = client.post(url("organisations", "add"), data)
    assert en in response.content.decode()
    assert not Organisation.objects.filter(slug="dokoka").exists()


def test_removing_the_last_administrator_is_refused_with_the_reason(client, ministry, takamatsu, official):
    """Found by the permission matrix: the service's refusal escaped the admin's delete view as a server error."""
    client.force_login(factories.staff(ministry))
    membership = Membership.objects.get(user=official)
    response = client.post(url("memberships", "delete", membership.pk))
    assert response.status_code == 400
    assert any("管理者" in str(m) for m in response.context["messages"])
    assert Membership.objects.filter(pk=membership.pk).exists()
