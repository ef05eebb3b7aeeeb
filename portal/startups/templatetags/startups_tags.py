"""My page's sections for startup members.

{% load startups_tags %}
{% mypage_applications organisation %}      the startup's latest applications and their states
{% mypage_notifications %}                  the latest notifications
{% mypage_profile organisation %}           profile completeness with a link to the edit page
"""

from django import template

from portal.applications import selectors
from portal.core.notifications import latest_notifications, unread_count

register = template.Library()

MYPAGE_ROWS = 10


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return user if getattr(user, "is_authenticated", False) else None


@register.inclusion_tag("startups/includes/mypage_applications.html", takes_context=True)
def mypage_applications(context, organisation):
    rows = []
    if organisation is not None and getattr(organisation, "is_startup", False):
        rows = list(selectors.applications_of_startup(organisation)[:MYPAGE_ROWS])
    return {
        "applications": rows,
        "organisation": organisation,
        "for_startup": True,  # the state badges say what the startup must do next
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),  # the rank forms post from My page
    }


@register.inclusion_tag("startups/includes/mypage_notifications.html", takes_context=True)
def mypage_notifications(context, limit: int = 5):
    user = _user(context)
    rows = latest_notifications(user, limit) if user else []
    return {"notifications": rows, "count": unread_count(user) if user else 0}


@register.inclusion_tag("startups/includes/mypage_profile.html")
def mypage_profile(organisation):
    if organisation is None or not getattr(organisation, "is_startup", False):
        return {"completeness": None}
    return {"completeness": selectors.profile_completeness(organisation), "organisation": organisation}
