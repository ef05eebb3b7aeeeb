"""Admin wiring: the questions and conversations lists (viewsets) and their screens; the unread count in the
admin's menu."""

from __future__ import annotations

from django.urls import path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from portal.core.queues import HOOK
from portal.core.ratelimit import rate_limited

from . import admin_views, queues
from .models import Question, Thread

register_permission_policy(Question, admin_views.QuestionPolicy(Question))
register_permission_policy(Thread, admin_views.ThreadPolicy(Thread))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [admin_views.ThreadViewSet("message_thread"), admin_views.QuestionViewSet("question")]


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("questions/answer/<int:pk>/", admin_views.question, name="conversations_question"),
        path(
            "messages/application/<int:pk>/",
            rate_limited("message", key="user")(admin_views.application_thread),
            name="conversations_application_thread",
        ),
        path(
            "messages/engagement/<int:pk>/",
            rate_limited("message", key="user")(admin_views.engagement_thread),
            name="conversations_engagement_thread",
        ),
    ]


# Questions to answer and unread messages in the staff work queues on the admin home (portal/core/queues.py).
hooks.register(HOOK, queues.entries)
