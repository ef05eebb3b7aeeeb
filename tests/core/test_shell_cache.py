"""The shell's cache between requests (portal/core/usercache.py) is never stale where it matters: with it on, a
role change or a removed membership takes effect on the very next request (a security property), a new
notification or message shows at once, reading them clears the count at once, and one user's cached figures never
reach another user."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts import permissions, services
from portal.accounts.models import Membership
from portal.conversations import services as conversations
from portal.core.notifications import mark_read, notify
from tests import factories
from tests.applications.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shell_cache_on(settings):
    settings.SHELL_CACHE_SECONDS = 300
    settings.ACCESS_CACHE_SECONDS = 60


@pytest.fixture
def world(db):
    return World()


def _notification_badge(client) -> int:
    html = client.get(reverse("startups:mypage")).content.decode()
    start = html.index('id="notifications-link"')
    link = html[start : html.index("</a>", start)]
    return int(link.split("unread-badge")[1].split(">")[1].split("<")[0]) if "unread-badge" in link else 0


def _message_badge(client) -> int:
    html = client.get(reverse("startups:mypage")).content.decode()
    start = html.index('id="unread-messages"')
    link = html[start : html.index("</a>", start)]
    return int(link.split('class="badge"')[1].split(">")[1].split("<")[0]) if 'class="badge"' in link else 0


def test_a_new_notification_shows_at_once_and_reading_it_clears_the_count(client, world):
    client.force_login(world.user_a)
    assert _notification_badge(client) == 0
    assert _notification_badge(client) == 0  # now from the cache
    notify([world.user_a], kind="test.news", title="お知らせ", body="本文", url="/mypage/")
    assert _notification_badge(client) == 1
    notify([world.user_a, world.user_b], kind="test.news", title="お知らせ2", body="本文", url="/mypage/")
    assert _notification_badge(client) == 2
    mark_read(user=world.user_a)
    assert _notification_badge(client) == 0


def test_the_notifications_page_marks_them_read_and_the_header_follows(client, world):
    notify([world.user_a], kind="test.news", title="お知らせ", body="本文", url="/mypage/")
    client.force_login(world.user_a)
    assert _notification_badge(client) == 1
    client.post(reverse("startups:notifications"))  # "mark all read"
    assert _notification_badge(client) == 0


def test_a_new_message_shows_at_once_and_reading_the_thread_clears_it(client, world):
    application = world.submitted()
    thread = conversations.thread_for_application(application=application)
    client.force_login(world.user_a)
    assert _message_badge(client) == 0
    assert _message_badge(client) == 0  # cached
    conversations.message_post(thread=thread, actor=world.staff_x, body="資料をお送りください。")
    assert _message_badge(client) == 1
    conversations.thread_mark_read(thread=thread, user=world.user_a)
    assert _message_badge(client) == 0


def test_one_users_cached_counts_never_reach_another(client, world):
    notify([world.user_a], kind="test.news", title="Aだけ", body="本文", url="/mypage/")
    client.force_login(world.user_a)
    assert _notification_badge(client) == 1
    client.force_login(world.user_b)
    assert _notification_badge(client) == 0


def test_a_role_change_takes_effect_on_the_next_request(client, world):
    """A municipality administrator demoted to member loses the organisation's edit form at once."""
    edit = reverse("wagtailadmin_home") + f"accounts/organisations/edit/{world.muni_x.pk}/"
    second_admin = factories.staff(world.muni_x, email="second@takamatsu.example.jp")
    client.force_login(world.staff_x)
    assert client.get(edit).status_code == 200
    assert client.get(edit).status_code == 200  # access now from the cache
    membership = Membership.objects.get(user=world.staff_x, organisation=world.muni_x)
    services.membership_change_role(actor=second_admin, membership=membership, role=Membership.Role.MEMBER)
    response = client.get(edit)
    assert response.status_code in (302, 403)
    assert "accounts/organisations/edit/" not in response.get("Location", "")


def test_a_removed_member_loses_the_admin_and_the_organisations_data_at_once(client, world):
    client.force_login(world.staff_x)
    assert client.get(reverse("application:index")).status_code == 200
    assert client.get(reverse("wagtailadmin_home")).status_code == 200  # cached access
    membership = Membership.objects.get(user=world.staff_x, organisation=world.muni_x)
    second_admin = factories.staff(world.muni_x, email="second@takamatsu.example.jp")
    services.membership_remove(actor=second_admin, membership=membership)
    for url in (reverse("wagtailadmin_home"), reverse("application:index")):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or "/login/" in response["Location"], url


def test_a_removed_startup_member_no_longer_sees_the_startups_my_page(client, world):
    colleague = factories.member(world.startup_a, email="colleague@startup.example.jp")
    client.force_login(colleague)
    assert "株式会社エー" in client.get(reverse("startups:mypage")).content.decode()
    assert "株式会社エー" in client.get(reverse("startups:mypage")).content.decode()  # cached
    membership = Membership.objects.get(user=colleague, organisation=world.startup_a)
    services.membership_remove(actor=world.user_a, membership=membership)
    assert "株式会社エー" not in client.get(reverse("startups:mypage")).content.decode()


def test_a_deactivated_organisation_grants_nothing_on_the_next_request(client, world):
    client.force_login(world.staff_x)
    assert client.get(reverse("application:index")).status_code == 200
    world.muni_x.is_active = False
    world.muni_x.save()
    assert not permissions.organisation_ids_of(world.staff_x)  # a fresh read, not the request's memory
    response = client.get(reverse("application:index"))
    assert response.status_code in (302, 403)


def test_permissions_from_groups_follow_group_changes_at_once(client, world):
    from django.contrib.auth.models import Group

    client.force_login(world.staff_x)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    world.staff_x.groups.remove(Group.objects.get(name="Municipality"))
    if world.muni_x.staff_group is not None:
        world.staff_x.groups.remove(world.muni_x.staff_group)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code in (302, 403)


def _mypage_notifications(client) -> str:
    html = client.get(reverse("startups:mypage")).content.decode()
    start = html.index('id="mypage-notifications"')
    return html[start : html.index("</section>", start)]


def test_my_pages_latest_notifications_show_a_new_one_at_once_and_its_read_mark(client, world):
    from portal.core.models import Notification

    client.force_login(world.user_a)
    assert 'class="unread"' not in _mypage_notifications(client)
    assert 'class="muted"' in _mypage_notifications(client)  # "no notifications", now from the cache
    notify([world.user_a], kind="test.news", title="一通目", body="本文", url="/mypage/")
    section = _mypage_notifications(client)
    assert "一通目" in section and 'class="unread"' in section
    notify([world.user_a, world.user_b], kind="test.news", title="二通目", body="本文", url="/mypage/")
    section = _mypage_notifications(client)
    assert section.index("二通目") < section.index("一通目")
    mark_read(user=world.user_a)
    assert 'class="unread"' not in _mypage_notifications(client)
    # a row saved or deleted elsewhere (the admin, a data fix) sends its signals
    latest = Notification.objects.filter(recipient=world.user_a).latest("pk")
    latest.delete()
    assert "二通目" not in _mypage_notifications(client)


def test_my_pages_cached_notifications_are_only_the_users_own(client, world):
    notify([world.user_a], kind="test.news", title="Aだけのお知らせ", body="本文", url="/mypage/")
    client.force_login(world.user_a)
    assert "Aだけのお知らせ" in _mypage_notifications(client)
    assert "Aだけのお知らせ" in _mypage_notifications(client)  # cached for A
    client.force_login(world.user_b)
    assert "Aだけのお知らせ" not in _mypage_notifications(client)
    assert "Aだけのお知らせ" not in _mypage_notifications(client)


def test_the_shells_entries_are_read_from_the_cache_in_one_round_trip(client, world, monkeypatch):
    from django.core.cache import cache

    client.force_login(world.user_a)
    client.get(reverse("startups:mypage"))  # fills the entries
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(
        cache, "get_many", lambda keys, *a, **k: reads.append(keys) or real_get_many(keys, *a, **k)
    )
    client.get(reverse("startups:mypage"))
    shell_reads = [keys for keys in reads if any(":access:" in key or ":unread:" in key for key in keys)]
    first = shell_reads[0]
    assert any(key.startswith("usercache:access:") for key in first)
    assert any(key.startswith("usercache:unread:") for key in first)
    # the only other read of the user's entries is My page's own list of notifications
    assert [k for keys in shell_reads[1:] for k in keys if not k.startswith("usercache:unread:g:")] == [
        f"usercache:notifications-5:{world.user_a.pk}"
    ]
