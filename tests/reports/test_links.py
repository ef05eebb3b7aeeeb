"""The PDFs and exports are offered where people work: My page, the admin's screens, the challenge page."""

import pytest
from django.urls import reverse

from portal.core.calendar import current_fiscal_year
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db


def test_startup_pages_link_their_claim_forms_summaries_and_exports(client, world):
    trip = world.paid_trip()
    client.force_login(world.user_a)
    trip_page = client.get(reverse("tracker:trip", args=[trip.pk])).content.decode()
    assert reverse("reports:claim_form", args=[trip.pk]) in trip_page
    engagement_page = client.get(reverse("tracker:engagement", args=[world.eng_a.pk])).content.decode()
    assert reverse("reports:engagement_summary", args=[world.eng_a.pk]) in engagement_page
    trips = client.get(reverse("tracker:trips"), {"state": "paid"}).content.decode()
    assert reverse("reports:export", args=["trips", "xlsx"]) + "?state=paid" in trips


def test_admin_screens_link_the_pdfs(client, world):
    trip = world.paid_trip()
    client.force_login(world.staff_a)
    page = client.get(reverse("engagement:inspect", args=[world.eng_a.pk])).content.decode()
    assert reverse("reports:engagement_summary", args=[world.eng_a.pk]) in page
    page = client.get(reverse("travel_request:inspect", args=[trip.pk])).content.decode()
    assert reverse("reports:claim_form", args=[trip.pk]) in page
    client.force_login(world.ministry)
    year = current_fiscal_year()
    page = client.get(reverse("tracker_admin:dashboard"), {"fy": year}).content.decode()
    assert reverse("reports_admin:annual", args=[year]) in page


def test_live_challenge_page_links_its_printable_sheet(client, world):
    challenge = cf.challenge(municipality_org=world.muni_a, title="除雪車の位置情報")
    page = client.get(challenge.url).content.decode()
    assert reverse("reports:challenge_sheet", args=[challenge.pk]) in page
