"""What an application asks of its startup now: the deadline and the time left for a draft, and which states need
the startup's action (issue #17, items 2 and 4). Reads only; the templates show the answers.

A state that needs the startup's action is shown with a colour, an icon and words (never colour alone).
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .models import Application, ApplicationState


def deadline_label(value: dt.datetime | None) -> str:
    """The deadline in Japan time, as each language writes a date: 2026年12月20日 17:00 / 20 Dec 2026, 17:00."""
    if value is None:
        return ""
    # Translators: a Django date format (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date).
    return dateformat.format(timezone.localtime(value), pgettext("deadline format", "j M Y, H:i"))


def time_left(deadline: dt.datetime | None, *, now: dt.datetime | None = None) -> str:
    """How long until `deadline`, in whole days and hours (hours and minutes on the last day); '' once it passed."""
    if deadline is None:
        return ""
    remaining = deadline - (now or timezone.now())
    if remaining <= dt.timedelta(0):
        return ""
    minutes = int(remaining.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        parts = [ngettext("%(n)d day", "%(n)d days", days) % {"n": days}]
        if hours:
            parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    elif hours:
        parts = [ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}]
        if minutes:
            parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    else:
        parts = [ngettext("%(n)d minute", "%(n)d minutes", max(minutes, 1)) % {"n": max(minutes, 1)}]
    # Translators: %(time)s is e.g. "3 days 5 hours"; Japanese reads 「あと3日5時間」.
    if len(parts) == 2:
        # Translators: two amounts of time, e.g. "3 days" and "5 hours"; Japanese writes them without a space.
        text = _("%(larger)s %(smaller)s") % {"larger": parts[0], "smaller": parts[1]}
    else:
        text = parts[0]
    return _("%(time)s left") % {"time": text}


def startup_action(application: Application, *, now: dt.datetime | None = None) -> str:
    """What the startup must do next for this application, in a few words; '' when nothing is waiting on it."""
    state = application.state
    if state == ApplicationState.MORE_INFO:
        return _("Answer the municipality's request")
    if state == ApplicationState.DRAFT:
        left = time_left(application.challenge.application_closes, now=now)
        return _("Submit before the deadline (%(time_left)s)") % {"time_left": left} if left else ""
    if state == ApplicationState.MATCHED:
        return _("Plan the first visit")
    return ""
