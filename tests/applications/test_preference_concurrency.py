"""Acceptance: several members of one startup give first choice to different applications at the same moment — each
call succeeds (swapping), and exactly one application ends up 第1希望.

PostgreSQL only: SQLite serialises every writer on the file, so it cannot show a race (CI runs the suite on both).
"""

import threading

import pytest
from django.db import connection, connections

from portal.accounts.models import Organisation, User
from portal.applications import services
from portal.applications.models import Application
from tests import factories
from tests.applications.factories import PROPOSAL
from tests.challenges import factories as challenge_factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite locks the file"
    ),
]

N = 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_first_choices_leave_exactly_one_first_choice():
    startup = factories.organisation(Organisation.Kind.STARTUP, name="株式会社同時", slug="simultaneous")
    members = [factories.member(startup, email=f"m{i}@simultaneous.example.jp") for i in range(N)]
    municipality = challenge_factories.municipality("372013", "高松市", slug="takamatsu")
    applications = []
    for i in range(N):
        challenge = challenge_factories.challenge(municipality_org=municipality, title=f"課題{i}")
        application = services.application_start(challenge=challenge, actor=members[0], **PROPOSAL)
        services.application_submit(application=application, actor=members[0])
        applications.append(application)
    barrier = threading.Barrier(N)
    errors: list[str] = []
    lock = threading.Lock()

    def rank_first(i: int) -> None:
        try:
            actor = User.objects.get(pk=members[i].pk)
            application = Application.objects.get(pk=applications[i].pk)
            barrier.wait(timeout=60)
            try:
                services.application_set_preference(application=application, rank=1, by=actor)
            except Exception as exc:  # any failure (an IntegrityError from a lost race) fails the test below
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rank_first, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    ranks = list(Application.objects.filter(startup=startup).values_list("preference", flat=True))
    assert sorted(ranks, key=lambda r: r or 0) == [None] * (N - 1) + [1]
