"""The evidence pack for a contract without open tender (随意契約): built by the municipality, one version per save."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.selectors import active_members
from portal.applications.uploads import check_upload
from portal.core.audit import record
from portal.core.decisions import require
from portal.core.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, fiscal_year_bounds
from portal.core.notifications import notify

from .. import permissions
from ..evidence import CLAUSE_BY_NUMBER, build_snapshot
from ..models import Engagement, EvidencePack, ReviewerInvitation
from .common import admin_url, notify_both_sides


def evidence_pack_create(
    *,
    engagement: Engagement,
    actor,
    clause: int,
    conditions_met: list[str],
    price_note: str,
    alternatives_note: str = "",
    next_fiscal_year: int,
    budget_request_deadline: dt.date,
) -> EvidencePack:
    """A new version of the engagement's evidence pack; earlier versions stay as they were.

    The municipality chooses the clause of 地方自治法施行令第167条の2第1項 and confirms its conditions (every one
    must be confirmed: a clause whose conditions are not met cannot be relied on), explains the price, and says
    when the next fiscal year's budget must be requested. The engagement's records are frozen into the snapshot."""
    require(permissions.can_build_evidence_pack(actor, engagement))
    chosen = CLAUSE_BY_NUMBER.get(clause)
    if chosen is None:
        raise ValidationError({"clause": _("Choose one of the items listed.")}, code="clause")
    keys = [key for key, _label in chosen.conditions]
    unknown = [c for c in conditions_met if c not in keys]
    if unknown:
        raise ValidationError({"conditions_met": _("Confirm only the conditions of the chosen item.")})
    if set(conditions_met) != set(keys):
        raise ValidationError(
            {"conditions_met": _("Every condition of the chosen item must be met and confirmed.")},
            code="conditions",
        )
    if not (MIN_FISCAL_YEAR <= next_fiscal_year <= MAX_FISCAL_YEAR):
        raise ValidationError({"next_fiscal_year": _("Choose a fiscal year in the list.")}, code="fy")
    if budget_request_deadline >= fiscal_year_bounds(next_fiscal_year)[0]:
        raise ValidationError(
            {
                "budget_request_deadline": _(
                    "The budget is requested before the fiscal year it is for begins."
                )
            },
            code="deadline",
        )
    price_note = (price_note or "").strip()
    if not price_note:
        raise ValidationError({"price_note": _("Explain why the price is reasonable.")}, code="price_note")
    with transaction.atomic():
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        latest = locked.evidence_packs.aggregate(v=Max("version"))["v"] or 0
        pack = EvidencePack(
            engagement=locked,
            version=latest + 1,
            clause=clause,
            conditions_met=keys,
            price_note=price_note,
            alternatives_note=(alternatives_note or "").strip(),
            next_fiscal_year=next_fiscal_year,
            budget_request_deadline=budget_request_deadline,
            snapshot=build_snapshot(locked),
            created_by=actor,
        )
        pack.full_clean()
        pack.save()
        record(
            actor=actor,
            action="tracker.evidence_pack_created",
            obj=locked,
            version=pack.version,
            clause=clause,
        )
        notify_both_sides(locked, kind="tracker.evidence_pack_created", params={"v": pack.version})
    return pack


# --- the external reviewer's opinion ----------------------------------------------------------------------------

REVIEW_LINK_DAYS = 30


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reviewer_invite(*, engagement: Engagement, actor, name: str, email: str) -> ReviewerInvitation:
    """The municipality invites an external reviewer by e-mail; the link (valid REVIEW_LINK_DAYS days) lets them
    upload one signed statement without an account. The e-mail leaves after the commit."""
    require(permissions.can_build_evidence_pack(actor, engagement))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = ReviewerInvitation(
            engagement=engagement,
            name=(name or "").strip(),
            email=(email or "").strip(),
            token_hash=_token_hash(token),
            invited_by=actor,
            invited_at=now,
            expires_at=now + dt.timedelta(days=REVIEW_LINK_DAYS),
        )
        invitation.full_clean()
        invitation.save()
        record(actor=actor, action="tracker.reviewer_invited", obj=engagement, invitation=invitation.pk)
        link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("evidence_review", args=[token])
        context = {"invitation": invitation, "engagement": engagement, "link": link}

        def send():
            with translation.override("ja"):
                subject = " ".join(
                    render_to_string("tracker/email/reviewer_invitation_subject.txt", context).split()
                )
                body = render_to_string("tracker/email/reviewer_invitation.txt", context)
            send_mail(subject, body, None, [invitation.email])

        transaction.on_commit(send)
    return invitation


def reviewer_invitation_for(token: str) -> ReviewerInvitation:
    """The invitation a link's token opens (DoesNotExist for an unknown token)."""
    return ReviewerInvitation.objects.select_related("engagement__municipality", "engagement__startup").get(
        token_hash=_token_hash(token or "")
    )


def reviewer_statement_submit(*, token: str, file, opinion: str) -> ReviewerInvitation:
    """The reviewer uploads the signed statement (a PDF, at most 10 MB, checked by content) and a short opinion,
    once, before the link expires. The file goes to private storage; the municipality is told."""
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": _("Give your opinion in a few sentences.")}, code="opinion")
    if file is None:
        raise ValidationError({"statement": _("Attach the signed statement (PDF).")}, code="statement")
    info = check_upload(file)
    if info.extension != "pdf":
        raise ValidationError({"statement": _("The signed statement must be a PDF.")}, code="not_pdf")
    with transaction.atomic():
        try:
            invitation = ReviewerInvitation.objects.select_for_update().get(
                token_hash=_token_hash(token or "")
            )
        except ReviewerInvitation.DoesNotExist as exc:
            raise PermissionDenied(_("This link is not valid.")) from exc
        if invitation.submitted_at is not None:
            raise ValidationError(_("A statement has already been received through this link."), code="done")
        if invitation.expires_at < timezone.now():
            raise ValidationError(
                _("This link has expired; ask the municipality for a new one."), code="expired"
            )
        invitation.statement.save(f"statement-{invitation.pk}.pdf", file, save=False)
        invitation.statement_size = info.size
        invitation.opinion = opinion[:4000]
        invitation.submitted_at = timezone.now()
        invitation.save()
        record(
            actor=None,
            action="tracker.reviewer_statement_received",
            obj=invitation.engagement,
            invitation=invitation.pk,
        )
        notify(
            active_members(invitation.engagement.municipality),
            kind="tracker.reviewer_statement_received",
            params={"name": invitation.name},
            url=admin_url(invitation.engagement),
        )
    return invitation
