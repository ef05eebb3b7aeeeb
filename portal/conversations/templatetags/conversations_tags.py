"""Template pieces other pages embed.

{% load conversations_tags %}
{% challenge_questions page %}     the challenge page's questions and answers (who sees what: selectors)
{% unread_messages %}              the header's link to the messages with the unread count
{% mypage_actions organisation %}  "action needed" at the top of a startup's My page
{% mypage_messages %}              My page's messages section with the unread count
"""

from django import template

from portal.core.actions import actions_for

from .. import permissions as rules
from .. import selectors
from ..models import ChallengeFollow

register = template.Library()


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register.inclusion_tag("conversations/includes/challenge_questions.html", takes_context=True)
def challenge_questions(context, challenge):
    user = _user(context)
    return {
        "challenge": challenge,
        "user": user or context.get("user"),
        "closes_at": rules.questions_close_at(challenge),
        "questions_open": rules.questions_open(challenge),
        "published": list(selectors.published_questions(challenge)),
        "published_count": selectors.published_question_count(challenge),
        "pending": list(selectors.own_pending_questions(user, challenge)) if user else [],
        "can_ask": rules.can_ask(user, challenge)[0] if user else False,
        "following": bool(user) and ChallengeFollow.objects.filter(challenge=challenge, user=user).exists(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("conversations/includes/unread_messages.html", takes_context=True)
def unread_messages(context):
    user = _user(context)
    return {"signed_in": user is not None, "count": selectors.unread_message_count(user) if user else 0}


@register.inclusion_tag("conversations/includes/mypage_actions.html", takes_context=True)
def mypage_actions(context, organisation):
    user = _user(context)
    return {"items": actions_for(user, organisation) if user else []}


@register.simple_tag(takes_context=True)
def unread_message_count(context):
    user = _user(context)
    return selectors.unread_message_count(user) if user else 0
