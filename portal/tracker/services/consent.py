"""Data-use consent per engagement: each party grants or withdraws each purpose; the rules that need it enforce it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.audit import record
from portal.core.decisions import require

from .. import permissions
from ..models import CaseStudyPage, ConsentPurpose, DataConsent, Engagement
from .common import notify_both_sides


def consent_set(*, engagement: Engagement, actor, purpose: str, granted: bool) -> DataConsent | None:
    """Grant or withdraw one purpose for the actor's own party. Withdrawing consent to publish takes a live case
    study of the engagement off the site in the same transaction (it may only be public while both consent)."""
    side = permissions.consent_side(actor, engagement)
    require(permissions.can_change_consent(actor, engagement))
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Choose one of the purposes listed.")}, code="purpose")
    with transaction.atomic():
        Engagement.objects.select_for_update().get(pk=engagement.pk)  # one change at a time per engagement
        consent = DataConsent.objects.filter(engagement=engagement, side=side, purpose=purpose).first()
        if (consent.granted if consent is not None else False) == bool(granted):
            return consent  # already so (no row means not granted): nothing to record
        consent = consent or DataConsent(engagement=engagement, side=side, purpose=purpose)
        consent.granted = bool(granted)
        consent.changed_by = actor
        consent.changed_at = timezone.now()
        consent.full_clean()
        consent.save()
        action = "tracker.consent_granted" if granted else "tracker.consent_revoked"
        record(actor=actor, action=action, obj=engagement, side=side, purpose=purpose)
        notify_both_sides(
            engagement,
            kind=action,
            params={"purpose": ConsentPurpose(purpose).label, "party": DataConsent.Side(side).label},
        )
        if not granted and purpose == ConsentPurpose.PUBLISH_CASE_STUDY:
            page = CaseStudyPage.objects.filter(engagement=engagement, live=True).first()
            if page is not None:
                # taken off by the service on the party's word (neither party holds Wagtail's publish permission)
                page.unpublish(user=None)
                record(actor=actor, action="tracker.case_study_unpublished", obj=page, reason="consent")
    return consent
