"""In Chromium, at 1280 and 375 px (issue #23 item 3): the municipality announces a briefing session in the admin; a
startup finds it on the challenge page, registers and downloads the .ics; after the session the municipality records
attendance and attaches the slides; the startup then sees the slides. axe finds no serious or critical violation on
the startup's pages."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from portal.challenges.briefings.models import BriefingRegistration, BriefingSession
from tests import factories
from tests.applications.factories import World
from tests.browser.axe import AxeChecker
from tests.browser.login import log_in
from tests.security.world import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _admin_login(pg, email):
    pg.goto("/admin/login/")
    pg.fill("#id_username", email)
    pg.fill("#id_password", factories.PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_url("**/admin/")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        page.url
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_announce_register_ics_attendance_slides(page, chromium, live_server, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    w = World()
    starts = timezone.localtime() + dt.timedelta(days=7)
    starts = starts.replace(hour=14, minute=0, second=0, microsecond=0)

    # 1. The municipality announces an online briefing on its challenge.
    _admin_login(page, w.staff_x.email)
    page.goto("/admin/briefing/new/")
    page.select_option("#id_challenge", str(w.challenge_x.pk))
    page.fill("#id_title", "除雪の見える化 オンライン説明会")
    page.fill("#id_title_en", "Snow-clearing briefing (online)")
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%d %H:%M"))
    page.fill("#id_ends_at", (starts + dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"))
    page.select_option("#id_format", "online")
    page.fill("#id_online_url", "https://meet.example.jp/josetsu")
    page.fill("#id_capacity", "10")
    page.fill("#id_registration_closes", (starts - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/admin/briefing/")
    session = BriefingSession.objects.get()
    assert "除雪の見える化 オンライン説明会" in page.locator("table.listing").inner_text()

    # 2. A startup finds it on the challenge page, registers and downloads the .ics.
    sp = chromium.new_context(base_url=live_server.url, locale="ja-JP", accept_downloads=True).new_page()
    sp.set_viewport_size({"width": width, "height": 900})
    sp.set_default_timeout(15_000)
    log_in(sp, w.user_a.email)
    axe = AxeChecker(sp)
    sp.goto(w.challenge_x.url)
    briefings = sp.locator("#briefings")
    assert (
        "除雪の見える化 オンライン説明会" in briefings.inner_text() and "残り10席" in briefings.inner_text()
    )
    _no_sideways_scroll(sp)
    axe.check()
    briefings.locator("a").first.click()
    sp.wait_for_url(f"**/briefings/{session.pk}/")
    assert sp.locator("#briefing-online-url").count() == 0
    sp.locator("#briefing-register").click()
    sp.wait_for_url(f"**/briefings/{session.pk}/")
    assert "参加登録済みです" in sp.locator("#briefing-registered").inner_text()
    assert sp.locator("#briefing-online-url").inner_text() == "https://meet.example.jp/josetsu"
    _no_sideways_scroll(sp)
    axe.check()
    with sp.expect_download() as download:
        sp.locator("#briefing-ics").click()
    path = tmp_path / "briefing.ics"
    download.value.save_as(path)
    event = next(iter(Calendar.from_ical(path.read_bytes()).walk("VEVENT")))
    assert str(event["uid"]) == session.uid and event["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert event["dtstart"].dt.hour == 14

    # 3. After the session the municipality records attendance and attaches the slides.
    past = timezone.now() - dt.timedelta(hours=2)
    BriefingSession.objects.filter(pk=session.pk).update(
        starts_at=past, ends_at=past + dt.timedelta(hours=1), registration_closes=past - dt.timedelta(days=1)
    )
    registration = BriefingRegistration.objects.get()
    page.goto(f"/admin/briefings/{session.pk}/session/")
    page.locator(f"#attendance-form input[value='{registration.pk}']").check()
    page.locator("#attendance-save").click()
    page.wait_for_url(f"**/admin/briefings/{session.pk}/session/")
    registration.refresh_from_db()
    assert registration.attended is True
    page.locator("#briefing-edit").click()
    page.wait_for_url(f"**/admin/briefing/edit/{session.pk}/")
    slides = tmp_path / "説明資料.pdf"
    slides.write_bytes(PDF)
    page.set_input_files("#id_slides_upload", str(slides))
    page.fill("#id_recording_url", "https://video.example.jp/josetsu")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/admin/briefing/")
    session.refresh_from_db()
    assert session.slides and session.slides_name == "説明資料.pdf"

    # 4. The startup sees the slides and the recording on the session's page and on My page.
    sp.goto(f"/briefings/{session.pk}/")
    assert sp.locator("#briefing-slides").count() == 1 and sp.locator("#briefing-recording").count() == 1
    response = sp.request.get(f"/briefings/{session.pk}/slides/")
    assert response.status == 200 and response.body() == PDF
    _no_sideways_scroll(sp)
    axe.check()
    sp.goto("/mypage/")
    mine = sp.locator("#my-briefings").inner_text()
    assert "除雪の見える化 オンライン説明会" in mine and "資料あり" in mine
    _no_sideways_scroll(sp)
    axe.assert_clean()
