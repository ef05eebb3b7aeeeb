import pytest
from django.core import mail
from django.db import transaction

from portal.core import notifications
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
    assert (stored.actor, stored.action, stored.object_type, stored.object_id) == (ja, "user.tested", "accounts.user", str(ja.pk))
    assert stored.data == {"reason": "because"}
