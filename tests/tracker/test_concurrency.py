"""Acceptance: 50 approvals at the same moment against a budget that fits only some — never overspent.

PostgreSQL only: SQLite serialises every writer on the file, so it cannot show a race (CI runs the suite on both).
"""

import threading

import pytest
from django.db import connection, connections
from django.test import override_settings

from portal.accounts.models import User
from portal.tracker import services
from portal.tracker.models import LedgerEntry, TravelRequest, TravelState
from portal.tracker.services import BudgetExceeded
from tests.tracker import factories as tf

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite locks the file"
    ),
]

N = 50
PER_TRIP = 56_200  # fares 40,000 + lodging 11,800 + allowance 4,400
BUDGET = 1_000_000  # fits 17 trips (955,400), not 18


# serialized_rollback: the staff groups and content types made by migrations survive the flush of earlier
# transactional tests (the browser tests), so this test finds them whatever runs before it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TRAVEL_MAX_TRIPS_PER_ENGAGEMENT_PER_FY=N)
def test_fifty_simultaneous_approvals_never_overspend_the_budget():
    ministry = tf.ministry_user()
    startup = tf.startup()
    member = tf.factories.member(startup)
    engagement = tf.engagement(startup_org=startup, actor=ministry)
    budget = tf.budget(BUDGET, actor=ministry)
    trips = [tf.travel_request(engagement, member) for _ in range(N)]
    barrier = threading.Barrier(N)
    outcomes: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def approve(pk: int) -> None:
        try:
            actor = User.objects.get(pk=ministry.pk)
            request = TravelRequest.objects.get(pk=pk)
            barrier.wait(timeout=60)
            try:
                services.travel_request_approve(request=request, actor=actor)
                result = ("approved", pk, "")
            except BudgetExceeded as exc:
                result = ("refused", pk, " ".join(exc.messages))
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(t.pk,)) for t in trips]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert len(outcomes) == N, "every approval answered, none crashed"
    approved = [pk for kind, pk, _ in outcomes if kind == "approved"]
    refusals = [msg for kind, _, msg in outcomes if kind == "refused"]
    assert len(approved) == BUDGET // PER_TRIP == 17
    assert len(approved) * PER_TRIP <= BUDGET
    # every refusal names what is left and what was asked (in the active language)
    left = f"{BUDGET - 17 * PER_TRIP:,}"
    assert all(left in msg and f"{PER_TRIP:,}" in msg for msg in refusals), refusals[:3]
    assert len(refusals) == N - 17

    budget.refresh_from_db()
    b = services.balances(budget)
    assert b["reserved"] == budget.reserved_yen == 17 * PER_TRIP
    assert b["free"] == BUDGET - 17 * PER_TRIP == budget.free_yen
    assert LedgerEntry.objects.filter(budget=budget, kind="reserve").count() == 17
    assert set(TravelRequest.objects.filter(state=TravelState.APPROVED).values_list("pk", flat=True)) == set(
        approved
    )
    assert TravelRequest.objects.filter(state=TravelState.REQUESTED).count() == N - 17
