"""A startup's "action needed" items from applications, conversations and the tracker (registered with
portal.core.actions in ConversationsConfig.ready()). Four queries whatever the number of items."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.applications.models import Application, ApplicationState
from portal.core.actions import ActionItem
from portal.core.fiscal import fiscal_year_bounds, fiscal_year_of
from portal.tracker import workflow
from portal.tracker.models import Engagement, TravelRequest
from portal.tracker.models.travel import TravelState
from portal.tracker.queues import report_due_days

from . import selectors


def startup_actions(user, organisation) -> list[ActionItem]:
    if organisation is None or not getattr(organisation, "is_startup", False):
        return []
    items: list[ActionItem] = []
    for application in Application.objects.filter(
        startup=organisation, state=ApplicationState.MORE_INFO
    ).select_related("challenge"):
        items.append(
            ActionItem(
                kind="application.reply",
                title=_("Reply to the request for more information: %(challenge)s")
                % {"challenge": application.challenge.title},
                url=reverse("conversations:application_thread", args=[application.pk]),
                detail=application.info_request,
            )
        )
    trips = TravelRequest.objects.filter(
        engagement__startup=organisation, state__in=[TravelState.APPROVED, TravelState.TRIP_DONE]
    ).select_related("engagement")
    today = timezone.localdate()
    for trip in trips:
        fy_end = fiscal_year_bounds(fiscal_year_of(trip.departure_date))[1]
        if trip.state == TravelState.TRIP_DONE:
            items.append(
                ActionItem(
                    kind="trip.settle",
                    title=_("Settle your trip with the receipts: %(engagement)s")
                    % {"engagement": trip.engagement},
                    url=reverse("tracker:trip", args=[trip.pk]),
                    deadline=fy_end,
                )
            )
        elif trip.return_date < today:
            items.append(
                ActionItem(
                    kind="trip.done",
                    title=_("Tell us the trip took place: %(engagement)s") % {"engagement": trip.engagement},
                    url=reverse("tracker:trip", args=[trip.pk]),
                    deadline=fy_end,
                )
            )
    stalled_days = settings.TRACKER_STALLED_AFTER_DAYS
    warn_after = dt.timedelta(days=report_due_days())  # the rule of the municipality's work queue
    now = timezone.now()
    for engagement in Engagement.objects.filter(
        startup=organisation, stage__in=workflow.ACTIVE_STAGES, last_activity_at__lt=now - warn_after
    ):
        items.append(
            ActionItem(
                kind="engagement.report",
                title=_("Report your progress: %(engagement)s") % {"engagement": engagement},
                url=reverse("tracker:engagement", args=[engagement.pk]),
                deadline=(engagement.last_activity_at + dt.timedelta(days=stalled_days)).date(),
            )
        )
    unread = selectors.unread_message_count(user)
    if unread:
        items.append(
            ActionItem(
                kind="messages.unread",
                title=_("Read your new messages (%(n)s)") % {"n": unread},
                url=reverse("conversations:threads"),
            )
        )
    return items
