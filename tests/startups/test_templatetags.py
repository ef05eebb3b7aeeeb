"""My page's sections: applications with states, notifications (with the header's unread count), completeness."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from portal.applications import services


def _render(source: str, user, **context) -> str:
    request = RequestFactory().get("/mypage/")
    request.user = user
    return Template("{% load applications_tags startups_tags %}" + source).render(
        Context({"request": request, **context})
    )


def test_mypage_sections_show_the_startups_own_rows(world):
    application = world.submitted()
    services.application_shortlist(application=application, actor=world.staff_x)
    world.submitted(user=world.user_b, challenge=world.challenge_y)
    html = _render("{% mypage_applications organisation %}", world.user_a, organisation=world.startup_a)
    assert "除雪の見える化" in html and 'data-state="shortlisted"' in html
    assert "遠隔妊婦健診" not in html  # B's application
    html = _render("{% mypage_notifications %}{% unread_notifications %}", world.user_a)
    assert "Shortlisted: 除雪の見える化" in html  # rendered in the reader's language (English here)
    assert 'class="badge unread-badge"' in html and ">2<" in html
    with translation.override("ja"):
        html = _render("{% mypage_notifications %}", world.user_a)
    assert "候補に選ばれました：除雪の見える化" in html  # the same row, read in Japanese
    html = _render("{% mypage_profile organisation %}", world.user_a, organisation=world.startup_a)
    assert "Track record" in html and "/mypage/profile/" in html
