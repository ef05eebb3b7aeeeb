"""A payment's ledger note is written in the reader's language, not frozen in English when it was paid (issue #17:
found by the crawl, tests/test_crawl.py)."""

import pytest
from django.utils import translation

from portal.core.calendar import today_jst
from portal.tracker import services
from portal.tracker.models import LedgerEntry
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def test_a_payment_note_reads_in_each_language(engagement, su_user, ministry, budget):
    trip = tf.settled_trip(engagement, su_user, ministry)
    paid_on = today_jst()
    services.travel_request_pay(request=trip, actor=ministry, paid_on=paid_on)
    pay = LedgerEntry.objects.select_related("request").get(kind="pay")
    assert pay.note == ""
    with translation.override("ja"):
        assert pay.note_text.startswith("支払日 ") and "paid" not in pay.note_text
    with translation.override("en"):
        assert pay.note_text.startswith("paid on ")
    # an entry written before the change (English frozen in the note) reads the same way
    old = LedgerEntry(
        kind="pay", request=pay.request, note=f"paid on {paid_on.isoformat()}"
    )  # rows are append-only
    with translation.override("ja"):
        assert old.note_text == pay.note_text
    # a note a person wrote is shown as written
    reserve = LedgerEntry.objects.filter(kind="reserve").first()
    assert reserve.note_text == reserve.note
