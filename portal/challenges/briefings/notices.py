"""The notifications a briefing session sends, rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from portal.core.notices import register

register(
    "briefing.registered",
    title=_("Registered for the briefing: %(session)s"),
    body=_(
        "Your organisation is registered for the briefing “%(session)s” on %(starts_at)s (Japan time). "
        "Add it to your calendar from the briefing's page."
    ),
)
register(
    "briefing.cancelled",
    title=_("Briefing cancelled: %(session)s"),
    body=_("The briefing “%(session)s” on %(starts_at)s (Japan time) has been cancelled. Reason: %(text)s"),
)
