"""Across fiscal years (年度, April–March): what an engagement still has open, with the fiscal year each item began
in, so that work begun in one 年度 is carried into the next and shown as such; and what each year's travel budget
still owes after its year ended (carried over: reserved or settled, not yet paid)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.core.calendar import current_fiscal_year, today_jst
from portal.core.fiscal import fiscal_year_of

from . import workflow
from .models import Engagement, FiscalBudget, MeetingState, TravelState

OPEN_TRAVEL = (
    TravelState.REQUESTED,
    TravelState.APPROVED,
    TravelState.TRIP_DONE,
    TravelState.EXCESS_REVIEW,
    TravelState.SETTLED,
)
OPEN_MEETING = (MeetingState.PROPOSED, MeetingState.OTHER_SLOTS_ASKED)


@dataclass(frozen=True)
class OpenTask:
    kind: str  # "trip", "meeting", "agreement"
    label: str
    fiscal_year: int  # the fiscal year the task began in
    carried_over: bool  # begun in an earlier fiscal year than the current one


def open_tasks(engagement: Engagement, meetings=None) -> list[OpenTask]:
    """The engagement's open tasks: trips not yet paid, meetings waiting for an answer, renewal decisions ahead.

    Reads the rows `selectors.engagement_detail` prefetched (and the meetings the page already loads); no query of
    its own besides those. An engagement that has ended has none."""
    if engagement.stage == workflow.Stage.ENDED:
        return []
    now_fy = current_fiscal_year()
    today = today_jst()
    tasks = []
    for trip in engagement.travel_requests.all():
        if trip.state in OPEN_TRAVEL:
            tasks.append(
                OpenTask(
                    "trip",
                    _("Trip on %(date)s: %(state)s")
                    % {
                        "date": date_format(trip.departure_date, "DATE_FORMAT"),
                        "state": trip.get_state_display(),
                    },
                    trip.fiscal_year,
                    trip.fiscal_year < now_fy,
                )
            )
    for meeting in meetings if meetings is not None else engagement.meetings.all():
        if meeting.state in OPEN_MEETING:
            year = fiscal_year_of(meeting.created_at)
            tasks.append(
                OpenTask(
                    "meeting",
                    _("%(title)s: %(state)s")
                    % {"title": meeting.title, "state": meeting.get_state_display()},
                    year,
                    year < now_fy,
                )
            )
    for agreement in engagement.agreements.all():
        if agreement.renewal_notice_on and agreement.renewal_notice_on >= today:
            year = fiscal_year_of(agreement.signed_on)
            tasks.append(
                OpenTask(
                    "agreement",
                    _("Decide on renewal of “%(title)s” by %(date)s")
                    % {
                        "title": agreement.title,
                        "date": date_format(agreement.renewal_notice_on, "DATE_FORMAT"),
                    },
                    year,
                    year < now_fy,
                )
            )
    return sorted(tasks, key=lambda t: (t.fiscal_year, t.kind))


def budget_carry_over(budgets: list[FiscalBudget]) -> dict[int, int]:
    """Per fiscal year whose year has ended: what its travel budget still owes (reserved + settled, not yet paid),
    carried into the current year. The current and later years carry nothing over yet."""
    now_fy = current_fiscal_year()
    return {b.fiscal_year: (b.reserved_yen + b.settled_yen) if b.fiscal_year < now_fy else 0 for b in budgets}
