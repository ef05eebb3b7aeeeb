"""In Chromium: a municipality writes and submits a challenge, the ministry approves it, the public finds it under
its theme, and another municipality cannot open it in the admin."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.challenges.models import ChallengePage
from tests import factories
from tests.challenges import factories as cf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "除雪車の位置情報を住民に知らせたい"


def _login(pg, email):
    pg.goto("/admin/login/")
    pg.fill("#id_username", email)
    pg.fill("#id_password", factories.PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_url("**/admin/")


def test_write_submit_approve_browse_and_isolation(page, chromium, live_server):
    sapporo = cf.municipality("011002", "札幌市")
    teshio = cf.municipality("014877", "天塩町")
    author = cf.staff(sapporo, email="josetsu@city.sapporo.example.jp")
    moderator = cf.staff(cf.ministry(), email="moderator@soumu.example.jp")
    outsider = cf.staff(teshio, email="soumu@town.teshio.example.jp")
    index = cf.index_page()
    now = timezone.localtime()

    # 1. The municipality writes the challenge in the Wagtail admin and submits it for moderation.
    _login(page, author.email)
    page.goto(f"/admin/pages/add/challenges/challengepage/{index.pk}/")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "除雪車がいまどこを走っているかを住民が地図で確認できるようにしたい。")
    page.fill("#id_background", "大雪の日は「いつ除雪されるのか」という電話が殺到する。")
    page.fill("#id_desired_outcome", "問い合わせが半分に減ること。")
    page.get_by_label("除雪", exact=True).check()
    page.fill("#id_application_opens", (now - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"))
    page.fill("#id_application_closes", (now + dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M"))
    # The slug sits on the hidden "Promote" tab; a Japanese title gives no ASCII slug of its own.
    page.locator("#id_slug").evaluate("(el) => { el.value = 'josetsu-ichi'; }")
    page.evaluate("document.querySelector('button[name=\"action-submit\"]').click()")
    page.wait_for_url("**/admin/pages/*/")
    challenge = ChallengePage.objects.get(title=TITLE)
    assert challenge.municipality == sapporo and not challenge.live

    # 2. Ministry staff approve it from the edit screen.
    ministry_context = chromium.new_context(base_url=live_server.url, locale="ja-JP")
    ministry = ministry_context.new_page()
    ministry.set_default_timeout(15_000)
    _login(ministry, moderator.email)
    ministry.goto(f"/admin/pages/{challenge.pk}/edit/")
    ministry.evaluate(
        'document.querySelector(\'button[data-workflow-action-name="approve"]'
        ":not([data-workflow-action-modal-url])').click()"
    )
    ministry.wait_for_url("**/admin/**")
    ministry.wait_for_load_state("networkidle")
    challenge.refresh_from_db()
    assert challenge.live

    # 3. It appears in the public catalogue under its theme.
    ministry.goto("/challenges/?theme=snow-removal")
    assert ministry.get_by_role("link", name=TITLE).is_visible()
    ministry.goto("/challenges/?theme=tourism")
    assert ministry.get_by_role("link", name=TITLE).count() == 0
    ministry_context.close()

    # 4. Another municipality's staff cannot open it in the admin.
    outsider_context = chromium.new_context(base_url=live_server.url, locale="ja-JP")
    other = outsider_context.new_page()
    _login(other, outsider.email)
    other.goto(f"/admin/pages/{challenge.pk}/edit/")
    assert f"/admin/pages/{challenge.pk}/edit/" not in other.url or TITLE not in other.content()
    assert TITLE not in other.content()
    other.goto(f"/admin/pages/{index.pk}/")
    assert TITLE not in other.content()
    outsider_context.close()
