"""The pieces the header embeds: the unread count. (My page's sections: tests/startups/test_templatetags.py.)"""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory


def _render(source: str, user, **context) -> str:
    request = RequestFactory().get("/mypage/")
    request.user = user
    return Template("{% load applications_tags %}" + source).render(Context({"request": request, **context}))


def test_header_count_is_empty_for_anonymous_users(db):
    from django.contrib.auth.models import AnonymousUser

    assert _render("{% unread_notifications %}", AnonymousUser()).strip() == ""
    assert _render("{% unread_notification_count %}", AnonymousUser()).strip() == "0"
