"""Startup profiles: members edit them; the public sees only public profiles and never the private part."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import Organisation, StartupProfile
from portal.applications.models import StartupContact, TeamMember, TrackRecordEntry
from portal.applications.selectors import profile_completeness
from portal.core.models import Notification, Theme
from tests import factories


def _profile_form(**overrides):
    data = {
        "name": "株式会社エー",
        "name_kana": "エー",
        "name_en": "A Inc.",
        "prefecture": "",
        "website": "https://a.example.jp/",
        "stage": "early",
        "themes": [Theme.objects.get(slug="snow-removal").pk],
        "technology": "除雪車のGPS",
        "description": "北海道の除雪を支える",
        "founded_year": "2016",
        "employees": "12",
        "is_public": "on",
        "corporate_number": "",
        "contact_person": "山田太郎",
        "contact_email": "contact@a.example.jp",
        "contact_phone": "03-1234-5678",
        "contact_address": "東京都千代田区",
    }
    return data | overrides


def test_a_member_edits_the_profile_team_and_track_record(client, world):
    client.force_login(world.user_a)
    response = client.post(reverse("startups:profile"), _profile_form())
    assert response.status_code == 302
    profile = StartupProfile.objects.get(organisation=world.startup_a)
    assert profile.stage == "early" and profile.technology == "除雪車のGPS"
    assert StartupContact.objects.get(profile=profile).email == "contact@a.example.jp"
    client.post(reverse("startups:team_add"), {"name": "佐藤花子", "role": "CTO", "bio": "組込み"})
    client.post(
        reverse("startups:track_record_add"),
        {"local_government": "014877", "year": "2017", "outcome": "poc", "summary": "遠隔健診の実証"},
    )
    assert TeamMember.objects.filter(profile=profile).count() == 1
    assert TrackRecordEntry.objects.get(profile=profile).local_government.code == "014877"
    assert profile_completeness(world.startup_a).missing  # prefecture, corporate number … still missing


def test_a_bad_corporate_number_is_refused_and_nothing_saved(client, world):
    client.force_login(world.user_a)
    response = client.post(reverse("startups:profile"), _profile_form(corporate_number="1234567890123"))
    assert response.status_code == 200
    assert not StartupContact.objects.exists()
    assert StartupProfile.objects.get(organisation=world.startup_a).technology == ""


def test_other_startups_rows_cannot_be_removed(client, world):
    member = TeamMember.objects.create(profile=world.startup_a.startup_profile, name="佐藤")
    client.force_login(world.user_b)
    assert client.post(reverse("startups:team_remove", args=[member.pk])).status_code == 404
    assert TeamMember.objects.filter(pk=member.pk).exists()


def test_public_profile_shows_public_part_only(client, world):
    client.force_login(world.user_a)
    client.post(reverse("startups:profile"), _profile_form(corporate_number="7000012050002"))
    TeamMember.objects.create(profile=world.startup_a.startup_profile, name="秘密の社員")
    client.logout()
    page = client.get(reverse("startups:startup_detail", args=["startup-a"])).content.decode()
    assert "除雪車のGPS" in page
    for private in ("7000012050002", "contact@a.example.jp", "03-1234-5678", "山田太郎", "秘密の社員"):
        assert private not in page
    listing = client.get(reverse("startups:startup_list")).content.decode()
    assert "/startups/startup-a/" in listing and "contact@a.example.jp" not in listing


def test_private_profiles_are_not_listed(client, world):
    StartupProfile.objects.filter(organisation=world.startup_b).update(is_public=False)
    assert client.get(reverse("startups:startup_detail", args=["startup-b"])).status_code == 404
    assert "株式会社ビー" not in client.get(reverse("startups:startup_list")).content.decode()


def test_public_list_filters_by_theme_prefecture_and_stage(client, world):
    StartupProfile.objects.filter(organisation=world.startup_a).update(stage="seed")
    world.startup_a.startup_profile.themes.add(Theme.objects.get(slug="tourism"))
    pref = factories.prefecture("37")
    Organisation.objects.filter(pk=world.startup_a.pk).update(prefecture=pref)
    listing = reverse("startups:startup_list")
    for query in ({"theme": "tourism"}, {"prefecture": "37"}, {"stage": "seed"}):
        body = client.get(listing, query).content.decode()
        assert "株式会社エー" in body and "株式会社ビー" not in body, query


def test_public_list_keeps_the_same_number_of_queries_for_10_and_100_rows(client, db):
    themes = list(Theme.objects.all()[:3])

    def make(n, start):
        for i in range(start, start + n):
            org = factories.organisation(Organisation.Kind.STARTUP, name=f"社{i}", slug=f"s-{i}")
            org.startup_profile.themes.set(themes)

    def count(rows):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("startups:startup_list"), {"theme": themes[0].slug})
        assert response.status_code == 200 and len(response.context["profiles"]) == rows
        return len(ctx.captured_queries)

    from portal.applications.views import common

    make(10, 0)
    original = common.PAGE_SIZE
    try:
        small = count(10)
        make(90, 10)
        common.PAGE_SIZE = 100
        large = count(100)
    finally:
        common.PAGE_SIZE = original
    assert small == large


def test_notification_list_counts_and_marks_read(client, world):
    world.submitted()
    client.force_login(world.user_a)
    page = client.get(reverse("startups:notifications")).content.decode()
    assert "1 unread" in page or "未読1件" in page
    client.post(reverse("startups:notifications"))
    assert not Notification.objects.filter(recipient=world.user_a, read_at__isnull=True).exists()
    # Nobody marks another user's notifications read.
    note = Notification.objects.filter(recipient=world.staff_x).first()
    client.post(reverse("startups:notifications"), {"id": [note.pk]})
    note.refresh_from_db()
    assert note.read_at is None


def test_track_record_names_fiscal_years_as_the_programme_does(client, world):
    """QA pass: the public profile's 年度 column read 2017 while the programme says 平成29年度 (FY2017 in English)."""
    client.force_login(world.user_a)
    client.post(reverse("startups:profile"), _profile_form())
    client.post(
        reverse("startups:track_record_add"),
        {"local_government": "014877", "year": "2017", "outcome": "poc", "summary": "遠隔健診の実証"},
    )
    assert "平成29年度 北海道天塩町" in client.get("/mypage/profile/").content.decode()
    public = f"/startups/{world.startup_a.slug}/"
    assert "<td>平成29年度</td>" in client.get(public).content.decode()
    assert "<td>FY2017</td>" in client.get("/en" + public).content.decode()
