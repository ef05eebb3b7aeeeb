"""Agreement services: record a PoC agreement or a contract, amend it, remind before renewal and end."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.applications.uploads import check_upload
from portal.core.audit import record
from portal.core.calendar import today_jst
from portal.core.decisions import require
from portal.core.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from portal.core.storage import storage_error

from .. import permissions
from ..models import Agreement, AgreementAmendment, AgreementFile, Engagement
from ..workflow import Stage
from .common import notify_both_sides, yen


def _check_day(value, field: str) -> dt.date:
    if not isinstance(value, dt.date) or not (MIN_FISCAL_YEAR <= value.year <= MAX_FISCAL_YEAR):
        raise ValidationError({field: _("Enter a date between the years 2000 and 2100.")}, code="date_range")
    return value


def _optional_yen(value, field: str) -> int | None:
    return None if value in (None, "") else yen(value, field)


def _check_files(files) -> list:
    checked, stored_bytes = [], 0
    for f in files:
        try:
            info = check_upload(f, already_stored_bytes=stored_bytes)
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc
        stored_bytes += info.size
        checked.append((f, info))
    return checked


def _store_files(agreement, amendment, checked, stored: list) -> None:
    for f, info in checked:
        stored.append(
            AgreementFile.objects.create(
                agreement=agreement,
                amendment=amendment,
                file=f,
                original_name=getattr(f, "name", "")[:255],
                content_type=info.content_type,
                size=info.size,
            )
        )


def _with_files(write, stored: list):
    """Run the write; if it fails, remove the files already stored (their rows are rolled back)."""
    try:
        return write()
    except BaseException as exc:
        for attachment in stored:
            attachment.file.delete(save=False)
        if isinstance(exc, OSError):  # disk full, …: the form comes back with what the user typed
            raise storage_error(exc, "files") from exc
        raise


def agreement_record(
    *,
    engagement: Engagement,
    actor,
    kind: str,
    title: str,
    parties: str,
    signed_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    renewal_notice_on: dt.date | None = None,
    amount_yen: int | None = None,
    files=(),
) -> Agreement:
    """Record a PoC agreement (実証協定書) or a contract (契約) of an engagement, with its signed files.

    The municipality's staff or ministry staff; both sides are told. Files are checked by size and content.
    """
    require(permissions.can_manage_agreements(actor, engagement))
    for name, value in (("signed_on", signed_on), ("starts_on", starts_on), ("ends_on", ends_on)):
        _check_day(value, name)
    if renewal_notice_on is not None:
        _check_day(renewal_notice_on, "renewal_notice_on")
    if ends_on < starts_on:
        raise ValidationError(
            {"ends_on": _("The end cannot come before the start.")}, code="ends_before_start"
        )
    if renewal_notice_on is not None and renewal_notice_on > ends_on:
        raise ValidationError(
            {"renewal_notice_on": _("The renewal decision must come before the agreement ends.")},
            code="renewal_after_end",
        )
    agreement = Agreement(
        engagement=engagement,
        kind=kind,
        title=(title or "").strip(),
        parties="\n".join(p.strip() for p in (parties or "").splitlines() if p.strip()),
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        renewal_notice_on=renewal_notice_on,
        amount_yen=_optional_yen(amount_yen, "amount_yen"),
        created_by=actor,
    )
    agreement.full_clean(exclude=["engagement", "created_by"])
    checked = _check_files(files)
    stored: list[AgreementFile] = []

    def write():
        with transaction.atomic():
            Engagement.objects.select_for_update().get(pk=engagement.pk)
            agreement.save()
            _store_files(agreement, None, checked, stored)
            record(
                actor=actor,
                action="tracker.agreement_recorded",
                obj=engagement,
                agreement=agreement.pk,
                kind=agreement.kind,
                amount_yen=agreement.amount_yen,
                ends_on=agreement.ends_on.isoformat(),
                files=len(stored),
            )
            notify_both_sides(
                engagement,
                kind="tracker.agreement_recorded",
                params={
                    "kind": agreement.get_kind_display,
                    "title": agreement.title,
                    "engagement": engagement,
                },
            )
        return agreement

    return _with_files(write, stored)


def agreement_amend(
    *,
    agreement: Agreement,
    actor,
    signed_on: dt.date,
    summary: str,
    ends_on: dt.date | None = None,
    amount_yen: int | None = None,
    files=(),
) -> AgreementAmendment:
    """Record an amendment (変更契約・覚書): the text, and the new end date or amount it sets, with signed files.

    The agreement's dates and amount become the amended ones; a new end date re-arms the end reminder."""
    require(permissions.can_manage_agreements(actor, agreement.engagement))
    _check_day(signed_on, "signed_on")
    if ends_on is not None:
        _check_day(ends_on, "ends_on")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say what the amendment changes.")}, code="required")
    amount_yen = _optional_yen(amount_yen, "amount_yen")
    checked = _check_files(files)
    stored: list[AgreementFile] = []

    def write():
        with transaction.atomic():
            current = Agreement.objects.select_for_update().get(pk=agreement.pk)
            if ends_on is not None and ends_on < current.starts_on:
                raise ValidationError(
                    {"ends_on": _("The end cannot come before the start.")}, code="ends_before_start"
                )
            if ends_on is not None and current.renewal_notice_on and ends_on < current.renewal_notice_on:
                current.renewal_notice_on = (
                    None  # the decision date fell behind the new end: no longer meaningful
                )
            amendment = AgreementAmendment(
                agreement=current,
                signed_on=signed_on,
                summary=summary,
                previous_ends_on=current.ends_on,
                ends_on=ends_on,
                previous_amount_yen=current.amount_yen,
                amount_yen=amount_yen,
                created_by=actor,
            )
            amendment.full_clean(exclude=["agreement", "created_by"])
            amendment.save()
            if ends_on is not None:
                current.ends_on = ends_on
            if amount_yen is not None:
                current.amount_yen = amount_yen
            current.save(update_fields=["ends_on", "amount_yen", "renewal_notice_on"])
            _store_files(current, amendment, checked, stored)
            record(
                actor=actor,
                action="tracker.agreement_amended",
                obj=current.engagement,
                agreement=current.pk,
                amendment=amendment.pk,
                ends_on=current.ends_on.isoformat(),
                amount_yen=current.amount_yen,
                files=len(stored),
            )
            notify_both_sides(
                current.engagement,
                kind="tracker.agreement_amended",
                params={"title": current.title, "text": summary[:500]},
            )
        return amendment

    return _with_files(write, stored)


def send_agreement_reminders(*, today: dt.date | None = None) -> list[tuple[Agreement, str]]:
    """Remind both sides TRACKER_AGREEMENT_REMINDER_DAYS before an agreement's renewal decision and before its end.

    Once per date (an amendment that moves the date brings a new reminder); a date already past is not reminded;
    agreements of ended engagements are left alone. Run daily (docs/tracker.md). Returns what was sent.
    """
    today = today or today_jst()
    horizon = today + dt.timedelta(days=settings.TRACKER_AGREEMENT_REMINDER_DAYS)
    sent = []
    for field, marker, kind, action in (
        (
            "renewal_notice_on",
            "renewal_reminded_for",
            "tracker.agreement_renewal_due",
            "tracker.agreement_renewal_due_reminder",
        ),
        ("ends_on", "end_reminded_for", "tracker.agreement_ending", "tracker.agreement_ending_reminder"),
    ):
        due = (
            Agreement.objects.filter(**{f"{field}__gte": today, f"{field}__lte": horizon})
            .filter(Q(**{f"{marker}__isnull": True}) | ~Q(**{marker: F(field)}))
            .exclude(engagement__stage=Stage.ENDED)
            .select_related("engagement__municipality", "engagement__startup", "engagement__challenge")
        )
        for agreement in due:
            day = getattr(agreement, field)
            with transaction.atomic():
                # the conditional update is the "once": a second worker (or run) updates nothing
                updated = (
                    Agreement.objects.filter(pk=agreement.pk, **{field: day})
                    .exclude(**{marker: day})
                    .update(**{marker: day})
                )
                if not updated:
                    continue
                days = (day - today).days
                record(
                    actor=None,
                    action=action,
                    obj=agreement.engagement,
                    agreement=agreement.pk,
                    date=day.isoformat(),
                    days=days,
                )
                notify_both_sides(
                    agreement.engagement,
                    kind=kind,
                    params={"title": agreement.title, "date": day, "days": days},
                )
            sent.append((agreement, kind))
    return sent
