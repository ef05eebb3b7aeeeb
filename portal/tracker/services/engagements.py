"""Engagement services: open, change stage, report progress, flag stalled ones."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.applications.uploads import check_upload
from portal.core.audit import record
from portal.core.decisions import require
from portal.core.fiscal import fiscal_year_of
from portal.core.storage import storage_error

from .. import permissions, workflow
from ..models import Engagement, ProgressAttachment, ProgressReport, StageChange
from ..workflow import Stage
from .common import notify_both_sides, require_reason, yen


def engagement_open(
    *,
    municipality: Organisation,
    startup: Organisation,
    challenge=None,
    application=None,
    source: str = Engagement.Source.PROPOSAL,
    actor=None,
    reason: str = "",
    origin: Engagement | None = None,
    title: str = "",
) -> Engagement:
    """Open the engagement of a match (or an adoption); both sides are told. The hand-over from matching.

    Idempotent for proposals: a second call for the same municipality, startup and challenge returns the open one.
    `source="outside"` records a match made outside the portal and needs ministry staff and a reason.
    """
    if source not in Engagement.Source.values:
        raise ValidationError({"source": _("Unknown source of the engagement.")})
    if municipality.kind != Organisation.Kind.MUNICIPALITY:
        raise ValidationError({"municipality": _("Choose a municipality.")})
    if startup.kind != Organisation.Kind.STARTUP:
        raise ValidationError({"startup": _("Choose a startup.")})
    if challenge is not None and challenge.municipality_id != municipality.pk:
        raise ValidationError({"challenge": _("The challenge belongs to another municipality.")})
    if source == Engagement.Source.OUTSIDE:
        require(permissions.can_record_outside_match(actor))
        reason = require_reason(reason)
    with transaction.atomic():
        if challenge is not None and source != Engagement.Source.ADOPTION:
            existing = (
                Engagement.objects.filter(municipality=municipality, startup=startup, challenge=challenge)
                .exclude(stage=Stage.ENDED)
                .first()
            )
            if existing is not None:
                return existing
        now = timezone.now()
        engagement = Engagement(
            municipality=municipality,
            startup=startup,
            challenge=challenge,
            application=application,
            source=source,
            origin=origin,
            title=title[:200],
            stage=Stage.FIRST_VISIT,
            furthest_stage=Stage.FIRST_VISIT,
            stage_changed_at=now,
            opened_at=now,
            last_activity_at=now,
            fiscal_year=fiscal_year_of(now),
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        engagement.full_clean()
        engagement.save()
        StageChange.objects.create(
            engagement=engagement,
            transition="open",
            from_stage="",
            to_stage=Stage.FIRST_VISIT,
            reason=reason or str(Engagement.Source(source).label),
            actor=engagement.opened_by,
            side=workflow.MINISTRY if source == Engagement.Source.OUTSIDE else workflow.SYSTEM,
        )
        record(
            actor=actor,
            action="tracker.engagement_opened",
            obj=engagement,
            source=source,
            reason=reason,
            challenge=getattr(challenge, "pk", None),
            application=getattr(application, "pk", None),
        )
        notify_both_sides(
            engagement, kind="tracker.engagement_opened", params={"m": municipality, "s": startup}
        )
    return engagement


def engagement_transition(*, engagement: Engagement, transition: str, actor, reason: str) -> Engagement:
    """Take one step of the workflow (see workflow.TRANSITIONS), with a reason, an audit event and a notification.

    `actor=None` is the system (scheduled task, adoption service); only system transitions accept it.
    """
    step = workflow.BY_NAME.get(transition)
    if step is None:
        raise ValidationError({"transition": _("Unknown step.")})
    reason = require_reason(reason)
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        allowed, why = permissions.can_transition(actor, engagement, step)
        if not allowed:
            if engagement.stage not in step.sources:
                raise ValidationError({"transition": why}, code="not_from_this_stage")
            raise PermissionDenied(why)
        before = engagement.stage
        target = engagement.stage_before_stall if step.target == workflow.RESUME else step.target
        if not target:
            target = Stage.CONSULTATION
        engagement.stage_before_stall = before if target == Stage.STALLED else ""
        engagement.stage = target
        if workflow.is_further(target, engagement.furthest_stage):
            engagement.furthest_stage = target
        now = timezone.now()
        engagement.stage_changed_at = now
        engagement.last_activity_at = now
        engagement.stalled_flagged_at = None
        engagement.save()
        side = permissions.party_side(actor, engagement) if actor is not None else workflow.SYSTEM
        StageChange.objects.create(
            engagement=engagement,
            transition=step.name,
            from_stage=before,
            to_stage=target,
            reason=reason,
            actor=actor,
            side=side,
        )
        record(
            actor=actor,
            action="tracker.stage_changed",
            obj=engagement,
            transition=step.name,
            from_stage=before,
            to_stage=target,
            reason=reason,
        )
        notify_both_sides(
            engagement,
            kind="tracker.stage_changed",
            params={"engagement": engagement, "stage": engagement.get_stage_display, "text": reason},
        )
    return engagement


DESCRIPTION_FIELDS = ("title", "title_en", "summary", "summary_en")


def engagement_describe(
    *, engagement: Engagement, actor, title: str, title_en: str = "", summary: str = "", summary_en: str = ""
) -> Engagement:
    """Set the engagement's title and summary in Japanese and English (English pages show the English ones, or
    the Japanese marked "available in Japanese only"). An audit event names the fields that changed."""
    require(permissions.can_describe_engagement(actor, engagement))
    values = {"title": title, "title_en": title_en, "summary": summary, "summary_en": summary_en}
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        changed = [f for f in DESCRIPTION_FIELDS if getattr(engagement, f) != (values[f] or "").strip()]
        for field in DESCRIPTION_FIELDS:
            setattr(engagement, field, (values[field] or "").strip())
        engagement.full_clean()
        engagement.save(update_fields=[*DESCRIPTION_FIELDS])
        record(actor=actor, action="tracker.engagement_described", obj=engagement, fields=changed)
    return engagement


def progress_report_create(
    *,
    engagement: Engagement,
    actor,
    text: str,
    residents_served: int | None = None,
    cost_saved_yen: int | None = None,
    contract_value_yen: int | None = None,
    files=(),
) -> ProgressReport:
    """A progress report from either side (or the ministry) with figures and checked attachments."""
    require(permissions.can_report_progress(actor, engagement))
    figures = {}
    for name, value in (
        ("residents_served", residents_served),
        ("cost_saved_yen", cost_saved_yen),
        ("contract_value_yen", contract_value_yen),
    ):
        figures[name] = None if value in (None, "") else yen(value, name)
    checked = []
    stored_bytes = 0
    for f in files:
        info = check_upload(f, already_stored_bytes=stored_bytes)
        stored_bytes += info.size
        checked.append((f, info))
    stored: list[ProgressAttachment] = []
    try:
        return _report_with_attachments(engagement, actor, text, figures, checked, stored)
    except BaseException as exc:
        # The rows are rolled back: remove the attachments already written so no file is left without its row.
        for attachment in stored:
            attachment.file.delete(save=False)
        if isinstance(exc, OSError):  # disk full, …: the form comes back with the text the user typed
            raise storage_error(exc, "files") from exc
        raise


def _report_with_attachments(engagement, actor, text, figures, checked, stored) -> ProgressReport:
    with transaction.atomic():
        report = ProgressReport(
            engagement=engagement,
            author=actor,
            side=permissions.party_side(actor, engagement),
            text=(text or "").strip(),
            **figures,
        )
        report.full_clean()
        report.save()
        for f, info in checked:
            stored.append(
                ProgressAttachment.objects.create(
                    report=report,
                    file=f,
                    original_name=getattr(f, "name", "")[:255],
                    content_type=info.content_type,
                    size=info.size,
                )
            )
        Engagement.objects.filter(pk=engagement.pk).update(
            last_activity_at=timezone.now(), stalled_flagged_at=None
        )
        record(
            actor=actor,
            action="tracker.progress_reported",
            obj=engagement,
            report=report.pk,
            **{k: v for k, v in figures.items() if v is not None},
        )
        notify_both_sides(
            engagement,
            kind="tracker.progress_reported",
            params={"engagement": engagement, "text": report.text[:500]},
        )
    return report


def stalled_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.TRACKER_STALLED_AFTER_DAYS)


def flag_stalled_engagements(*, now: dt.datetime | None = None) -> list[Engagement]:
    """Flag engagements in progress with no update for TRACKER_STALLED_AFTER_DAYS and remind both sides, once.

    The flag clears with the next report or stage change; the reminder comes again only after a new quiet spell.
    """
    now = now or timezone.now()
    flagged = []
    candidates = Engagement.objects.filter(
        Q(stage__in=workflow.ACTIVE_STAGES),
        last_activity_at__lt=stalled_cutoff(now),
        stalled_flagged_at__isnull=True,
    ).select_related("municipality", "startup", "challenge")
    for engagement in candidates:
        with transaction.atomic():
            updated = Engagement.objects.filter(pk=engagement.pk, stalled_flagged_at__isnull=True).update(
                stalled_flagged_at=now
            )
            if not updated:  # another worker got there first
                continue
            engagement.stalled_flagged_at = now
            days = (now - engagement.last_activity_at).days
            record(actor=None, action="tracker.flagged_stalled", obj=engagement, days_without_update=days)
            notify_both_sides(
                engagement, kind="tracker.stalled_reminder", params={"days": days, "engagement": engagement}
            )
            flagged.append(engagement)
    return flagged
