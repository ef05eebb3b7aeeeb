"""The tracker's entries in the staff work queues (portal/core/queues.py), one aggregate query each.

Municipality staff: applications to review, first visits to arrange, meetings where the startup asked for other
times, progress reports due. Ministry staff: challenges in moderation, match proposals to decide, travel requests
to approve, to settle or pay, stalled engagements. Tracker is the furthest app up the import chain that holds
these models, so the counts of applications, challenges and matching live here too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import WorkflowState

from matching.models import MatchRun, ReviewStatus
from portal.applications.models import Application, ApplicationState
from portal.challenges.models import ChallengePage
from portal.core.queues import MINISTRY, MUNICIPALITY, Queue, QueueEntry, entries, link

from .models import Engagement, Meeting, MeetingState, TravelRequest, TravelState
from .workflow import ACTIVE_STAGES, Stage

SUBMITTED = {"state": ApplicationState.SUBMITTED}
REQUESTED = {"state": TravelState.REQUESTED}


# A progress report is due this many days before an engagement would be flagged as stalled: the same rule as the
# startup's "action needed" item (portal/conversations/actions.py), so both sides see the same engagements.
REPORT_DUE_WARNING_DAYS = 14


def report_due_days() -> int:
    return max(settings.TRACKER_STALLED_AFTER_DAYS - REPORT_DUE_WARNING_DAYS, 0)


MUNICIPALITY_QUEUES = (
    Queue("applications_to_review", _("Applications to review"), 10, "application:index", SUBMITTED),
    Queue(
        "visits_to_arrange",
        _("First visits to arrange"),
        40,
        "engagement:index",
        {"stage": Stage.FIRST_VISIT},
    ),
    Queue(
        "other_times_asked",
        _("Meetings where the startup asked for other times"),
        41,
        "meeting:index",
        {"state": MeetingState.OTHER_SLOTS_ASKED},
    ),
    Queue("reports_due", _("Progress reports due (no news for %(days)d days)"), 50, "engagement:index"),
)
MINISTRY_QUEUES = (
    Queue("challenges_in_moderation", _("Challenges in moderation"), 10, "wagtailadmin_reports:workflow"),
    Queue("proposals_to_decide", _("Match proposals to decide (latest run)"), 20, "match_run:index"),
    Queue("travel_to_approve", _("Travel requests to approve"), 30, "travel_request:index", REQUESTED),
    Queue(
        "travel_to_pay", _("Settled trips to pay"), 31, "travel_request:index", {"state": TravelState.SETTLED}
    ),
    Queue("stalled_engagements", _("Stalled engagements"), 40, "engagement:index", {"flagged": "true"}),
)


def municipality_entries(user, audience, ids) -> list[QueueEntry]:
    if audience != MUNICIPALITY:
        return []
    to_review = Application.objects.filter(
        challenge__municipality_id__in=ids, state=ApplicationState.SUBMITTED
    ).count()
    asked = Meeting.objects.filter(municipality_id__in=ids, state=MeetingState.OTHER_SLOTS_ASKED).count()
    live_meeting = Meeting.objects.filter(engagement=OuterRef("pk")).exclude(state=MeetingState.CANCELLED)
    due_before = timezone.now() - dt.timedelta(days=report_due_days())
    counts = Engagement.objects.filter(municipality_id__in=ids).aggregate(
        visits_to_arrange=Count("pk", filter=Q(stage=Stage.FIRST_VISIT) & ~Q(Exists(live_meeting))),
        reports_due=Count("pk", filter=Q(stage__in=ACTIVE_STAGES, last_activity_at__lt=due_before)),
    )
    counts |= {"applications_to_review": to_review, "other_times_asked": asked}
    return entries(MUNICIPALITY_QUEUES, counts, values={"days": report_due_days()})


def ministry_entries(user, audience, ids) -> list[QueueEntry]:
    if audience != MINISTRY:
        return []
    run = (
        MatchRun.objects.filter(status=MatchRun.Status.DONE)
        .order_by("-pk")
        .annotate(pending=Count("proposals", filter=Q(proposals__review_status=ReviewStatus.PROPOSED)))
        .values("pk", "pending")
        .first()
    )
    counts = TravelRequest.objects.aggregate(
        travel_to_approve=Count("pk", filter=Q(state__in=[TravelState.REQUESTED, TravelState.EXCESS_REVIEW])),
        travel_to_pay=Count("pk", filter=Q(state=TravelState.SETTLED)),
    )
    counts["stalled_engagements"] = (
        Engagement.objects.filter(Q(stage=Stage.STALLED) | Q(stalled_flagged_at__isnull=False))
        .exclude(stage=Stage.ENDED)
        .count()
    )
    counts["challenges_in_moderation"] = _challenges_in_moderation()
    counts["proposals_to_decide"] = run["pending"] if run else 0
    # the latest run's page when there is one, else the list of runs
    links = {"proposals_to_decide": link("match_run:run", run["pk"])} if run else {}
    return entries(MINISTRY_QUEUES, counts, links=links)


def _challenges_in_moderation() -> int:
    """Challenge pages with a moderation workflow in progress (one query; the content type is cached)."""
    content_type = ContentType.objects.get_for_model(ChallengePage)
    return WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS, content_type=content_type
    ).count()
