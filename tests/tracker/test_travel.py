"""Travel support: caps, approval into the ledger, settlement (below, above), release, payment, reversal, bad input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from portal.core.calendar import current_fiscal_year, today_jst
from portal.core.fiscal import fiscal_year_label_ja
from portal.geo.models import LocalGovernment
from portal.tracker import services
from portal.tracker.models import AppendOnlyError, FiscalBudget, LedgerEntry, TravelRequest, TravelState
from portal.tracker.services import BudgetExceeded
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def _assert_books_balance(budget):
    budget.refresh_from_db()
    b = services.balances(budget)
    assert (b["reserved"], b["settled"], b["paid"]) == (
        budget.reserved_yen,
        budget.settled_yen,
        budget.paid_yen,
    )
    assert b["free"] == budget.free_yen >= 0
    return b


def test_request_is_prefilled_from_geo_and_sums_exactly(engagement, su_user, budget):
    dep, ret = tf.trip_dates()
    est = services.travel_estimate(
        origin=LocalGovernment.objects.get(code="130001"),
        destination=engagement.municipality.local_government,
        travellers=2,
        departure_date=dep,
        return_date=ret,
    )
    assert est.total == est.fares + est.lodging + est.daily_allowance and est.nights == 1
    trip = tf.travel_request(
        engagement, su_user, fares=est.fares, lodging=est.lodging, allowance=est.daily_allowance, travellers=2
    )
    assert trip.estimate_total_yen == est.total and trip.state == TravelState.REQUESTED
    assert trip.destination_id == "372013" and trip.fiscal_year == current_fiscal_year()


def test_full_cycle_below_approval_releases_the_rest_and_pays(engagement, su_user, ministry, budget):
    trip = tf.travel_request(engagement, su_user)  # 56,200
    services.travel_request_approve(request=trip, actor=ministry)
    assert _assert_books_balance(budget)["reserved"] == 56_200
    services.travel_trip_done(request=trip, actor=su_user)
    trip = tf.settle(trip, su_user, fares=38_000)
    assert trip.state == TravelState.SETTLED and trip.settled_yen == 54_200
    b = _assert_books_balance(budget)
    assert (b["reserved"], b["settled"], b["free"]) == (0, 54_200, 1_000_000 - 54_200)
    release = LedgerEntry.objects.get(request=trip, kind="release")
    assert release.amount_yen == 2_000
    services.travel_request_pay(request=trip, actor=ministry, paid_on=today_jst())
    b = _assert_books_balance(budget)
    assert (b["settled"], b["paid"]) == (0, 54_200)
    trip.refresh_from_db()
    assert trip.state == TravelState.PAID and trip.paid_on == today_jst()
    assert list(LedgerEntry.objects.filter(request=trip).values_list("kind", flat=True)) == [
        "reserve",
        "settle",
        "release",
        "pay",
    ]


def test_settlement_above_approval_needs_a_new_approval_of_the_difference(
    engagement, su_user, ministry, budget
):
    trip = tf.travel_request(engagement, su_user)
    services.travel_request_approve(request=trip, actor=ministry, amount_yen=50_000)
    trip = tf.settle(trip, su_user, fares=45_000)
    assert trip.state == TravelState.EXCESS_REVIEW
    assert _assert_books_balance(budget)["reserved"] == 50_000  # nothing moved yet
    trip = services.travel_excess_approve(request=trip, actor=ministry)
    assert trip.state == TravelState.SETTLED and trip.approved_yen == trip.settled_yen == 61_200
    b = _assert_books_balance(budget)
    assert (b["reserved"], b["settled"]) == (0, 61_200)
    reserves = LedgerEntry.objects.filter(request=trip, kind="reserve").values_list("amount_yen", flat=True)
    assert sorted(reserves) == [11_200, 50_000]


def test_excess_refused_settles_at_the_approved_amount(engagement, su_user, ministry, budget):
    trip = tf.travel_request(engagement, su_user)
    services.travel_request_approve(request=trip, actor=ministry, amount_yen=50_000)
    trip = tf.settle(trip, su_user, fares=60_000, lodging=0, allowance=0)
    trip = services.travel_excess_refuse(request=trip, actor=ministry, reason="上限は承認額です")
    assert trip.settled_yen == 50_000 and _assert_books_balance(budget)["settled"] == 50_000


def test_excess_approval_refused_when_the_budget_is_spent(engagement, su_user, ministry):
    budget = tf.budget(60_000, actor=ministry)
    trip = tf.travel_request(engagement, su_user)
    services.travel_request_approve(request=trip, actor=ministry, amount_yen=56_200)
    trip = tf.settle(trip, su_user, fares=50_000)
    with pytest.raises(BudgetExceeded) as err:
        services.travel_excess_approve(request=trip, actor=ministry)
    assert "3,800" in str(err.value)
    trip.refresh_from_db()
    assert trip.state == TravelState.EXCESS_REVIEW
    _assert_books_balance(budget)


def test_approval_beyond_the_budget_is_refused_with_what_is_left(engagement, su_user, ministry):
    budget = tf.budget(50_000, actor=ministry)
    trip = tf.travel_request(engagement, su_user)
    with pytest.raises(BudgetExceeded) as err:
        services.travel_request_approve(request=trip, actor=ministry)
    assert "50,000" in str(err.value) and "56,200" in str(err.value)
    trip.refresh_from_db()
    assert trip.state == TravelState.REQUESTED and not LedgerEntry.objects.exists()
    _assert_books_balance(budget)


def test_only_ministry_approves_rejects_and_pays(engagement, su_user, muni_user, budget):
    trip = tf.travel_request(engagement, su_user)
    for actor in (su_user, muni_user):
        with pytest.raises(PermissionDenied):
            services.travel_request_approve(request=trip, actor=actor)
        with pytest.raises(PermissionDenied):
            services.travel_request_reject(request=trip, actor=actor, reason="x")


def test_rejection_needs_a_reason_and_reserves_nothing(engagement, su_user, ministry, budget):
    trip = tf.travel_request(engagement, su_user)
    with pytest.raises(ValidationError):
        services.travel_request_reject(request=trip, actor=ministry, reason="")
    trip = services.travel_request_reject(request=trip, actor=ministry, reason="目的が不明確")
    assert trip.state == TravelState.REJECTED and trip.decision_note == "目的が不明確"
    assert not LedgerEntry.objects.exists()
    with pytest.raises(ValidationError):
        services.travel_request_approve(request=trip, actor=ministry)


@override_settings(TRAVEL_CAP_PER_TRIP_YEN=50_000)
def test_cap_per_trip(engagement, su_user, budget):
    with pytest.raises(ValidationError) as err:
        tf.travel_request(engagement, su_user)  # 56,200 > 50,000
    assert "50,000" in str(err.value)
    assert not TravelRequest.objects.exists()


@override_settings(TRAVEL_MAX_TRAVELLERS=2)
def test_cap_on_travellers(engagement, su_user, budget):
    with pytest.raises(ValidationError) as err:
        tf.travel_request(engagement, su_user, travellers=3)
    assert "travellers" in err.value.message_dict


@override_settings(TRAVEL_MAX_TRIPS_PER_ENGAGEMENT_PER_FY=2)
def test_cap_on_trips_per_engagement_and_year_ignores_rejected(engagement, su_user, ministry, budget):
    first = tf.travel_request(engagement, su_user)
    tf.travel_request(engagement, su_user)
    with pytest.raises(ValidationError) as err:
        tf.travel_request(engagement, su_user)
    assert "2" in str(err.value)
    services.travel_request_reject(request=first, actor=ministry, reason="重複")
    tf.travel_request(engagement, su_user)  # a rejected request does not count
    assert TravelRequest.objects.count() == 3


@pytest.mark.parametrize(
    "field,value", [("fares", -1), ("lodging", 1.5), ("allowance", "千円"), ("fares", True)]
)
def test_bad_yen_is_refused_and_nothing_is_written(engagement, su_user, budget, field, value):
    with pytest.raises(ValidationError) as err:
        tf.travel_request(engagement, su_user, **{field: value})
    key = {
        "fares": "estimate_fares_yen",
        "lodging": "estimate_lodging_yen",
        "allowance": "estimate_allowance_yen",
    }
    assert key[field] in err.value.message_dict
    assert not TravelRequest.objects.exists()


def test_return_before_departure_is_refused(engagement, su_user, budget):
    dep, _ret = tf.trip_dates()
    with pytest.raises(ValidationError) as err:
        tf.travel_request(engagement, su_user, dates=(dep, dep - dt.timedelta(days=1)))
    assert "return_date" in err.value.message_dict
    assert not TravelRequest.objects.exists()


def test_trip_across_fiscal_years_or_without_a_budget_is_refused(engagement, su_user, ministry, budget):
    fy = current_fiscal_year()
    with pytest.raises(ValidationError) as err:
        tf.travel_request(engagement, su_user, dates=(dt.date(fy + 1, 3, 31), dt.date(fy + 1, 4, 1)))
    assert "one fiscal year" in str(err.value) or "年度" in str(err.value)
    with pytest.raises(ValidationError) as err:
        tf.travel_request(engagement, su_user, dates=(dt.date(fy - 3, 6, 1), dt.date(fy - 3, 6, 2)))
    # The fiscal year is named as everywhere else in Japanese (令和5年度), see docs/glossary.md.
    assert fiscal_year_label_ja(fy - 3) in str(err.value)
    assert not TravelRequest.objects.exists()


def test_settling_someone_elses_trip_is_refused(engagement, su_user, ministry, budget):
    trip = tf.travel_request(engagement, su_user)
    services.travel_request_approve(request=trip, actor=ministry)
    other = factories.member(tf.startup(name="他社"))
    for actor in (other, ministry):
        with pytest.raises(PermissionDenied):
            tf.settle(trip, actor, fares=1, lodging=0, allowance=0)
    trip.refresh_from_db()
    assert trip.state == TravelState.APPROVED and not trip.receipts.exists()


def test_settlement_needs_receipts_and_refuses_bad_amounts(engagement, su_user, ministry, budget):
    trip = tf.travel_request(engagement, su_user)
    services.travel_request_approve(request=trip, actor=ministry)
    with pytest.raises(ValidationError) as err:
        services.travel_request_settle(
            request=trip, actor=su_user, fares_yen=-5, lodging_yen=0, allowance_yen=0, receipts=[]
        )
    assert {"receipts", "actual_fares_yen"} <= set(err.value.message_dict)
    trip.refresh_from_db()
    assert trip.state == TravelState.APPROVED and LedgerEntry.objects.count() == 1


def test_ledger_is_append_only(engagement, su_user, ministry, budget):
    trip = tf.travel_request(engagement, su_user)
    services.travel_request_approve(request=trip, actor=ministry)
    entry = LedgerEntry.objects.get()
    entry.amount_yen = 1
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_yen=1)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    if connection.vendor == "postgresql":  # the trigger refuses even raw SQL
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE tracker_ledgerentry SET amount_yen = 1")
    assert LedgerEntry.objects.get().amount_yen == 56_200


def test_database_check_refuses_an_overspent_budget(budget):
    with pytest.raises(IntegrityError), transaction.atomic():
        FiscalBudget.objects.filter(pk=budget.pk).update(reserved_yen=budget.amount_yen + 1)


def test_reversing_entries_correct_the_books(engagement, su_user, ministry, budget):
    trip = tf.settled_trip(engagement, su_user, ministry)
    services.travel_request_pay(request=trip, actor=ministry, paid_on=today_jst())
    pay = LedgerEntry.objects.get(kind="pay")
    reversal = services.ledger_reverse(entry=pay, actor=ministry, reason="二重計上")
    assert (reversal.kind, reversal.reverses_id, reversal.paid_delta, reversal.settled_delta) == (
        "reversal",
        pay.pk,
        -56_200,
        56_200,
    )
    b = _assert_books_balance(budget)
    assert (b["settled"], b["paid"]) == (56_200, 0)
    trip.refresh_from_db()
    assert trip.state == TravelState.SETTLED and trip.paid_on is None
    pay.refresh_from_db()
    assert pay.amount_yen == 56_200  # the original stays as it was
    with pytest.raises(ValidationError):
        services.ledger_reverse(entry=pay, actor=ministry, reason="again")
    with pytest.raises(ValidationError):
        services.ledger_reverse(entry=reversal, actor=ministry, reason="reverse the reversal")
    services.travel_request_pay(request=trip, actor=ministry, paid_on=today_jst())
    assert _assert_books_balance(budget)["paid"] == 56_200


def test_reversal_refused_when_the_money_has_moved_on(engagement, su_user, ministry, budget):
    tf.settled_trip(engagement, su_user, ministry)
    reserve = LedgerEntry.objects.get(kind="reserve")
    with pytest.raises(ValidationError) as err:
        services.ledger_reverse(entry=reserve, actor=ministry, reason="x")
    assert "later entries" in str(err.value) or "後" in str(err.value)
    _assert_books_balance(budget)


def test_budget_cannot_shrink_below_what_is_committed(engagement, su_user, ministry, budget):
    trip = tf.travel_request(engagement, su_user)
    services.travel_request_approve(request=trip, actor=ministry)
    with pytest.raises(ValidationError):
        services.fiscal_budget_set(fiscal_year=budget.fiscal_year, amount_yen=50_000, actor=ministry)
    with pytest.raises(ValidationError):
        services.fiscal_budget_set(fiscal_year=budget.fiscal_year, amount_yen=-1, actor=ministry)
    budget.refresh_from_db()
    assert budget.amount_yen == 1_000_000


def test_payment_date_cannot_be_in_the_future(engagement, su_user, ministry, budget):
    trip = tf.settled_trip(engagement, su_user, ministry, fares=1, lodging=0, allowance=0)
    with pytest.raises(ValidationError):
        services.travel_request_pay(request=trip, actor=ministry, paid_on=today_jst() + dt.timedelta(days=1))
    trip.refresh_from_db()
    assert trip.state == TravelState.SETTLED
