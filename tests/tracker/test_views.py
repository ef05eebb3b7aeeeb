"""Pages: startups' engagements and trips on the site, staff screens in the admin, /results/, the dashboard."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.core.calendar import current_fiscal_year
from portal.core.fiscal import fiscal_year_label_ja
from portal.tracker import services
from portal.tracker.models import TravelRequest, TravelState
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def test_startup_sees_only_its_engagements(client, engagement, su_user):
    other = tf.engagement()
    client.force_login(su_user)
    page = client.get(reverse("tracker:engagements")).content.decode()
    assert reverse("tracker:engagement", args=[engagement.pk]) in page
    assert reverse("tracker:engagement", args=[other.pk]) not in page
    assert client.get(reverse("tracker:engagement", args=[other.pk])).status_code == 404


def test_startup_posts_a_report_and_bad_yen_gets_a_form_error(client, engagement, su_user):
    client.force_login(su_user)
    url = reverse("tracker:engagement", args=[engagement.pk])
    bad = client.post(url, {"action": "report", "text": "x", "cost_saved_yen": "1.5"})
    assert bad.status_code == 400 and not engagement.reports.exists()
    ok = client.post(url, {"action": "report", "text": "実証開始", "cost_saved_yen": "1000"})
    assert ok.status_code == 302 and engagement.reports.get().cost_saved_yen == 1000


def test_trip_request_prefill_send_and_settle_through_the_site(client, engagement, su_user, ministry, budget):
    client.force_login(su_user)
    url = reverse("tracker:trip_new", args=[engagement.pk])
    dep, ret = tf.trip_dates()
    form = {
        "origin": "130001",
        "departure_date": dep.isoformat(),
        "return_date": ret.isoformat(),
        "travellers": "1",
        "traveller_names": "山田",
        "purpose": "訪問",
        "transport": "express",
    }
    prefilled = client.post(url, {**form, "estimate": "1"})
    assert prefilled.status_code == 200 and prefilled.context["estimate"].total > 0
    est = prefilled.context["estimate"]
    sent = client.post(
        url,
        {
            **form,
            "fares_yen": est.fares,
            "lodging_yen": est.lodging,
            "allowance_yen": est.daily_allowance,
            "send": "1",
        },
    )
    trip = TravelRequest.objects.get()
    assert sent.status_code == 302 and trip.estimate_total_yen == est.total
    services.travel_request_approve(request=trip, actor=ministry)
    detail = reverse("tracker:trip", args=[trip.pk])
    settled = client.post(
        detail,
        {
            "action": "settle",
            "fares_yen": "1000",
            "lodging_yen": "0",
            "allowance_yen": "0",
            "receipts": tf.pdf(),
        },
    )
    assert settled.status_code == 302
    trip.refresh_from_db()
    assert trip.state == TravelState.SETTLED and trip.receipts.count() == 1
    receipt = trip.receipts.get()
    assert client.get(reverse("tracker:receipt", args=[receipt.pk])).status_code == 200


def test_return_before_departure_is_a_form_error(client, engagement, su_user, budget):
    client.force_login(su_user)
    dep, _ = tf.trip_dates()
    response = client.post(
        reverse("tracker:trip_new", args=[engagement.pk]),
        {
            "origin": "130001",
            "departure_date": dep.isoformat(),
            "return_date": "2000-01-01",
            "travellers": "1",
            "traveller_names": "山田",
            "purpose": "訪問",
            "transport": "express",
            "fares_yen": "1",
            "lodging_yen": "0",
            "allowance_yen": "0",
            "send": "1",
        },
    )
    assert response.status_code == 400 and "return_date" in response.context["form"].errors
    assert not TravelRequest.objects.exists()


def test_someone_elses_trip_and_receipt_are_hidden(client, engagement, su_user, ministry, budget):
    trip = tf.travel_request(engagement, su_user)
    client.force_login(factories.member(tf.startup(name="他社")))
    assert client.get(reverse("tracker:trip", args=[trip.pk])).status_code == 404
    assert client.post(reverse("tracker:trip", args=[trip.pk]), {"action": "trip_done"}).status_code == 404


def test_marking_a_trip_done_before_approval_says_why_instead_of_crashing(
    client, engagement, su_user, budget
):
    """Found by the permission matrix: the refusal went into a form that was never bound (a server error)."""
    trip = tf.travel_request(engagement, su_user)
    client.force_login(su_user)
    response = client.post(reverse("tracker:trip", args=[trip.pk]), {"action": "trip_done"}, follow=True)
    assert response.status_code == 400
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    trip.refresh_from_db()
    assert trip.state == TravelState.REQUESTED


def test_ministry_approves_in_the_admin_and_the_dashboard_shows_it(
    client, engagement, su_user, ministry, budget
):
    trip = tf.travel_request(engagement, su_user)
    client.force_login(ministry)
    response = client.post(
        reverse("travel_request:approve", args=[trip.pk]),
        {"amount_yen": str(trip.estimate_total_yen), "note": ""},
    )
    assert response.status_code == 302
    dash = client.get(reverse("tracker_admin:dashboard"), {"fy": current_fiscal_year()})
    html = dash.content.decode()
    assert dash.status_code == 200 and 'role="img"' in html and "<title" in html and "<desc" in html
    rows = {str(k): v for k, v in dash.context["budget_rows"]}
    assert trip.estimate_total_yen in rows.values() and 1_000_000 - trip.estimate_total_yen in rows.values()


def test_admin_approval_over_budget_says_why(client, engagement, su_user, ministry):
    tf.budget(10_000, actor=ministry)
    trip = tf.travel_request(engagement, su_user, fares=8_000, lodging=0, allowance=4_000)
    client.force_login(ministry)
    response = client.post(reverse("travel_request:approve", args=[trip.pk]), {"amount_yen": "12000"})
    assert response.status_code == 400 and "10,000" in response.content.decode()


def test_municipality_staff_are_scoped_and_cannot_open_ministry_screens(client, engagement, muni_user):
    other = tf.engagement(municipality_org=tf.municipality("431001", "熊本市"))
    client.force_login(muni_user)
    assert client.get(reverse("engagement:inspect", args=[engagement.pk])).status_code == 200
    assert client.get(reverse("engagement:inspect", args=[other.pk])).status_code == 404
    for name in ("tracker_admin:dashboard", "fiscal_budget:index", "adoption_request:index"):
        assert client.get(reverse(name)).status_code in (302, 403)


def test_ministry_records_an_outside_match(client, ministry, muni_org, su_org):
    client.force_login(ministry)
    response = client.post(
        reverse("engagement:add"),
        {"municipality": muni_org.pk, "startup": su_org.pk, "reason": "展示会で出会った"},
    )
    assert response.status_code == 302
    assert su_org.engagements_as_startup.get().source == "outside"


def test_public_results_per_fiscal_year(client, engagement, ministry):
    response = client.get("/results/")
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row["year"] == current_fiscal_year() and row["figures"]["matches"] == 1


@pytest.mark.parametrize("url_name", ["engagement:index", "travel_request:index"])
def test_admin_lists_use_a_fixed_number_of_queries(client, ministry, su_org, su_user, url_name):
    client.force_login(ministry)
    tf.budget(100_000_000, actor=ministry)
    counts = []
    for n in (2, 15):
        while su_org.engagements_as_startup.count() < n:
            e = tf.engagement(startup_org=su_org, actor=ministry)
            tf.travel_request(e, su_user)
        client.get(reverse(url_name))  # warm caches (menus, sessions)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_case_study_page_is_public_after_both_approvals(client, engagement, su_user, muni_user, ministry):
    page = services.case_study_draft(engagement=engagement, actor=ministry)
    assert client.get(f"/case-studies/case-{engagement.pk}/").status_code == 404
    for user in (muni_user, su_user):  # both parties consent to publication (tests/tracker/test_consent.py)
        services.consent_set(engagement=engagement, actor=user, purpose="publish_case_study", granted=True)
    services.case_study_approve(page=page, actor=muni_user)
    services.case_study_approve(page=page, actor=su_user)
    page.refresh_from_db()
    assert client.get(page.url).status_code == 200
    assert page.title in client.get("/case-studies/").content.decode()


def test_trip_amounts_are_shown_as_yen_and_nothing_is_approved_before_the_decision(
    client, engagement, su_user, ministry, budget
):
    """QA pass: the trip lists printed 56200 and an approved amount of 0 for a request nobody had decided yet."""
    trip = tf.travel_request(engagement, su_user)  # 40,000 + 11,800 + 4,400
    client.force_login(su_user)
    listing = client.get(reverse("tracker:trips")).content.decode()
    detail = client.get(reverse("tracker:trip", args=[trip.pk])).content.decode()
    assert "¥56,200" in listing and "56200" not in listing
    assert "¥56,200" in detail and '<dd id="trip-approved">—</dd>' in detail
    client.force_login(ministry)
    admin_list = client.get(reverse("travel_request:index")).content.decode()
    assert "¥56,200" in admin_list and re.search(r"<td[^>]*>\s*—\s*</td>", admin_list)
    client.post(
        reverse("travel_request:approve", args=[trip.pk]),
        {"amount_yen": "56200", "note": ""},
    )
    budgets = client.get(reverse("fiscal_budget:index")).content.decode()
    assert "¥1,000,000" in budgets and "¥943,800" in budgets
    client.force_login(su_user)
    detail = client.get(reverse("tracker:trip", args=[trip.pk])).content.decode()
    assert '<dd id="trip-approved">¥56,200</dd>' in detail


def test_trip_pages_label_origin_and_destination_as_travel_not_as_a_change(
    client, engagement, su_user, ministry, budget
):
    """QA pass: the trip screens reused the stage-history words, so Japanese read 変更前/変更後 (before/after a change)."""
    trip = tf.travel_request(engagement, su_user)
    client.force_login(su_user)
    detail = client.get(reverse("tracker:trip", args=[trip.pk])).content.decode()
    assert "<dt>出発地</dt>" in detail and "変更前" not in detail
    client.force_login(ministry)
    for url in (reverse("travel_request:index"), reverse("travel_request:inspect", args=[trip.pk])):
        page = client.get(url).content.decode()
        assert "用務地" in page and "変更前" not in page and "変更後" not in page


def test_startup_tables_scroll_inside_the_page_on_a_phone(client, engagement, su_user, ministry, budget):
    """QA pass: at 375 px the English trip and engagement tables pushed the whole page sideways."""
    tf.travel_request(engagement, su_user)
    client.force_login(su_user)
    for url in (reverse("tracker:trips"), reverse("tracker:engagements")):
        page = client.get(url).content.decode()
        assert '<div class="table-wrap"><table' in page, url


def test_public_results_name_fiscal_years_as_the_programme_does(client, engagement, ministry):
    """QA pass: /results/ headed its rows FY2026 in Japanese while the rounds and the home page say 令和8年度."""
    year = current_fiscal_year()
    japanese = client.get("/results/").content.decode()
    english = client.get("/en/results/").content.decode()
    assert f'<th scope="row">{fiscal_year_label_ja(year)}</th>' in japanese and f"FY{year}" not in japanese
    assert f'<th scope="row">FY{year}</th>' in english


def test_ministry_sees_what_is_free_in_the_budget_before_approving(
    client, engagement, su_user, ministry, budget
):
    """QA pass: the approval form gave no idea of the budget; the ministry learnt it only from a refusal."""
    trip = tf.travel_request(engagement, su_user)
    other = tf.travel_request(engagement, su_user)
    client.force_login(ministry)
    client.post(
        reverse("travel_request:approve", args=[other.pk]),
        {"amount_yen": "56200", "note": ""},
    )
    html = client.get(reverse("travel_request:inspect", args=[trip.pk])).content.decode()
    # The admin names the fiscal year as the rest of the portal does (令和8年度), not FY2026.
    assert f"{fiscal_year_label_ja(trip.fiscal_year)}の旅費予算の残額：¥943,800" in html


def test_a_new_startup_is_told_how_engagements_and_trips_come_about(client, su_user):
    """QA pass: a startup without a match met bare 'no trips yet' / 'no engagements yet' rows, with no way on."""
    client.force_login(su_user)
    trips = client.get("/mypage/trips/").content.decode()
    assert "旅費支援は、マッチングが成立した自治体を訪問するための支援です。" in trips
    engagements = client.get("/mypage/engagements/").content.decode()
    assert "応募が総務省によって自治体とマッチングされると、取組みが始まります。" in engagements
    assert 'href="/challenges/?status=open">募集中の課題を見る</a>' in engagements
    assert 'href="/challenges/?status=open">募集中の課題を見る</a>' in client.get("/mypage/").content.decode()


def test_the_stalled_facet_offers_any_yes_no_not_unknown(client, engagement, su_user):
    """QA pass: the yes/no facets' empty choice read 不明 ('unknown'), as if it looked for an unknown value."""
    client.force_login(su_user)
    html = client.get("/mypage/engagements/").content.decode()
    facet = html[html.index('name="flagged"') : html.index("</select>", html.index('name="flagged"'))]
    assert "不明" not in facet and ">はい</option>" in facet and ">いいえ</option>" in facet
    assert (
        reverse("tracker:engagement", args=[engagement.pk])
        in client.get("/mypage/engagements/?flagged=false").content.decode()
    )
    assert (
        reverse("tracker:engagement", args=[engagement.pk])
        not in client.get("/mypage/engagements/?flagged=true").content.decode()
    )
