"""The tracker's entries in the staff work queues (portal/core/queues.py), one aggregate query each.

Municipality staff: applications to review, first visits to arrange, meetings where the startup asked for other
times, progress reports due. Ministry staff: challenges in moderation, match proposals to decide, travel requests
to approve, to settle or pay, stalled engagements. Tracker is the furthest app up the import chain that holds
these models, so the counts of applications, challenges and matching live here too.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import WorkflowState

from matching.models import MatchRun, ReviewStatus
from portal.applications.models import Application, ApplicationState
from portal.challenges.models import ChallengePage
from portal.core.queues import MINISTRY, MUNICIPALITY, QueueEntry

from .models import Engagement, Meeting, MeetingState, TravelRequest, TravelState
from .workflow import ACTIVE_STAGES, Stage


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


# A progress report is due this many days before an engagement would be flagged as stalled: the same rule as the
# startup's "action needed" item (portal/conversations/actions.py), so both sides see the same engagements.
REPORT_DUE_WARNING_DAYS = 14


def report_due_days() -> int:
    return max(settings.TRACKER_STALLED_AFTER_DAYS - REPORT_DUE_WARNING_DAYS, 0)


def municipality_entries(user, audience, ids) -> list[QueueEntry]:
    if audience != MUNICIPALITY:
        return []
    to_review = Application.objects.filter(
        challenge__municipality_id__in=ids, state=ApplicationState.SUBMITTED
    ).count()
    asked = Meeting.objects.filter(municipality_id__in=ids, state=MeetingState.OTHER_SLOTS_ASKED).count()
    live_meeting = Meeting.objects.filter(engagement=OuterRef("pk")).exclude(state=MeetingState.CANCELLED)
    due_before = timezone.now() - dt.timedelta(days=report_due_days())
    engagements = Engagement.objects.filter(municipality_id__in=ids).aggregate(
        to_arrange=Count("pk", filter=Q(stage=Stage.FIRST_VISIT) & ~Q(Exists(live_meeting))),
        reports_due=Count("pk", filter=Q(stage__in=ACTIVE_STAGES, last_activity_at__lt=due_before)),
    )
    return [
        QueueEntry(
            "applications_to_review",
            _("Applications to review"),
            to_review,
            _url("application:index", state=ApplicationState.SUBMITTED),
            order=10,
        ),
        QueueEntry(
            "visits_to_arrange",
            _("First visits to arrange"),
            engagements["to_arrange"],
            _url("engagement:index", stage=Stage.FIRST_VISIT),
            order=40,
        ),
        QueueEntry(
            "other_times_asked",
            _("Meetings where the startup asked for other times"),
            asked,
            _url("meeting:index", state=MeetingState.OTHER_SLOTS_ASKED),
            order=41,
        ),
        QueueEntry(
            "reports_due",
            _("Progress reports due (no news for %(days)d days)") % {"days": report_due_days()},
            engagements["reports_due"],
            _url("engagement:index"),
            order=50,
        ),
    ]


def ministry_entries(user, audience, ids) -> list[QueueEntry]:
    if audience != MINISTRY:
        return []
    in_moderation = _challenges_in_moderation()
    run = (
        MatchRun.objects.filter(status=MatchRun.Status.DONE)
        .order_by("-pk")
        .annotate(pending=Count("proposals", filter=Q(proposals__review_status=ReviewStatus.PROPOSED)))
        .values("pk", "pending")
        .first()
    )
    travel = TravelRequest.objects.aggregate(
        to_approve=Count("pk", filter=Q(state__in=[TravelState.REQUESTED, TravelState.EXCESS_REVIEW])),
        to_pay=Count("pk", filter=Q(state=TravelState.SETTLED)),
    )
    stalled = (
        Engagement.objects.filter(Q(stage=Stage.STALLED) | Q(stalled_flagged_at__isnull=False))
        .exclude(stage=Stage.ENDED)
        .count()
    )
    return [
        QueueEntry(
            "challenges_in_moderation",
            _("Challenges in moderation"),
            in_moderation,
            reverse("wagtailadmin_reports:workflow"),
            order=10,
        ),
        QueueEntry(
            "proposals_to_decide",
            _("Match proposals to decide (latest run)"),
            run["pending"] if run else 0,
            reverse("match_run:run", args=[run["pk"]]) if run else reverse("match_run:index"),
            order=20,
        ),
        QueueEntry(
            "travel_to_approve",
            _("Travel requests to approve"),
            travel["to_approve"],
            _url("travel_request:index", state=TravelState.REQUESTED),
            order=30,
        ),
        QueueEntry(
            "travel_to_pay",
            _("Settled trips to pay"),
            travel["to_pay"],
            _url("travel_request:index", state=TravelState.SETTLED),
            order=31,
        ),
        QueueEntry(
            "stalled_engagements",
            _("Stalled engagements"),
            stalled,
            _url("engagement:index", flagged="true"),
            order=40,
        ),
    ]


def _challenges_in_moderation() -> int:
    """Challenge pages with a moderation workflow in progress (one query; the content type is cached)."""
    content_type = ContentType.objects.get_for_model(ChallengePage)
    return WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS, content_type=content_type
    ).count()
