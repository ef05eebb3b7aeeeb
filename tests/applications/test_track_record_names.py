"""Issue 17 item 8: the track-record form takes a municipality's name as well as its code; selects say
「選択してください」 / "Choose…" (required choices) and filters 「すべて」 / "All", never 「---------」."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from portal.applications.models import TrackRecordEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed", ["天塩町", "北海道天塩町", "北海道 天塩町 014877", "014877", "てしおちょう"]
)
def test_a_track_record_entry_names_its_municipality(client, world, typed):
    client.force_login(world.user_a)
    response = client.post(
        reverse("startups:track_record_add"),
        {"local_government": typed, "year": "2017", "outcome": "poc", "summary": "遠隔健診の実証"},
    )
    assert response.status_code == 302
    assert TrackRecordEntry.objects.get().local_government.code == "014877"


def test_an_unknown_municipality_is_refused(client, world):
    client.force_login(world.user_a)
    client.post(
        reverse("startups:track_record_add"),
        {"local_government": "架空町", "year": "2017", "outcome": "poc", "summary": "x"},
    )
    assert not TrackRecordEntry.objects.exists()


@pytest.mark.parametrize(("prefix", "choose"), [("", "選択してください"), ("/en", "Choose…")])
def test_required_selects_ask_to_choose(client, world, prefix, choose):
    client.force_login(world.user_a)
    with translation.override("ja"):
        url = prefix + reverse("startups:profile")
    html = client.get(url).content.decode()
    assert "---------" not in html
    assert re.search(rf'<option value=""( selected)?>{choose}</option>', html)


@pytest.mark.parametrize(("prefix", "everything"), [("", "すべて"), ("/en", "All")])
def test_filters_offer_all(client, world, prefix, everything):
    client.force_login(world.user_a)
    with translation.override("ja"):
        url = prefix + reverse("tracker:engagements")
    html = client.get(url).content.decode()
    assert "---------" not in html
    assert f">{everything}</option>" in html
