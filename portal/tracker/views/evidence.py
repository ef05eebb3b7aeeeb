"""Data-use consent (on both engagement pages), the evidence-pack section of an engagement's screen, and the external
reviewer's pages. The staff screens — the ministry's overview, building a pack, the solutions to join — are Wagtail
viewsets (evidence_admin.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, selectors, services
from ..evidence_forms import (
    ConsentForm,
    ReviewerInviteForm,
    ReviewerStatementForm,
)
from ..models import Engagement, EvidencePack, ReviewerInvitation
from .common import add_service_errors, private_file


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
        "evidence_build_url": reverse("evidence_pack:add", args=[engagement.pk]) if can_build else "",
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
