"""Data-use consent (on both engagement pages), the evidence pack (admin, the municipality), solved challenges to
join (admin, other municipalities) and the ministry's overview of which engagements have an evidence pack."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Organisation
from portal.accounts.permissions import is_ministry, organisation_ids_of
from portal.challenges.models import ChallengePage
from portal.core.calendar import today_jst

from .. import permissions, selectors, services
from ..evidence import ORDER_NAME, next_fiscal_year, pilot_figures
from ..evidence_forms import (
    ConsentForm,
    EvidencePackForm,
    JoinForm,
    ReviewerInviteForm,
    ReviewerStatementForm,
)
from ..filters import EvidenceOverviewFilter, SolutionFilter
from ..models import ConsentPurpose, Engagement, EvidencePack, ReviewerInvitation, consent_missing
from .common import add_service_errors, paginate, private_file


def evidence_context(request, engagement: Engagement) -> dict:
    """What the consent, evidence-pack and pooled-demand sections of an engagement page show."""
    user = request.user
    packs = list(selectors.latest_packs(engagement))
    origin_pack = refused = None
    if engagement.origin_id:
        candidate = (
            EvidencePack.objects.filter(engagement_id=engagement.origin_id).order_by("-version").first()
        )
        if candidate is not None:
            allowed, why = permissions.can_view_evidence_pack(user, candidate)
            origin_pack, refused = (candidate, None) if allowed else (None, why)
    can_build = permissions.can_build_evidence_pack(user, engagement)[0]
    return {
        "consents": selectors.consent_table(engagement),
        "consent_side": permissions.consent_side(user, engagement),
        "evidence_packs": packs,
        "evidence_build_url": reverse("tracker_admin:evidence_new", args=[engagement.pk])
        if can_build
        else "",
        "origin_pack": origin_pack,
        "origin_pack_refused": refused,
        "demand": selectors.pooled_demand(engagement),
        "reviewer_invitations": list(engagement.reviewer_invitations.all()),
        "reviewer_form": ReviewerInviteForm(prefix="reviewer") if can_build else None,
    }


def consent_action(request, engagement: Engagement) -> None:
    """The "consent" action of an engagement page: grant or withdraw one purpose for the user's party."""
    form = ConsentForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose one of the purposes listed."))
    services.consent_set(
        engagement=engagement,
        actor=request.user,
        purpose=form.cleaned_data["purpose"],
        granted=form.cleaned_data["granted"],
    )
    messages.success(request, _("Your organisation's answer has been recorded."))


def evidence_review(request, token):
    """The external reviewer's page (the link in the invitation e-mail, no account): the signed statement and a
    short opinion, once, before the link expires. An unknown token is a 404."""
    try:
        invitation = services.reviewer_invitation_for(token)
    except ReviewerInvitation.DoesNotExist as exc:
        raise Http404 from exc
    form = ReviewerStatementForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reviewer_statement_submit(
                    token=token, file=form.cleaned_data["statement"], opinion=form.cleaned_data["opinion"]
                )
                messages.success(request, _("Thank you: your statement has been received."))
                return redirect(request.path)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    return TemplateResponse(
        request,
        "tracker/evidence_review.html",
        {"invitation": invitation, "form": form, "expired": invitation.expires_at < timezone.now()},
        status=status,
    )


@login_required
def review_statement_download(request, pk):
    """A reviewer's signed statement: the engagement's two parties and ministry staff (404 for anyone else)."""
    invitation = get_object_or_404(ReviewerInvitation, pk=pk, submitted_at__isnull=False)
    if not permissions.can_view_engagement(request.user, invitation.engagement)[0]:
        raise Http404
    return private_file(invitation.statement, f"statement-{invitation.pk}.pdf", "application/pdf")


def _engagement_or_404(request, pk) -> Engagement:
    try:
        return selectors.engagement_detail(pk, request.user)
    except Engagement.DoesNotExist as exc:
        raise Http404 from exc


def evidence_new(request, pk):
    """Build a new version of the evidence pack (municipality staff of the engagement)."""
    engagement = _engagement_or_404(request, pk)
    allowed, why = permissions.can_build_evidence_pack(request.user, engagement)
    if not allowed:
        raise PermissionDenied(why)
    latest = engagement.evidence_packs.order_by("-version").first()
    if latest is not None:  # the previous version is the starting point
        initial = {
            "clause": latest.clause,
            "conditions_met": [f"{latest.clause}:{key}" for key in latest.conditions_met],
            "price_note": latest.price_note,
            "alternatives_note": latest.alternatives_note,
            "next_fiscal_year": latest.next_fiscal_year,
            "budget_request_deadline": latest.budget_request_deadline,
        }
    else:
        fy = next_fiscal_year(today_jst())
        initial = {"next_fiscal_year": fy, "clause": 2}
    form = EvidencePackForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                pack = services.evidence_pack_create(engagement=engagement, actor=request.user, **d)
                messages.success(
                    request, _("Version %(v)s of the evidence pack has been made.") % {"v": pack.version}
                )
                return redirect("engagement:inspect", pk=engagement.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    return TemplateResponse(
        request,
        "tracker/admin/evidence_form.html",
        {
            "engagement": engagement,
            "form": form,
            "order_name": ORDER_NAME,
            "latest": latest,
            "figures": pilot_figures(engagement),
            "title": _("Evidence pack for a contract without open tender"),
        },
        status=status,
    )


def _my_municipalities(user, *, exclude=None):
    qs = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    if not is_ministry(user):
        qs = qs.filter(pk__in=organisation_ids_of(user))
    return qs.exclude(pk=exclude) if exclude else qs


def solutions(request):
    """Solved challenges other municipalities may join (municipality and ministry staff)."""
    filterset = SolutionFilter(request.GET, queryset=selectors.solved_for_joining())
    return TemplateResponse(
        request,
        "tracker/admin/solutions.html",
        {"filter": filterset, "page_obj": paginate(request, filterset.qs), "title": _("Solutions to join")},
    )


def _join_initial(request, municipalities, origin) -> dict:
    """The join form filled in from the challenge editor's offer (?challenge=<the challenge being written>): the
    challenge's municipality, if the user acts for it, and a message naming both challenges; else the user's only
    municipality."""
    initial: dict = {}
    choices = list(municipalities[:2])
    if len(choices) == 1:
        initial["municipality"] = choices[0].pk
    try:
        challenge_pk = int(request.GET.get("challenge", ""))
    except ValueError:
        return initial
    challenge = ChallengePage.objects.filter(pk=challenge_pk, municipality__in=municipalities).first()
    if challenge is None:
        return initial
    initial["municipality"] = challenge.municipality_id
    initial["message"] = _(
        "Our challenge 「%(ours)s」 asks for what 「%(theirs)s」 solved in %(place)s; we would like to join this "
        "solution rather than start again."
    ) % {
        "ours": challenge.title,
        "theirs": origin.challenge.title if origin.challenge_id else origin,
        "place": origin.municipality,
    }
    return initial


def solution(request, pk):
    """One solved challenge: its scope, the towns using it, and 「この取組みに参加する」."""
    origin = get_object_or_404(selectors.solved_for_joining(), pk=pk)
    municipalities = _my_municipalities(request.user, exclude=origin.municipality_id)
    form = JoinForm(
        request.POST or None,
        municipalities=municipalities,
        initial=_join_initial(request, municipalities, origin),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                engagement = services.adoption_join(origin=origin, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Your municipality has joined; a linked engagement is open."))
                return redirect("engagement:inspect", pk=engagement.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
        if status == 200:
            status = 400
    latest = origin.evidence_packs.order_by("-version").first()
    return TemplateResponse(
        request,
        "tracker/admin/solution.html",
        {
            "origin": origin,
            "form": form,
            "can_join": municipalities.exists(),
            "towns": selectors.pooled_demand(origin).rows,
            "has_pack": latest is not None,
            "pack_shared": not consent_missing(origin.pk, ConsentPurpose.SHARE_WITH_MUNICIPALITIES),
            "title": _("Join this solution"),
        },
        status=status,
    )


def evidence_overview(request):
    """Ministry staff: engagements past their PoC and whether each has an evidence pack."""
    if not is_ministry(request.user):
        raise PermissionDenied(_("Only ministry staff can open this page."))
    filterset = EvidenceOverviewFilter(request.GET, queryset=selectors.evidence_overview())
    return TemplateResponse(
        request,
        "tracker/admin/evidence_overview.html",
        {"filter": filterset, "page_obj": paginate(request, filterset.qs), "title": _("Evidence packs")},
    )
