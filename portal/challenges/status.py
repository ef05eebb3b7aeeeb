"""A challenge's status, derived from its application window and its recorded outcome — never typed by hand.

Edges (all instants are timezone-aware; the admin and the import read them in JST):
  now <  application_opens                     → upcoming
  application_opens <= now <= application_closes → open (both ends inclusive)
  now >  application_closes                    → closed
An outcome recorded by `services.challenge_record_outcome` (matched / no match) wins over the dates.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChallengeStatus(models.TextChoices):
    UPCOMING = "upcoming", _("upcoming")
    OPEN = "open", _("open for applications")
    CLOSED = "closed", _("closed")
    MATCHED = "matched", _("matched")
    NO_MATCH = "no_match", _("no match")


class ChallengeOutcome(models.TextChoices):
    """What happened after the window closed; written only by `services.challenge_record_outcome`."""

    MATCHED = "matched", _("matched")
    NO_MATCH = "no_match", _("no match")


def derive_status(*, opens: dt.datetime, closes: dt.datetime, outcome: str, now: dt.datetime) -> str:
    if outcome:
        return outcome
    if now < opens:
        return ChallengeStatus.UPCOMING
    if now <= closes:
        return ChallengeStatus.OPEN
    return ChallengeStatus.CLOSED


def status_q(status: str, now: dt.datetime | None = None) -> Q:
    """The filter selecting challenges in `status` at `now`: the database twin of `derive_status`."""
    now = now or timezone.now()
    undecided = Q(outcome="")
    if status == ChallengeStatus.MATCHED:
        return Q(outcome=ChallengeOutcome.MATCHED)
    if status == ChallengeStatus.NO_MATCH:
        return Q(outcome=ChallengeOutcome.NO_MATCH)
    if status == ChallengeStatus.UPCOMING:
        return undecided & Q(application_opens__gt=now)
    if status == ChallengeStatus.OPEN:
        return undecided & Q(application_opens__lte=now, application_closes__gte=now)
    if status == ChallengeStatus.CLOSED:
        return undecided & Q(application_closes__lt=now)
    raise ValueError(f"unknown status {status!r}")
