"""The shell's fixed parts are kept per process (portal/core/fragments.py), so these check that nothing of one
visitor reaches another through them: each user gets their own name, unread count and a CSRF token that works for
their own session; each language its own labels and addresses; a new notification and a log-out show on the very
next page; the current section is marked per page. The user's caches (portal/core/usercache.py) are on, as in
production."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal.core import fragments
from portal.core.notifications import notify
from tests.applications.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shell_cache_on(settings):
    settings.SHELL_CACHE_SECONDS = settings.ROUTE_CACHE_SECONDS = 300
    settings.ACCESS_CACHE_SECONDS = 60


@pytest.fixture
def world(db):
    return World()


def _header(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


def _logout_token(html: str) -> str:
    form = re.search(r'<form method="post" action="[^"]*/logout/">(.*?)</form>', _header(html), re.S)
    assert form is not None, "no log-out form in the header"
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _badge(html: str) -> int:
    header = _header(html)
    link = header[header.index('id="notifications-link"') :]
    link = link[: link.index("</a>")]
    found = re.search(r'unread-badge"[^>]*>(\d+)<', link)
    return int(found.group(1)) if found else 0


def test_two_users_each_get_their_own_header_and_a_csrf_token_of_their_own_session(world):
    world.user_a.family_name, world.user_a.given_name = "山田", "一郎"
    world.user_b.family_name, world.user_b.given_name = "川口", "花子"
    world.user_a.save()
    world.user_b.save()
    notify([world.user_a], kind="test.news", title="Aだけ", body="本文", url="/mypage/")
    a, b = _signed_in(world.user_a), _signed_in(world.user_b)
    for _ in range(2):  # the second round renders from the kept fragments
        page_a = a.get(reverse("privacy")).content.decode()
        page_b = b.get(reverse("privacy")).content.decode()
        assert world.user_a.get_full_name() in _header(page_a)
        assert world.user_b.get_full_name() not in _header(page_a)
        assert world.user_b.get_full_name() in _header(page_b)
        assert world.user_a.get_full_name() not in _header(page_b)
        assert (_badge(page_a), _badge(page_b)) == (1, 0)
    # Each header's token is its own session's: B's token does not log A out, A's own does.
    assert (
        a.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": _logout_token(page_b)}).status_code == 403
    )
    assert (
        b.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": _logout_token(page_a)}).status_code == 403
    )
    assert (
        a.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": _logout_token(page_a)}).status_code == 302
    )
    assert "_auth_user_id" not in a.session


def test_each_language_gets_its_own_labels_and_addresses(world):
    client = _signed_in(world.user_a)
    for _ in range(2):
        ja = client.get("/privacy/").content.decode()
        en = client.get("/en/privacy/").content.decode()
        assert ">課題<" in _header(ja) and 'href="/challenges/"' in _header(ja)
        assert ">Challenges<" in _header(en) and 'href="/en/challenges/"' in _header(en)
        assert ">ログアウト<" in _header(ja) and ">Log out<" in _header(en)
        assert ">よくある質問<" in _footer(ja) and ">FAQ<" in _footer(en)
        assert 'href="/en/faq/"' in _footer(en)
        assert 'lang="ja" aria-current="true"' in _header(ja)
        assert 'lang="en" aria-current="true"' in _header(en)


def test_a_new_notification_shows_on_the_next_page(world):
    client = _signed_in(world.user_a)
    assert _badge(client.get("/privacy/").content.decode()) == 0
    assert _badge(client.get("/privacy/").content.decode()) == 0
    notify([world.user_a], kind="test.news", title="お知らせ", body="本文", url="/mypage/")
    assert _badge(client.get("/privacy/").content.decode()) == 1


def test_after_logging_out_the_next_page_is_a_visitors(world):
    client = _signed_in(world.user_a)
    html = client.get("/privacy/").content.decode()
    assert world.user_a.email in _header(html)
    assert ">スタートアップを登録<" not in _footer(html)  # the footer's register link is for visitors
    client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": _logout_token(html)})
    html = client.get("/privacy/").content.decode()
    assert world.user_a.email not in html
    assert 'id="notifications-link"' not in html and "/logout/" not in _header(html)
    assert ">ログイン<" in _header(html) and ">スタートアップを登録<" in _footer(html)


def test_a_visitor_after_a_signed_in_user_sees_nothing_of_theirs(world):
    signed_in = _signed_in(world.user_a)
    notify([world.user_a], kind="test.news", title="お知らせ", body="本文", url="/mypage/")
    signed_in.get("/privacy/")
    html = Client().get("/privacy/").content.decode()
    assert world.user_a.email not in html and 'id="notifications-link"' not in html
    assert "/logout/" not in html


def test_the_current_section_and_page_are_marked(world, client):
    login = client.get(reverse("accounts:login")).content.decode()
    assert re.search(r'href="/accounts/login/[^"]*" aria-current="page"', _header(login))
    assert 'aria-current="page"' not in _header(client.get("/privacy/").content.decode())
    startups = client.get(reverse("startups:startup_list")).content.decode()
    assert re.search(r'href="/startups/" aria-current="page">スタートアップ<', _header(startups))
    assert _header(startups).count('aria-current="page"') == 1
    client.force_login(world.user_a)
    mypage = client.get(reverse("startups:mypage")).content.decode()
    assert re.search(r'href="/mypage/" aria-current="page"', _header(mypage))


def test_a_fragment_sees_only_its_variant():
    """Rendered without the page's context: nothing of a request or a user can be kept in it."""
    footer = fragments.fragment("includes/footer.html", signed_in=False)
    assert "/accounts/register/" in footer
    assert "/accounts/register/" not in fragments.fragment("includes/footer.html", signed_in=True)
    assert fragments.fragment("includes/footer.html", signed_in=False) is footer  # kept
