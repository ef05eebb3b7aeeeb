"""Scorecard services: a side's pulse answer about the stage its engagement is in."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from portal.core.audit import record

from .. import permissions, workflow
from ..models import Blocker, Engagement, PulseResponse


def pulse_answered(engagement: Engagement, side: str) -> bool:
    return PulseResponse.objects.filter(engagement=engagement, stage=engagement.stage, side=side).exists()


def pulse_submit(
    *, engagement: Engagement, actor, satisfaction: int, would_work_again: bool, blocker: str
) -> PulseResponse:
    """Record the actor's side's answer about the engagement's current stage: satisfaction 1–5, whether they would
    work together again, what blocked. Once per side and stage; the answer is never shown on its own (only medians
    and counts of at least SCORECARD_MIN_ANSWERS answers, tracker/scorecards.py), so the audit event keeps no values."""
    side = permissions.pulse_side(actor, engagement)
    if not side:
        raise PermissionDenied(permissions.can_answer_pulse(actor, engagement)[1])
    if blocker not in Blocker.values:
        raise ValidationError({"blocker": _("Choose what blocked you from the list.")}, code="invalid_choice")
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        organisation = engagement.municipality if side == workflow.MUNICIPALITY else engagement.startup
        answer = PulseResponse(
            engagement=engagement,
            stage=engagement.stage,
            side=side,
            organisation=organisation,
            respondent=actor,
            satisfaction=satisfaction,
            would_work_again=bool(would_work_again),
            blocker=blocker,
            fiscal_year=engagement.fiscal_year,
        )
        answer.full_clean(exclude=["engagement", "organisation", "respondent"], validate_unique=False)
        if PulseResponse.objects.filter(engagement=engagement, stage=engagement.stage, side=side).exists():
            raise ValidationError(
                _("Your organisation has already answered for this stage."), code="already_answered"
            )
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError as exc:  # two members of one side at the same moment: the first answer counts
            raise ValidationError(
                _("Your organisation has already answered for this stage."), code="already_answered"
            ) from exc
        record(actor=actor, action="tracker.pulse_answered", obj=engagement, stage=answer.stage, side=side)
    return answer
