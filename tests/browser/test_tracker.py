"""In a real browser: a startup requests travel support on the site (estimate pre-filled from geo), ministry staff
approve it in the admin, the startup settles with a receipt, and the dashboard shows the budget change."""

import pytest

from portal.core.calendar import current_fiscal_year
from portal.tracker.models import TravelRequest, TravelState
from tests import factories
from tests.browser.login import log_in
from tests.tracker import factories as tf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_travel_support_from_request_to_dashboard(page, chromium, live_server, tmp_path):
    ministry = tf.ministry_user()
    startup = tf.startup()
    founder = factories.member(startup, email="founder@trip.example.jp")
    engagement = tf.engagement(startup_org=startup, actor=ministry)
    tf.budget(1_000_000, actor=ministry)
    dep, ret = tf.trip_dates()

    # 1. The startup asks for support: the estimate fills in fares, lodging and allowance.
    log_in(page, founder.email)
    page.goto(f"/mypage/engagements/{engagement.pk}/")
    page.locator("#request-travel").click()
    page.locator("#id_origin").fill("130001")
    page.locator("#id_departure_date").fill(dep.isoformat())
    page.locator("#id_return_date").fill(ret.isoformat())
    page.locator("#id_traveller_names").fill("山田太郎")
    page.locator("#id_purpose").fill("初回訪問と現場確認")
    page.locator("#id_transport").select_option("express")
    page.locator("button[name=estimate]").click()
    page.wait_for_selector("#estimate")
    assert int(page.locator("#id_fares_yen").input_value()) > 0
    page.locator("button[name=send]").click()
    page.wait_for_selector("#trip-state")
    trip = TravelRequest.objects.get()
    assert trip.state == TravelState.REQUESTED and trip.estimate_total_yen > 0

    # 2. Ministry staff approve it in the admin.
    context = chromium.new_context(base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(15_000)
    admin = context.new_page()
    log_in(admin, ministry.email)
    admin.goto(f"/admin/tracker/travel/{trip.pk}/")
    admin.locator("#approve-form button[type=submit]").click()
    admin.wait_for_load_state()
    trip.refresh_from_db()
    assert trip.state == TravelState.APPROVED and trip.approved_yen == trip.estimate_total_yen

    # 3. The startup settles the actual costs with a receipt.
    receipt = tmp_path / "領収書.pdf"
    receipt.write_bytes(tf.PDF)
    page.goto(f"/mypage/trips/{trip.pk}/")
    page.locator("#id_fares_yen").fill(str(trip.estimate_fares_yen - 1000))
    page.locator("#settle-form input[type=file]").set_input_files(str(receipt))
    page.locator("#settle-form button[type=submit]").click()
    page.wait_for_selector("#trip-state")
    trip.refresh_from_db()
    assert trip.state == TravelState.SETTLED and trip.settled_yen == trip.estimate_total_yen - 1000

    # 4. The dashboard shows the budget: settled amount out, the rest free again.
    admin.goto(f"/admin/tracker/dashboard/?fy={current_fiscal_year()}")
    cells = admin.locator("#budget-table td").all_inner_texts()
    assert f"¥{trip.settled_yen:,}" in cells and f"¥{1_000_000 - trip.settled_yen:,}" in cells
    assert admin.locator("svg[role=img] title").count() >= 3
    context.close()
