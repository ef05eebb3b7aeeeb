"""Status follows from the window (JST) and the recorded outcome, at the exact edges."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from portal.challenges.models import ChallengePage
from portal.challenges.services import challenge_record_outcome
from portal.challenges.status import ChallengeStatus, status_q
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")
OPENS = dt.datetime(2026, 4, 1, 0, 0, tzinfo=JST)
CLOSES = dt.datetime(2026, 4, 30, 23, 59, 59, tzinfo=JST)
TICK = dt.timedelta(microseconds=1)


@pytest.fixture
def challenge():
    return cf.challenge(opens=OPENS, closes=CLOSES)


@pytest.mark.parametrize(
    "now, expected",
    [
        (OPENS - TICK, ChallengeStatus.UPCOMING),
        (OPENS, ChallengeStatus.OPEN),
        (CLOSES, ChallengeStatus.OPEN),
        (CLOSES + TICK, ChallengeStatus.CLOSED),
        # 2026-03-31 15:00 UTC is 2026-04-01 00:00 in Tokyo: open, though still March in UTC.
        (dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC), ChallengeStatus.OPEN),
        (dt.datetime(2026, 3, 31, 14, 59, 59, tzinfo=dt.UTC), ChallengeStatus.UPCOMING),
        (dt.datetime(2026, 4, 30, 15, 0, tzinfo=dt.UTC), ChallengeStatus.CLOSED),
    ],
)
def test_status_at_window_edges_in_jst(challenge, now, expected):
    assert challenge.status_at(now) == expected
    # The database filter agrees with the Python derivation at the same instant.
    assert list(ChallengePage.objects.filter(status_q(expected, now)).values_list("pk", flat=True)) == [
        challenge.pk
    ]


def test_outcome_overrides_dates_and_survives_republishing(challenge):
    challenge_record_outcome(challenge=challenge, outcome="matched")
    assert challenge.status_at(CLOSES + TICK) == ChallengeStatus.MATCHED
    assert challenge.status_at(OPENS) == ChallengeStatus.MATCHED
    page = ChallengePage.objects.get(pk=challenge.pk)
    page.save_revision().publish()
    assert ChallengePage.objects.get(pk=challenge.pk).outcome == "matched"
    challenge_record_outcome(challenge=challenge, outcome="no_match")
    assert ChallengePage.objects.filter(status_q(ChallengeStatus.NO_MATCH)).count() == 1


def test_unknown_outcome_is_refused(challenge):
    with pytest.raises(ValidationError):
        challenge_record_outcome(challenge=challenge, outcome="maybe")
    assert ChallengePage.objects.get(pk=challenge.pk).outcome == ""
