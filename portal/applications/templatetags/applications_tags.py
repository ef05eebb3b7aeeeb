"""Template pieces other pages embed: the header's unread count, the rank controls, next steps, eligibility.
(My page's sections are portal/startups/templatetags/startups_tags.py.)

{% load applications_tags %}
{% unread_notifications %}                  the header link with the unread count
{% preference_rule application as rule %}   (may the user rank it?, why) for the rank controls
{% startup_action application as action %}  what the startup must do next ('' when nothing waits on it)
{% application_rows applications %}         the startup's applications table's rows (cells.py)
{% application_state application for_startup %}   the state badge (with the next step for the startup)
{% application_preference application %}    the rank form, or the rank
"""

from django import template

from portal.core.notifications import unread_count

from .. import cells, eligibility, next_steps
from .. import permissions as rules
from ..models import PREFERENCE_CHOICES

register = template.Library()


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return user if getattr(user, "is_authenticated", False) else None


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    user = _user(context)
    return unread_count(user) if user else 0


@register.inclusion_tag("applications/includes/unread_notifications.html", takes_context=True)
def unread_notifications(context):
    user = _user(context)
    return {"signed_in": user is not None, "count": unread_count(user) if user else 0}


@register.simple_tag(takes_context=True)
def preference_rule(context, application):
    """(allowed, reason) of ranking this application for the signed-in user: the table shows a form or the rank."""
    return rules.can_set_preference(_user(context), application)


@register.simple_tag
def preference_choices():
    return PREFERENCE_CHOICES


def _csrf_token(context):
    return context.get("csrf_token")


def _next_url(context) -> str:
    request = context.get("request")
    return request.get_full_path() if request is not None else ""


@register.simple_tag(takes_context=True)
def application_rows(context, applications):
    """The table's rows in Python (one call, not two includes per row: issue #20)."""
    return cells.table_rows(
        applications,
        user=_user(context),
        for_startup=bool(context.get("for_startup")),
        next_url=_next_url(context),
        csrf_token=_csrf_token(context),
    )


@register.simple_tag
def application_state(application, for_startup=False):
    return cells.state_badge(application, for_startup=bool(for_startup))


@register.simple_tag(takes_context=True)
def application_preference(context, application):
    return cells.preference_cell(
        application, user=_user(context), next_url=_next_url(context), csrf_token=_csrf_token(context)
    )


@register.simple_tag
def startup_action(application) -> str:
    return next_steps.startup_action(application)


@register.inclusion_tag("applications/includes/eligibility.html", takes_context=True)
def challenge_eligibility(context, challenge):
    """The challenge's conditions for applicants; for a signed-in startup member, each checked with the reason."""
    user = _user(context)
    startup = rules.startup_of(user) if user else None
    conditions = eligibility.eligibility_for(startup, challenge)
    return {
        "conditions": conditions,
        "checked": startup is not None,
        "eligible": all(c.met for c in conditions),
        "for_startup": startup is not None,
    }


@register.simple_tag
def answered_questions(application):
    """The challenge's questions next to the application's answers (for the review, the detail page, the PDF)."""
    return eligibility.answered_questions(application)
