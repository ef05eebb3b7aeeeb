"""A startup's "action needed" items from applications, conversations and the tracker (registered with
portal.core.actions in ConversationsConfig.ready()). Three sources whose rows come back in My page's one "action
needed" query (with the other apps' sources), and the unread messages from the shell's cached count.

The rows carry the names the items show (the challenge's title, the engagement's municipality and challenge), so
an item costs no query of its own, whatever the number of items."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.applications.models import Application, ApplicationState
from portal.core.actions import ActionItem, ActionRow, ActionSource, action_rows
from portal.core.fiscal import fiscal_year_bounds, fiscal_year_of
from portal.core.i18n import in_reader_language
from portal.tracker import workflow
from portal.tracker.models import Engagement, TravelRequest
from portal.tracker.models.engagements import engagement_label
from portal.tracker.models.travel import TravelState
from portal.tracker.queues import report_due_days

from . import selectors


def _for_startup(organisation) -> bool:
    return organisation is not None and getattr(organisation, "is_startup", False)


# An engagement's name from its row: its own title and its challenge's, its municipality's names (the startup is the
# organisation whose My page it is).
_ENGAGEMENT_TEXTS = (
    "title",
    "title_en",
    "challenge__title",
    "challenge__title_en",
    "municipality__name",
    "municipality__name_en",
)


def _engagement_texts(prefix: str = "") -> tuple[str, ...]:
    return tuple(prefix + name for name in _ENGAGEMENT_TEXTS)


def _engagement_name(texts: tuple[str, ...], organisation) -> str:
    title, title_en, challenge_title, challenge_title_en, municipality, municipality_en = texts[:6]
    return engagement_label(
        municipality=in_reader_language(municipality, municipality_en),
        startup=organisation,
        title=in_reader_language(title, title_en) or in_reader_language(challenge_title, challenge_title_en),
    )


def _replies_rows(user, organisation):
    if not _for_startup(organisation):
        return None
    return action_rows(
        Application.objects.filter(startup=organisation, state=ApplicationState.MORE_INFO),
        source="application.reply",
        texts=("challenge__title", "info_request"),
    )


def _replies_items(rows: list[ActionRow], user, organisation) -> list[ActionItem]:
    return [
        ActionItem(
            kind="application.reply",
            title=_("Reply to the request for more information: %(challenge)s") % {"challenge": row.texts[0]},
            url=reverse("conversations:application_thread", args=[row.pk]),
            detail=row.texts[1],
        )
        for row in rows
    ]


def _trips_rows(user, organisation):
    if not _for_startup(organisation):
        return None
    return action_rows(
        TravelRequest.objects.filter(
            engagement__startup=organisation, state__in=[TravelState.APPROVED, TravelState.TRIP_DONE]
        ),
        source="trips",
        texts=(*_engagement_texts("engagement__"), "state"),
        days=("departure_date", "return_date"),
    )


def _trips_items(rows: list[ActionRow], user, organisation) -> list[ActionItem]:
    items = []
    today = timezone.localdate()
    for row in rows:
        state, (departure, return_date) = row.texts[6], row.days
        fy_end = fiscal_year_bounds(fiscal_year_of(departure))[1]
        engagement = _engagement_name(row.texts, organisation)
        if state == TravelState.TRIP_DONE:
            items.append(
                ActionItem(
                    kind="trip.settle",
                    title=_("Settle your trip with the receipts: %(engagement)s")
                    % {"engagement": engagement},
                    url=reverse("tracker:trip", args=[row.pk]),
                    deadline=fy_end,
                )
            )
        elif return_date < today:
            items.append(
                ActionItem(
                    kind="trip.done",
                    title=_("Tell us the trip took place: %(engagement)s") % {"engagement": engagement},
                    url=reverse("tracker:trip", args=[row.pk]),
                    deadline=fy_end,
                )
            )
    return items


def _reports_rows(user, organisation):
    if not _for_startup(organisation):
        return None
    warn_after = dt.timedelta(days=report_due_days())  # the rule of the municipality's work queue
    return action_rows(
        Engagement.objects.filter(
            startup=organisation,
            stage__in=workflow.ACTIVE_STAGES,
            last_activity_at__lt=timezone.now() - warn_after,
        ),
        source="engagement.report",
        texts=_engagement_texts(),
        moment="last_activity_at",
    )


def _reports_items(rows: list[ActionRow], user, organisation) -> list[ActionItem]:
    stalled_days = dt.timedelta(days=settings.TRACKER_STALLED_AFTER_DAYS)
    return [
        ActionItem(
            kind="engagement.report",
            title=_("Report your progress: %(engagement)s")
            % {"engagement": _engagement_name(row.texts, organisation)},
            url=reverse("tracker:engagement", args=[row.pk]),
            deadline=(row.moment + stalled_days).date(),
        )
        for row in rows
    ]


SOURCES = [
    ActionSource(key="application.reply", rows=_replies_rows, items=_replies_items),
    ActionSource(key="trips", rows=_trips_rows, items=_trips_items),
    ActionSource(key="engagement.report", rows=_reports_rows, items=_reports_items),
]


def startup_actions(user, organisation) -> list[ActionItem]:
    """The unread messages (the shell's cached count: no query when it is cached)."""
    if not _for_startup(organisation):
        return []
    unread = selectors.unread_message_count(user)
    if not unread:
        return []
    return [
        ActionItem(
            kind="messages.unread",
            title=_("Read your new messages (%(n)s)") % {"n": unread},
            url=reverse("conversations:threads"),
        )
    ]
