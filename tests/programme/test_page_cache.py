"""Content pages kept in the cache (portal/core/pagecache.py): a visitor without a session gets the whole page from
the cache with a CSRF token of their own, a signed-in user the kept body inside their own shell, and every change a
reader must see — an edit, a child published or restricted, an unpublish, a new restriction — shows on the next
request, in each language."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from portal.core import pagecache
from tests import factories
from tests.programme import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings, shell_caches_on):
    settings.PAGE_CACHE_SECONDS = 300


BODY = [{"type": "rich_text", "value": "<p>本文です。</p>"}]


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, len(ctx.captured_queries)


def _csrf_in_form(html: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_a_visitor_gets_the_kept_page_with_a_csrf_token_of_their_own():
    pf.content("制度について", "about-kept", body=BODY)
    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first, _ = _get(first_visitor, "/about-kept/")
    second, queries = _get(second_visitor, "/about-kept/")
    assert first.status_code == second.status_code == 200
    assert second["X-Page-Cache"] == "hit" and queries == 0
    html = second.content.decode()
    assert "本文です。" in html and pagecache.CSRF_SENTINEL not in html
    token = _csrf_in_form(html)
    assert token != _csrf_in_form(first.content.decode())
    # The punched-in token is the visitor's own: the language form posts with it.
    switched = second_visitor.post(
        "/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "en", "next": "/about-kept/"}
    )
    assert switched.status_code == 302


def test_each_language_is_kept_apart():
    pf.content("制度について", "about-kept", title_en="About the programme", body=BODY)
    client = Client()
    for _ in range(2):
        assert "制度について" in client.get("/about-kept/").content.decode()
        english = client.get("/en/about-kept/").content.decode()
        assert "About the programme" in english and 'lang="en"' in english


def test_a_published_edit_shows_on_the_next_request_to_visitors_and_users(client, startup_user):
    page = pf.content("制度について", "about-kept", body=BODY)
    member = Client()
    member.force_login(startup_user)
    for c in (client, member):
        c.get("/about-kept/")
        assert "制度について" in c.get("/about-kept/").content.decode()
    page.title = "制度の概要"
    page.save_revision().publish()
    for c in (client, member):
        html = c.get("/about-kept/").content.decode()
        assert "制度の概要" in html and "制度について" not in html


def test_children_published_unpublished_or_restricted_show_on_the_parent(client, startup_user):
    parent = pf.content("親ページ", "parent-kept")
    member = Client()
    member.force_login(startup_user)
    for c in (client, member):
        c.get("/parent-kept/")
    child = pf._child(parent, pf.ContentPage(title="子ページ", slug="child"), True)
    for c in (client, member):
        assert "子ページ" in c.get("/parent-kept/").content.decode()
    restriction = PageViewRestriction.objects.create(page=child, restriction_type=PageViewRestriction.LOGIN)
    for c in (client, member):
        assert "子ページ" not in c.get("/parent-kept/").content.decode()
    restriction.delete()
    assert "子ページ" in client.get("/parent-kept/").content.decode()
    Page.objects.get(pk=child.pk).specific.unpublish()
    for c in (client, member):
        assert "子ページ" not in c.get("/parent-kept/").content.decode()


def test_an_unpublished_page_is_gone_at_once(client):
    page = pf.content("制度について", "about-kept", body=BODY)
    client.get("/about-kept/")
    assert client.get("/about-kept/")["X-Page-Cache"] == "hit"
    Page.objects.get(pk=page.pk).specific.unpublish()
    assert client.get("/about-kept/").status_code == 404


def test_a_restricted_page_is_never_kept_whole(client, startup_user):
    page = pf.content("会員向け", "members-kept", body=BODY)
    client.get("/members-kept/")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(2):
        response = client.get("/members-kept/")
        assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(startup_user)
    assert "本文です。" in client.get("/members-kept/").content.decode()
    client.logout()
    assert client.get("/members-kept/").status_code == 302


def test_signed_in_users_get_their_own_shell_around_the_kept_body():
    pf.content("制度について", "about-kept", body=BODY)
    org = factories.organisation("startup", name="株式会社ページ")
    first = factories.member(org, email="first@startup.example.jp", family_name="一番", given_name="太郎")
    second = factories.member(org, email="second@startup.example.jp", family_name="二番", given_name="花子")
    pages = {}
    for user in (first, second, first):
        c = Client()
        c.force_login(user)
        response = c.get("/about-kept/")
        assert "X-Page-Cache" not in response
        pages[user.email] = response.content.decode()
    assert "本文です。" in pages[first.email] and "本文です。" in pages[second.email]
    assert "一番" in pages[first.email] and "二番" not in pages[first.email]
    assert "二番" in pages[second.email] and "一番" not in pages[second.email]


def test_a_query_string_or_pending_messages_are_not_served_from_the_kept_page(client):
    pf.content("制度について", "about-kept", body=BODY)
    client.get("/about-kept/")
    assert "X-Page-Cache" not in client.get("/about-kept/?utm_source=mail")
    assert "X-Page-Cache" not in Client(HTTP_COOKIE="messages=x").get("/about-kept/")


def test_a_signed_in_content_page_reads_as_many_rows_with_10_children_as_with_100(startup_user, settings):
    settings.ACCESS_CACHE_SECONDS = 60
    parent = pf.content("親ページ", "parent-kept", body=BODY)
    member = Client()
    member.force_login(startup_user)
    counts = {}
    for children in (10, 100):
        for n in range(parent.get_children().count(), children):
            pf._child(parent, pf.ContentPage(title=f"子ページ{n}", slug=f"child-{n}"), True)
        member.get("/parent-kept/")  # the route, the user's figures and the body kept again
        settings.PAGE_CACHE_SECONDS = 0
        rendered, rendered_queries = _get(member, "/parent-kept/")
        settings.PAGE_CACHE_SECONDS = 300
        member.get("/parent-kept/")
        kept, kept_queries = _get(member, "/parent-kept/")
        for response in (rendered, kept):
            assert f"子ページ{children - 1}" in response.content.decode()
        counts[children] = (rendered_queries, kept_queries)
    assert counts[10] == counts[100], counts
    # Kept: neither the children nor their restrictions are read.
    assert counts[100][1] < counts[100][0], counts


def test_http_and_https_copies_are_kept_apart(client):
    pf.content("制度について", "about-kept", body=BODY)
    for _ in range(2):
        assert 'rel="canonical" href="http://' in client.get("/about-kept/").content.decode()
        assert 'rel="canonical" href="https://' in client.get("/about-kept/", secure=True).content.decode()
