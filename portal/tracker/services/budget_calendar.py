"""Budget-request deadlines (予算要求) per municipality, and the reminder before each year's deadline."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from portal.accounts.selectors import active_members
from portal.core.audit import record
from portal.core.calendar import fiscal_year_label, today_jst
from portal.core.decisions import require
from portal.core.fiscal import fiscal_year_of
from portal.core.notifications import notify

from .. import permissions
from ..models import BudgetRequestDeadline, Engagement
from ..workflow import Stage

# Engagements whose next step needs the municipality's own money next fiscal year.
NEEDS_BUDGET = (Stage.POC_PLANNED, Stage.POC_RUNNING, Stage.POC_DONE, Stage.CONTRACT, Stage.DEPLOYMENT)


def budget_request_deadline_set(
    *, municipality, actor, month: int, day: int, note: str = ""
) -> BudgetRequestDeadline:
    """Set (or change) the municipality's yearly budget-request deadline; a changed date can be reminded again."""
    require(permissions.can_set_budget_request_deadline(actor, municipality))
    with transaction.atomic():
        row = BudgetRequestDeadline.objects.select_for_update().filter(municipality=municipality).first()
        row = row or BudgetRequestDeadline(municipality=municipality)
        before = (row.month, row.day) if row.pk else None
        row.month, row.day, row.note, row.updated_by = month, day, (note or "").strip(), actor
        row.full_clean(exclude=["municipality", "updated_by"])
        row.save()
        record(
            actor=actor,
            action="tracker.budget_request_deadline_set",
            obj=municipality,
            month=month,
            day=day,
            before=f"{before[0]}/{before[1]}" if before else "",
        )
    return row


def send_budget_request_reminders(*, today: dt.date | None = None) -> list[BudgetRequestDeadline]:
    """TRACKER_BUDGET_REQUEST_REMINDER_DAYS before each municipality's deadline, remind its staff — once per year's
    deadline, and only a municipality with engagements that will need its money next fiscal year (NEEDS_BUDGET).
    Run daily (docs/tracker.md). Returns the deadlines reminded."""
    today = today or today_jst()
    horizon = today + dt.timedelta(days=settings.TRACKER_BUDGET_REQUEST_REMINDER_DAYS)
    counts: dict[int, int] = {}
    for municipality_id in Engagement.objects.filter(stage__in=NEEDS_BUDGET).values_list(
        "municipality_id", flat=True
    ):
        counts[municipality_id] = counts.get(municipality_id, 0) + 1
    sent = []
    for row in BudgetRequestDeadline.objects.filter(municipality_id__in=list(counts)).select_related(
        "municipality"
    ):
        deadline = row.next_on(today)
        if deadline > horizon or row.reminded_for == deadline:
            continue
        with transaction.atomic():
            updated = (
                BudgetRequestDeadline.objects.filter(pk=row.pk, month=row.month, day=row.day)
                .exclude(reminded_for=deadline)
                .update(reminded_for=deadline)
            )
            if not updated:  # another run got there first, or the date just changed
                continue
            days = (deadline - today).days
            # the request made by the deadline is for the fiscal year after the one the deadline falls in
            for_year = fiscal_year_of(deadline) + 1
            record(
                actor=None,
                action="tracker.budget_request_reminder",
                obj=row.municipality,
                deadline=deadline.isoformat(),
                fiscal_year=for_year,
                engagements=counts[row.municipality_id],
            )
            notify(
                active_members(row.municipality),
                kind="tracker.budget_request_due",
                params={
                    "date": deadline,
                    "days": days,
                    "n": counts[row.municipality_id],
                    "fy": partial(fiscal_year_label, for_year),
                },
                url=reverse("engagement:index"),
            )
        sent.append(row)
    return sent
