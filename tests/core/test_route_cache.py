"""The cached site, page routing and view-restriction map (portal/core/routing.py) and the cached second-factor
check (portal/accounts/access.py): a page served from the cache skips Wagtail's walk down the page tree, and every
change a visitor must see takes effect on the next request — a publish, an unpublish, a moved page, a new view
restriction, a new authenticator."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page, PageViewRestriction

from tests import factories
from tests.programme import factories as pf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shell_caches_on")]


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries]


def _path_and_restriction_queries(sql: list[str]) -> list[str]:
    # The walk down the tree (a child looked up by its slug), and the page's own restrictions (`page_id IN`; the
    # template's `.public()` children reads every restriction, which is the page's content, not the shell's).
    return [
        q
        for q in sql
        if '"wagtailcore_page"."slug" =' in q or '"wagtailcore_pageviewrestriction"."page_id" IN' in q
    ]


def test_a_cached_route_skips_the_path_lookups_and_serves_the_same_page(client):
    pf.content("制度について", "about-cache", body=[{"type": "rich_text", "value": "<p>本文です。</p>"}])
    first, first_sql = _get(client, "/about-cache/")
    second, second_sql = _get(client, "/about-cache/")
    assert first.status_code == second.status_code == 200
    assert "本文です。" in second.content.decode()
    assert _path_and_restriction_queries(first_sql), "the first request routes through Wagtail"
    assert not _path_and_restriction_queries(second_sql), "\n".join(second_sql)
    assert len(second_sql) < len(first_sql)


def test_a_published_change_shows_on_the_next_request(client):
    page = pf.content("制度について", "about-cache")
    assert "制度について" in client.get("/about-cache/").content.decode()
    page.title = "制度の概要"
    page.save_revision().publish()
    assert "制度の概要" in client.get("/about-cache/").content.decode()


def test_an_unpublished_or_moved_page_is_not_served_from_the_cache(client):
    page = pf.content("制度について", "about-cache")
    other = pf.content("親ページ", "parent-cache")
    assert client.get("/about-cache/").status_code == 200
    page.move(other, pos="last-child")
    moved = client.get("/about-cache/")  # not the cached page: Wagtail's redirect to the new address
    assert moved.status_code == 301 and moved["Location"].endswith("/parent-cache/about-cache/")
    assert client.get("/parent-cache/about-cache/").status_code == 200
    Page.objects.get(pk=page.pk).specific.unpublish()
    assert client.get("/parent-cache/about-cache/").status_code == 404


def test_a_changed_slug_written_without_signals_is_not_served_at_its_old_address(client):
    page = pf.content("制度について", "about-cache")
    assert client.get("/about-cache/").status_code == 200
    # A bulk update sends no signal: the cached entry is checked against the page's url_path on use.
    Page.objects.filter(pk=page.pk).update(
        slug="about-renamed", url_path=page.url_path.replace("cache", "renamed")
    )
    assert client.get("/about-cache/").status_code == 404


def test_a_new_view_restriction_applies_on_the_next_request(client, startup_user):
    page = pf.content("会員向け", "members-cache")
    assert client.get("/members-cache/").status_code == 200  # cached: no restriction here
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/members-cache/")
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(startup_user)
    assert client.get("/members-cache/").status_code == 200
    client.logout()
    restriction.delete()
    assert client.get("/members-cache/").status_code == 200


def test_a_restriction_on_an_ancestor_covers_the_pages_below_it(client):
    parent = pf.content("親ページ", "parent-cache")
    child = pf._child(parent, pf.ContentPage(title="子ページ", slug="child"), True)
    assert child.url_path.endswith("/parent-cache/child/")
    assert client.get("/parent-cache/child/").status_code == 200
    PageViewRestriction.objects.create(page=parent, restriction_type=PageViewRestriction.LOGIN)
    assert client.get("/parent-cache/child/").status_code == 302


def test_a_new_authenticator_asks_for_the_second_factor_on_the_next_page(client):
    user = factories.member(
        factories.organisation("startup", name="株式会社二要素"), email="otp@startup.example.jp"
    )
    client.force_login(user)
    assert client.get("/mypage/").status_code == 200
    assert client.get("/mypage/").status_code == 200  # the second factor's absence now from the cache
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    response = client.get("/mypage/")
    assert response.status_code == 302 and reverse("accounts:two_factor_verify") in response["Location"]
    TOTPDevice.objects.filter(user=user).delete()  # a queryset deletion sends each device's signal
    assert client.get("/mypage/").status_code == 200


def test_a_publish_keeps_the_cached_routes_and_shows_the_change(client):
    page = pf.content("制度について", "about-cache")
    pf.content("別のページ", "other-cache")
    for url in ("/about-cache/", "/other-cache/"):
        assert client.get(url).status_code == 200
    page.title = "制度の概要"
    page.save_revision().publish()
    other, other_sql = _get(client, "/other-cache/")
    changed, changed_sql = _get(client, "/about-cache/")
    assert other.status_code == changed.status_code == 200
    assert "制度の概要" in changed.content.decode()
    # Neither path is walked again: a publish that changes no address leaves the routes cached.
    assert not _path_and_restriction_queries(other_sql), "\n".join(other_sql)
    assert not _path_and_restriction_queries(changed_sql), "\n".join(changed_sql)


def test_a_published_slug_change_moves_the_page_and_its_children(client):
    parent = pf.content("親ページ", "parent-cache")
    pf._child(parent, pf.ContentPage(title="子ページ", slug="child"), True)
    assert client.get("/parent-cache/").status_code == 200
    assert client.get("/parent-cache/child/").status_code == 200
    parent.slug = "parent-renamed"
    parent.save_revision().publish()
    assert client.get("/parent-cache/").status_code in (301, 404)
    assert client.get("/parent-cache/child/").status_code in (301, 404)
    assert client.get("/parent-renamed/").status_code == 200
    assert "子ページ" in client.get("/parent-renamed/child/").content.decode()
