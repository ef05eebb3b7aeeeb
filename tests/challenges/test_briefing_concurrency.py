"""Acceptance: two startups register for the last seat of a briefing at the same moment — exactly one gets it, the
other is told the briefing is full, and the session never holds more registrations than its capacity.

PostgreSQL only: SQLite serialises every writer on the file, so it cannot show a race (CI runs the suite on both).
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from portal.accounts.models import Organisation, User
from portal.challenges.briefings import services
from portal.challenges.briefings.models import BriefingRegistration, BriefingSession
from tests import factories
from tests.challenges import factories as cf

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite locks the file"
    ),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_startups_race_for_the_last_seat():
    session = cf.briefing(capacity=2)
    first = factories.organisation(Organisation.Kind.STARTUP, name="株式会社先着", slug="first-come")
    services.briefing_register(actor=factories.member(first, email="a@first.example.jp"), session=session)
    racers = []
    for i in range(2):
        org = factories.organisation(Organisation.Kind.STARTUP, name=f"株式会社競争{i}", slug=f"racer-{i}")
        racers.append(factories.member(org, email=f"r{i}@racer.example.jp"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def register(i: int) -> None:
        try:
            actor = User.objects.get(pk=racers[i].pk)
            mine = BriefingSession.objects.get(pk=session.pk)
            barrier.wait(timeout=60)
            try:
                services.briefing_register(actor=actor, session=mine)
                result = "registered"
            except ValidationError as exc:
                result = exc.code or "invalid"
            except Exception as exc:  # any other failure (an IntegrityError from a lost race) fails the test
                result = f"{type(exc).__name__}: {exc}"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert sorted(outcomes) == ["full", "registered"]
    assert BriefingRegistration.objects.filter(session=session, cancelled_at__isnull=True).count() == 2
