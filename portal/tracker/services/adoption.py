"""Adoption (横展開) and case studies: spreading what worked to other municipalities."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.accounts.selectors import active_members
from portal.core.audit import record
from portal.core.i18n import localized
from portal.core.notifications import notify

from .. import permissions, workflow
from ..models import AdoptionRequest, CaseStudyIndexPage, CaseStudyPage, Engagement
from ..workflow import Stage
from .common import notify_both_sides, require_reason
from .engagements import engagement_open, engagement_transition

ADOPTABLE = (Stage.POC_DONE, Stage.CONTRACT, Stage.DEPLOYMENT, Stage.ADOPTED_ELSEWHERE)


def adoption_request_create(
    *, origin: Engagement, municipality: Organisation, actor, message: str
) -> AdoptionRequest:
    """Another municipality asks to adopt the solution of an engagement that has shown results."""
    allowed, why = permissions.can_request_adoption(actor, origin, municipality)
    if not allowed:
        raise PermissionDenied(why)
    if origin.stage not in ADOPTABLE and origin.furthest_stage not in ADOPTABLE:
        raise ValidationError(
            _("Only a solution that has finished a trial can be adopted."), code="not_adoptable"
        )
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Say why your municipality wants to adopt it.")})
    try:
        with transaction.atomic():
            req = AdoptionRequest(
                origin=origin, municipality=municipality, requested_by=actor, message=message
            )
            req.full_clean()
            req.save()
            record(actor=actor, action="tracker.adoption_requested", obj=req, origin=origin.pk)
            notify_both_sides(
                origin, kind="tracker.adoption_requested", params={"m": municipality, "text": message}
            )
    except IntegrityError as exc:
        raise ValidationError(_("This municipality has already asked to adopt this solution.")) from exc
    return req


def adoption_link(*, adoption_request: AdoptionRequest, actor, reason: str) -> Engagement:
    """Ministry staff link a new engagement (adopting municipality × the same startup) to its origin."""
    allowed, why = permissions.can_link_adoption(actor)
    if not allowed:
        raise PermissionDenied(why)
    reason = require_reason(reason)
    with transaction.atomic():
        req = (
            AdoptionRequest.objects.select_for_update()
            .select_related("origin__startup")
            .get(pk=adoption_request.pk)
        )
        if req.state != AdoptionRequest.State.REQUESTED:
            raise ValidationError(_("This request has already been decided."), code="decided")
        origin = req.origin
        engagement = engagement_open(
            municipality=req.municipality,
            startup=origin.startup,
            source=Engagement.Source.ADOPTION,
            actor=actor,
            reason=reason,
            origin=origin,
            title=origin.title
            or (origin.challenge.title if origin.challenge_id and origin.challenge else ""),
        )
        req.state = AdoptionRequest.State.LINKED
        req.engagement = engagement
        req.decided_by = actor
        req.decided_at = timezone.now()
        req.decision_reason = reason
        req.save()
        if origin.stage == Stage.DEPLOYMENT:
            engagement_transition(
                engagement=origin,
                transition="adopted_elsewhere",
                actor=None,
                reason=_("Adopted by %(m)s.") % {"m": req.municipality},
            )
        record(
            actor=actor,
            action="tracker.adoption_linked",
            obj=engagement,
            origin=origin.pk,
            adoption_request=req.pk,
        )
        notify(active_members(req.municipality), kind="tracker.adoption_linked", params={"o": origin})
    return engagement


def adoption_decline(*, adoption_request: AdoptionRequest, actor, reason: str) -> AdoptionRequest:
    allowed, why = permissions.can_link_adoption(actor)
    if not allowed:
        raise PermissionDenied(why)
    reason = require_reason(reason)
    with transaction.atomic():
        req = AdoptionRequest.objects.select_for_update().get(pk=adoption_request.pk)
        if req.state != AdoptionRequest.State.REQUESTED:
            raise ValidationError(_("This request has already been decided."), code="decided")
        req.state = AdoptionRequest.State.DECLINED
        req.decided_by = actor
        req.decided_at = timezone.now()
        req.decision_reason = reason
        req.save()
        record(actor=actor, action="tracker.adoption_declined", obj=req, reason=reason)
        notify(active_members(req.municipality), kind="tracker.adoption_declined", params={"text": reason})
    return req


# --- case studies -------------------------------------------------------------------------------------------------


def _draft_texts(engagement: Engagement) -> dict[str, str]:
    challenge = engagement.challenge
    reports = list(engagement.reports.order_by("created_at"))
    residents = max((r.residents_served or 0 for r in reports), default=0)
    saved = sum(r.cost_saved_yen or 0 for r in reports)
    contract = max((r.contract_value_yen or 0 for r in reports), default=0)
    travel = sum(t.settled_yen for t in engagement.travel_requests.all())
    results = "\n\n".join(r.text for r in reports[-3:])
    figures = []
    if residents:
        figures.append(str(_("Residents served: %(n)s") % {"n": f"{residents:,}"}))
    if saved:
        figures.append(str(_("Cost saved: ¥%(n)s") % {"n": f"{saved:,}"}))
    costs = []
    if contract:
        costs.append(str(_("Contract value: ¥%(n)s") % {"n": f"{contract:,}"}))
    if travel:
        costs.append(str(_("Travel support from the ministry: ¥%(n)s") % {"n": f"{travel:,}"}))
    return {
        "problem": (challenge.background if challenge else "") or engagement.title or str(engagement),
        "solution": (challenge.desired_outcome if challenge else "") or str(engagement.startup),
        "results": "\n".join(figures + ([results] if results else [])) or str(_("To be written.")),
        "costs": "\n".join(costs),
        "contacts": f"{engagement.municipality} / {engagement.startup}",
    }


def case_study_draft(*, engagement: Engagement, actor, title: str = "") -> CaseStudyPage:
    """Draft (unpublished) a case study from the engagement's challenge, reports, figures and costs."""
    allowed, why = permissions.can_draft_case_study(actor, engagement)
    if not allowed:
        raise PermissionDenied(why)
    if CaseStudyPage.objects.filter(engagement=engagement).exists():
        raise ValidationError(_("This engagement already has a case study."), code="exists")
    index = CaseStudyIndexPage.objects.first()
    if index is None:
        raise ValidationError(_("The case-study section is missing; run the migrations."))
    with transaction.atomic():
        title = title or f"{engagement.municipality} × {engagement.startup}"
        page = CaseStudyPage(
            title=title[:255],
            slug=slugify(f"case-{engagement.pk}") or f"case-{engagement.pk}",
            engagement=engagement,
            live=False,
            **_draft_texts(engagement),
        )
        index.add_child(instance=page)
        page.save_revision(user=actor if getattr(actor, "is_authenticated", False) else None)
        record(actor=actor, action="tracker.case_study_drafted", obj=page, engagement=engagement.pk)
        notify_both_sides(engagement, kind="tracker.case_study_drafted")
    return page


def case_study_approve(*, page: CaseStudyPage, actor) -> CaseStudyPage:
    """Record one side's approval; when both the municipality and the startup have approved, publish."""
    allowed, why = permissions.can_approve_case_study(actor, page)
    if not allowed:
        raise PermissionDenied(why)
    side = permissions.case_study_side(actor, page)
    with transaction.atomic():
        page = CaseStudyPage.objects.select_for_update().get(pk=page.pk)
        now = timezone.now()
        if side == workflow.MUNICIPALITY and page.municipality_approved_at is None:
            page.municipality_approved_at, page.municipality_approved_by = now, actor
        elif side == workflow.STARTUP and page.startup_approved_at is None:
            page.startup_approved_at, page.startup_approved_by = now, actor
        else:
            raise ValidationError(_("Your organisation has already approved this case study."), code="twice")
        page.save(update_fields=[f"{side}_approved_at", f"{side}_approved_by"])
        record(actor=actor, action="tracker.case_study_approved", obj=page, side=side)
        if page.both_approved:
            revision = page.latest_revision or page.save_revision()
            # Published by the service on both parties' word: neither party holds Wagtail's publish permission.
            revision.publish(user=None)
            record(actor=actor, action="tracker.case_study_published", obj=page)
            notify_both_sides(
                page.engagement,
                kind="tracker.case_study_published",
                params={"text": localized(page, "title")},
            )
    return page
