"""Adoption (横展開) and case studies: spreading what worked to other municipalities."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.accounts.selectors import active_members
from portal.core.audit import record
from portal.core.decisions import require
from portal.core.i18n import localized
from portal.core.notifications import notify

from .. import permissions, workflow
from ..adoption_workflow import ADOPTION
from ..models import (
    AdoptionRequest,
    CaseStudyIndexPage,
    CaseStudyPage,
    ConsentPurpose,
    Engagement,
    consent_missing,
)
from ..workflow import Stage
from .common import notify_both_sides, require_reason
from .engagements import engagement_open, engagement_transition

ADOPTABLE = (Stage.POC_DONE, Stage.CONTRACT, Stage.DEPLOYMENT, Stage.ADOPTED_ELSEWHERE)
# A solved challenge — contracted or deployed — is offered to other municipalities to join (「この取組みに参加する」).
SOLVED = (Stage.CONTRACT, Stage.DEPLOYMENT, Stage.ADOPTED_ELSEWHERE)


def adoption_request_create(
    *, origin: Engagement, municipality: Organisation, actor, message: str
) -> AdoptionRequest:
    """Another municipality asks to adopt the solution of an engagement that has shown results."""
    require(permissions.can_request_adoption(actor, origin, municipality))
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
    require(permissions.can_link_adoption(actor))
    reason = require_reason(reason)
    with transaction.atomic():
        req = (
            AdoptionRequest.objects.select_for_update()
            .select_related("origin__startup")
            .get(pk=adoption_request.pk)
        )
        ADOPTION.move(req, "link")
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


def adoption_join(
    *,
    origin: Engagement,
    municipality: Organisation,
    actor,
    population: int,
    budget_min_yen: int,
    budget_max_yen: int,
    message: str,
) -> Engagement:
    """Another municipality joins a solved challenge: it declares its population and budget range (the startup
    sees the pooled demand), and a linked engagement (same startup, `origin` = the solved one) opens at once,
    starting from the origin's scope. The evidence pack is shared with it only while both parties of the origin
    consent (permissions.can_view_evidence_pack)."""
    require(permissions.can_join(actor, origin, municipality))
    if origin.stage not in SOLVED and origin.furthest_stage not in SOLVED:
        raise ValidationError(
            _("Only a solved challenge (under contract or deployed) can be joined."), code="not_solved"
        )
    message = (message or "").strip()
    errors = {}
    if not message:
        errors["message"] = _("Say why your municipality wants to join.")
    if population is None or population < 1:
        errors["population"] = _("Enter the number of residents it would serve.")
    if budget_min_yen is None or budget_max_yen is None or budget_min_yen > budget_max_yen:
        errors["budget_max_yen"] = _("Enter a budget range whose upper end is not below its lower end.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Engagement.objects.select_for_update(of=("self",)).get(pk=origin.pk)
        if Engagement.objects.filter(
            origin=locked, municipality=municipality, stage__in=workflow.ACTIVE_STAGES + [Stage.STALLED]
        ).exists():
            raise ValidationError(_("This municipality has already joined this solution."), code="joined")
        engagement = engagement_open(
            municipality=municipality,
            startup=locked.startup,
            source=Engagement.Source.ADOPTION,
            actor=actor,
            reason=str(_("Joined the solved challenge: %(text)s") % {"text": message}),
            origin=locked,
            title=locked.title or (locked.challenge.title if locked.challenge is not None else ""),
        )
        # the scope to start from: the origin's summary, else its challenge's desired outcome
        scope = locked.summary or (locked.challenge.desired_outcome if locked.challenge is not None else "")
        if scope and not engagement.summary:
            engagement.summary = scope
            engagement.summary_en = locked.summary_en
            engagement.save(update_fields=["summary", "summary_en"])
        req = AdoptionRequest(
            origin=locked,
            municipality=municipality,
            requested_by=actor,
            message=message,
            population=population,
            budget_min_yen=budget_min_yen,
            budget_max_yen=budget_max_yen,
            engagement=engagement,
            decided_at=timezone.now(),
            decision_reason=str(_("Joined directly.")),
        )
        ADOPTION.move(req, "link")  # filed and linked at once
        req.full_clean()
        req.save()
        if locked.stage == Stage.DEPLOYMENT:
            engagement_transition(
                engagement=locked,
                transition="adopted_elsewhere",
                actor=None,
                reason=_("Adopted by %(m)s.") % {"m": municipality},
            )
        record(
            actor=actor,
            action="tracker.solution_joined",
            obj=engagement,
            origin=locked.pk,
            population=population,
            budget_min_yen=budget_min_yen,
            budget_max_yen=budget_max_yen,
        )
        notify_both_sides(locked, kind="tracker.solution_joined", params={"m": municipality, "text": message})
    return engagement


def adoption_decline(*, adoption_request: AdoptionRequest, actor, reason: str) -> AdoptionRequest:
    require(permissions.can_link_adoption(actor))
    reason = require_reason(reason)
    with transaction.atomic():
        req = AdoptionRequest.objects.select_for_update().get(pk=adoption_request.pk)
        ADOPTION.move(req, "decline")
        req.decided_by = actor
        req.decided_at = timezone.now()
        req.decision_reason = reason
        req.save()
        record(actor=actor, action="tracker.adoption_declined", obj=req, reason=reason)
        notify(active_members(req.municipality), kind="tracker.adoption_declined", params={"text": reason})
    return req


# --- case studies -------------------------------------------------------------------------------------------------


def _draft_texts(engagement: Engagement) -> dict[str, str]:
    """The draft's texts. The pilot's figures and reports leave the engagement only when both parties consent to
    reusing them (ConsentPurpose.REUSE_DATA); otherwise the results say so and the parties write them."""
    challenge = engagement.challenge
    if consent_missing(engagement.pk, ConsentPurpose.REUSE_DATA):
        return {
            "problem": (challenge.background if challenge else "") or engagement.title or str(engagement),
            "solution": (challenge.desired_outcome if challenge else "") or str(engagement.startup),
            "results": str(
                _("To be written: both parties have not consented to reusing the pilot's figures.")
            ),
            "costs": "",
            "contacts": f"{engagement.municipality} / {engagement.startup}",
        }
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
    require(permissions.can_draft_case_study(actor, engagement))
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
    require(permissions.can_approve_case_study(actor, page))
    side = permissions.case_study_side(actor, page)
    with transaction.atomic():
        page = CaseStudyPage.objects.select_for_update().get(pk=page.pk)
        # Publication needs both parties' consent (ConsentPurpose.PUBLISH_CASE_STUDY): a party approves only
        # with its own consent given, and the approval that would publish is refused while the other's is missing.
        missing = consent_missing(page.engagement_id, ConsentPurpose.PUBLISH_CASE_STUDY)
        if side in missing:
            raise ValidationError(
                _("Your organisation has not consented to publishing a case study; give that consent first."),
                code="no_consent",
            )
        other_approved = (
            page.startup_approved_at if side == workflow.MUNICIPALITY else page.municipality_approved_at
        )
        if other_approved is not None and missing:
            raise ValidationError(
                _("The case study cannot be published: %(party)s has not consented to publishing it.")
                % {"party": permissions.SIDE_LABELS[missing[0]]},
                code="no_consent",
            )
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
