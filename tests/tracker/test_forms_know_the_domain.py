"""Issue 17 item 8: the travel-support form takes a municipality's name (the code still works), shows the estimate
with thousands separators and the budget left."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from portal.core.models import AuditEvent
from portal.tracker.models import TravelRequest
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def _trip(dep, ret, **extra):
    return {
        "departure_date": dep.isoformat(),
        "return_date": ret.isoformat(),
        "travellers": "2",
        "traveller_names": "山田、佐藤",
        "purpose": "初回訪問",
        "transport": "express",
        **extra,
    }


@pytest.mark.parametrize("origin", ["東京都", "130001", "１３０００－１", "東京都 130001", "Tokyo"])
def test_the_starting_point_is_a_name_or_a_code(client, engagement, su_user, budget, origin):
    client.force_login(su_user)
    dep, ret = tf.trip_dates()
    response = client.post(
        reverse("tracker:trip_new", args=[engagement.pk]), _trip(dep, ret, origin=origin, estimate="1")
    )
    assert response.status_code == 200, response.context["form"].errors
    assert response.context["form"].cleaned_data["origin"].code == "130001"


def test_an_ambiguous_name_lists_the_candidates_with_their_codes(client, engagement, su_user, budget):
    client.force_login(su_user)
    dep, ret = tf.trip_dates()
    response = client.post(
        reverse("tracker:trip_new", args=[engagement.pk]), _trip(dep, ret, origin="府中市")
    )
    assert response.status_code == 400
    error = " ".join(response.context["form"].errors["origin"])
    assert "132063" in error and "342084" in error  # 東京都府中市, 広島県府中市
    assert not TravelRequest.objects.exists()


def test_an_unknown_name_says_so(client, engagement, su_user, budget):
    client.force_login(su_user)
    dep, ret = tf.trip_dates()
    response = client.post(
        reverse("tracker:trip_new", args=[engagement.pk]), _trip(dep, ret, origin="架空市")
    )
    assert response.status_code == 400 and "架空市" in " ".join(response.context["form"].errors["origin"])


def test_the_estimate_has_thousands_separators_and_the_budget_left_is_shown(
    client, engagement, su_user, budget
):
    client.force_login(su_user)
    dep, ret = tf.trip_dates()
    response = client.post(
        reverse("tracker:trip_new", args=[engagement.pk]), _trip(dep, ret, origin="東京都", estimate="1")
    )
    html = response.content.decode()
    total = response.context["estimate"].total
    assert total >= 10_000
    estimate = re.search(r'<div class="card" id="estimate">(.*?)</div>', html, flags=re.S).group(1)
    assert f"¥{total:,}" in estimate and f"{total}" not in estimate.replace(f"{total:,}", "")
    left = re.search(r'<p id="budget-left"[^>]*>(.*?)</p>', html, flags=re.S).group(1)
    assert f"¥{budget.free_yen:,}" in left and "旅費支援予算の残り" in left


def test_the_form_shows_the_origin_by_name_and_offers_the_autocomplete(client, engagement, su_user, budget):
    client.force_login(su_user)
    html = client.get(reverse("tracker:trip_new", args=[engagement.pk])).content.decode()
    field = re.search(r'<input[^>]*name="origin"[^>]*>', html).group(0)
    assert 'data-lg-autocomplete="/geo/local-governments/"' in field and 'list="id_origin-choices"' in field
    assert '<datalist id="id_origin-choices"></datalist>' in html
    assert "js/lg-autocomplete.js" in html
    with translation.override("en"):
        english_url = reverse("tracker:trip_new", args=[engagement.pk])
    with_english = client.get(english_url).content.decode()
    assert 'data-lg-autocomplete="/en/geo/local-governments/"' in with_english


def test_the_parties_give_an_engagement_an_english_title_and_summary(client, engagement, muni_user, su_user):
    client.force_login(muni_user)
    url = reverse("engagement:describe", args=[engagement.pk])
    response = client.post(
        url,
        {
            "title": "遠隔健診",
            "title_en": "Remote check-ups",
            "summary": "妊婦健診を遠隔で。",
            "summary_en": "",
        },
    )
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert (engagement.title, engagement.title_en, engagement.summary) == (
        "遠隔健診",
        "Remote check-ups",
        "妊婦健診を遠隔で。",
    )
    assert AuditEvent.objects.filter(
        action="tracker.engagement_described", object_id=str(engagement.pk)
    ).exists()
    with translation.override("en"):
        assert str(engagement).endswith("Remote check-ups")
    client.force_login(su_user)
    with translation.override("en"):
        english_url = reverse("tracker:engagement", args=[engagement.pk])
    english = client.get(english_url).content.decode()
    summary = re.search(r'<p class="lead" id="engagement-summary">(.*?)</p>', english, flags=re.S).group(1)
    assert '<span lang="ja">妊婦健診を遠隔で。</span>' in summary and "Available in Japanese only" in summary


def test_someone_else_cannot_describe_an_engagement(client, engagement):
    outsider = factories.staff(tf.municipality("011002", "札幌市"))
    client.force_login(outsider)
    response = client.post(reverse("engagement:describe", args=[engagement.pk]), {"title": "x"})
    assert response.status_code == 404
    engagement.refresh_from_db()
    assert engagement.title != "x"
