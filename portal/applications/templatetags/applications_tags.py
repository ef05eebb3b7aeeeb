"""Template pieces other pages embed: the header's unread count, the rank controls, next steps, eligibility.
(My page's sections are portal/startups/templatetags/startups_tags.py.)

{% load applications_tags %}
{% unread_notifications %}                  the header link with the unread count
{% preference_rule application as rule %}   (may the user rank it?, why) for the rank controls
{% startup_action application as action %}  what the startup must do next ('' when nothing waits on it)
"""

from django import template

from portal.core.notifications import unread_count

from .. import eligibility, next_steps
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
