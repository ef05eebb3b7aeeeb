import datetime as dt
import re

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal.core import notices, notifications
from portal.core.audit import record
from portal.core.models import AuditEvent, Notification
from tests import factories


@pytest.fixture
def people(db):
    ja = factories.user(email="ja@example.jp", preferred_language="ja")
    en = factories.user(email="en@example.jp", preferred_language="en")
    return ja, en


def test_notify_creates_in_app_rows_and_mails_after_commit(people, django_capture_on_commit_callbacks):
    ja, en = people
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([ja, en, ja], kind="test", title="Hello", body="Body", url="/mypage/")
    assert Notification.objects.filter(kind="test").count() == 2  # the duplicate recipient is told once
    assert sorted(m.to[0] for m in mail.outbox) == ["en@example.jp", "ja@example.jp"]
    assert all(m.body.endswith("/mypage/") for m in mail.outbox)
    assert notifications.unread_count(ja) == 1


def test_no_mail_when_the_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    ja, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notifications.notify([ja], kind="test", title="Hello")
                raise RuntimeError("service failed")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not Notification.objects.filter(kind="test").exists()


def test_mark_read_only_touches_the_users_own(people):
    ja, en = people
    notifications.notify([ja, en], kind="test", title="Hello")
    assert notifications.mark_read(user=ja) == 1
    assert notifications.unread_count(ja) == 0
    assert notifications.unread_count(en) == 1


def test_audit_record_keeps_actor_object_and_details(people):
    ja, _ = people
    event = record(actor=ja, action="user.tested", obj=ja, reason="because")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.action, stored.object_type, stored.object_id) == (
        ja,
        "user.tested",
        "accounts.user",
        str(ja.pk),
    )
    assert stored.data == {"reason": "because"}


# --------------------------------------------------------------------------------------------- kind + parameters


@pytest.fixture
def startup(db):
    return factories.organisation(
        "startup", name="メロディ・インターナショナル", name_en="Melody International"
    )


def test_a_japanese_senders_notification_reads_in_english_for_an_english_reader(people, startup):
    ja, en = people
    with translation.override("ja"):  # the sender works in Japanese
        notifications.notify(
            [ja, en],
            kind="tracker.travel_requested",
            params={"startup": startup, "date": dt.date(2026, 12, 7)},
            url="/mypage/",
        )
    row_en = Notification.objects.get(recipient=en)
    row_ja = Notification.objects.get(recipient=ja)
    assert row_en.params["startup"] == {
        "t": {"ja": "メロディ・インターナショナル", "en": "Melody International"}
    }
    with translation.override("en"):
        assert row_en.display_title == "Melody International plans a visit on 7 Dec 2026"
        assert (
            row_ja.display_title == "Melody International plans a visit on 7 Dec 2026"
        )  # read by whoever reads it
    with translation.override("ja"):
        assert row_en.display_title == "メロディ・インターナショナルが2026年12月7日に訪問を予定しています"
    # The stored fallback text is the recipient's language.
    assert row_en.title.startswith("Melody International")


def test_an_english_senders_notification_reads_in_japanese(people, startup):
    ja, _ = people
    with translation.override("en"):
        notifications.notify(
            [ja], kind="tracker.travel_approved", params={"amount": notices.Yen(14400), "text": "行程どおり"}
        )
    row = Notification.objects.get(recipient=ja)
    with translation.override("ja"):
        assert row.rendered() == ("旅費支援が承認されました：14,400円", "行程どおり")
    with translation.override("en"):
        assert row.rendered() == ("Travel support approved: ¥14,400", "行程どおり")


def test_the_email_is_written_in_the_recipients_language(people, startup, django_capture_on_commit_callbacks):
    ja, en = people
    with translation.override("ja"), django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            [ja, en], kind="tracker.adoption_requested", params={"m": startup, "text": "ぜひ"}
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["en@example.jp"] == "Melody International wants to adopt your solution"
    assert subjects["ja@example.jp"].startswith("メロディ・インターナショナル")


def test_the_old_call_style_still_renders_per_reader(people):
    ja, en = people
    with translation.override("ja"):
        notifications.notify([en], kind="test.unregistered", title=gettext_lazy("Notifications"), body="x")
    row = Notification.objects.get(recipient=en)
    with translation.override("en"):
        assert row.display_title == "Notifications"
    with translation.override("ja"):
        assert row.display_title == "通知"


def test_an_unregistered_kind_without_a_title_is_refused(people):
    with pytest.raises(ValueError):
        notifications.notify(people, kind="test.nothing")


def test_a_row_whose_kind_cannot_render_shows_its_stored_text(people):
    ja, _ = people
    row = Notification.objects.create(recipient=ja, kind="gone.kind", title="昔の通知", body="本文")
    assert row.rendered("en") == ("昔の通知", "本文")


def test_the_link_follows_the_readers_language(people):
    ja, _ = people
    row = Notification.objects.create(recipient=ja, kind="x", title="t", url="/en/mypage/notifications/")
    with translation.override("ja"):
        assert row.display_url == "/mypage/notifications/"
    with translation.override("en"):
        assert row.display_url == "/en/mypage/notifications/"


def test_stored_sentences_are_read_back_into_parameters():
    params = notices.parse("tracker.adoption_linked", "Your adoption of Takamatsu × Data Cradle is under way")
    assert params == {"o": "Takamatsu × Data Cradle"}
    with translation.override("ja"):
        japanese = str(notices.get("application.withdrawn").title) % {
            "startup": "データクレイドル",
            "challenge": "除雪",
        }
    assert notices.parse("application.withdrawn", japanese) == {
        "startup": "データクレイドル",
        "challenge": "除雪",
    }
    assert notices.parse("application.withdrawn", "something else") is None


def test_every_registered_kind_renders_in_both_languages():
    for kind in notices.kinds().values():
        for language in ("ja", "en"):
            with translation.override(language):
                title = str(kind.title)
            # a number where the text formats one (%(n)d), a word elsewhere
            placeholders = dict(re.findall(r"%\((\w+)\)([sd])", title + str(kind.body or "")))
            params = {p: 3 if conv == "d" else "X" for p, conv in placeholders.items()} | {
                "variant": kind.variant
            }
            assert notices.render(kind.name, params, language) is not None, (kind, language)


def test_the_migration_reads_old_rows_back_into_kinds_and_parameters(people):
    import importlib  # noqa: PLC0415

    from django.apps import apps  # noqa: PLC0415

    migration = importlib.import_module("portal.core.migrations.0006_notification_params")
    ja, en = people
    with translation.override("ja"):
        staff_title = str(notices.get("application.matched", "staff").title) % {
            "startup": "データクレイドル",
            "challenge": "除雪",
        }
    old_staff = Notification.objects.create(recipient=ja, kind="application.matched", title=staff_title)
    old_reason = Notification.objects.create(
        recipient=en,
        kind="tracker.adoption_declined",
        title="Adoption request declined",
        body="No budget this year",
    )
    unknown = Notification.objects.create(recipient=en, kind="info", title="zq")
    migration.forwards(apps, None)
    old_staff.refresh_from_db()
    old_reason.refresh_from_db()
    unknown.refresh_from_db()
    assert (old_staff.kind, old_staff.params) == (
        "application.matched",
        {"startup": "データクレイドル", "challenge": "除雪", "variant": "staff"},
    )
    with translation.override("en"):
        assert old_staff.display_title == "Matched with データクレイドル: 除雪"
    with translation.override("ja"):
        assert old_reason.rendered() == ("横展開の申請は見送られました", "No budget this year")
    assert unknown.params == {} and unknown.display_title == "zq"


def test_dates_and_times_are_written_in_the_readers_format():
    frozen = notices.freeze_all(
        {"d": dt.date(2026, 12, 7), "at": dt.datetime(2026, 12, 7, 5, 30, tzinfo=dt.UTC)}
    )
    assert notices.thaw(frozen["d"], "ja") == "2026年12月7日"
    assert notices.thaw(frozen["d"], "en") == "7 Dec 2026"
    assert notices.thaw(frozen["at"], "ja") == "2026年12月7日 14:30"  # shown in Japan time
    assert notices.thaw(frozen["at"], "en") == "7 Dec 2026, 14:30"
