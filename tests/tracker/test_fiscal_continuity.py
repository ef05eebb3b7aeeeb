"""Across fiscal years: budget-request (予算要求) deadlines and their reminder, open tasks carried into the next 年度,
and the travel budget's carry-over on the budgets page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.accounts.models import Organisation
from portal.core.audit_labels import ACTION_LABELS
from portal.core.calendar import current_fiscal_year
from portal.core.models import AuditEvent, Notification
from portal.geo.models import LocalGovernment
from portal.tracker import services
from portal.tracker.models import BudgetRequestDeadline
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

KIND = "tracker.budget_request_due"


def _running(engagement, actor):
    for step in ("consult", "plan_poc", "start_poc"):
        services.engagement_transition(engagement=engagement, transition=step, actor=actor, reason="進める")


def test_municipality_staff_set_their_deadline_and_no_other(client, muni_org, muni_user):
    client.force_login(muni_user)
    url = reverse("budget_request_deadline:add")
    response = client.post(url, {"municipality": muni_org.pk, "month": "10", "day": "15", "note": "財政課"})
    assert response.status_code == 302
    row = BudgetRequestDeadline.objects.get()
    assert (row.municipality, row.month, row.day, row.note) == (muni_org, 10, 15, "財政課")
    assert AuditEvent.objects.filter(action="tracker.budget_request_deadline_set").exists()
    assert "tracker.budget_request_deadline_set" in ACTION_LABELS
    response = client.post(
        url, {"municipality": muni_org.pk, "month": "2", "day": "29"}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 400 and BudgetRequestDeadline.objects.get().month == 10
    assert response.context["form"].errors["day"] == ["その月には毎年あるとは限らない日付です。"]
    other = tf.municipality(code="014877", name="天塩町")
    response = client.post(url, {"municipality": other.pk, "month": "9", "day": "1"})
    assert (
        response.status_code == 400 and not BudgetRequestDeadline.objects.filter(municipality=other).exists()
    )
    with pytest.raises(PermissionDenied):
        services.budget_request_deadline_set(municipality=other, actor=muni_user, month=9, day=1)


def test_the_reminder_fires_once_a_year_at_the_right_date_in_each_readers_language(
    engagement, muni_org, muni_user, ministry, settings
):
    settings.TRACKER_BUDGET_REQUEST_REMINDER_DAYS = 30
    services.budget_request_deadline_set(municipality=muni_org, actor=ministry, month=10, day=15)
    ja = factories.staff(muni_org, preferred_language="ja")
    en = factories.staff(muni_org, preferred_language="en")
    # no engagement needs next year's money yet (first visit): nothing to remind
    assert services.send_budget_request_reminders(today=dt.date(2026, 9, 15)) == []
    _running(engagement, muni_user)
    assert services.send_budget_request_reminders(today=dt.date(2026, 9, 14)) == []  # 31 days before
    assert len(services.send_budget_request_reminders(today=dt.date(2026, 9, 15))) == 1  # 30 days before
    assert services.send_budget_request_reminders(today=dt.date(2026, 9, 16)) == []  # once
    assert services.send_budget_request_reminders(today=dt.date(2026, 10, 15)) == []
    rows = Notification.objects.filter(kind=KIND)
    assert set(rows.values_list("recipient", flat=True)) >= {ja.pk, en.pk, muni_user.pk}
    assert not rows.filter(recipient__in=engagement.startup.memberships.values("user")).exists()
    title, body = rows.get(recipient=en).rendered("en")
    assert title == "Budget requests for FY2027 are due on 15 Oct 2026"
    assert body.startswith("30 days left. 1 of your engagements")
    title, _body = rows.get(recipient=ja).rendered("ja")
    assert title == "令和9年度の予算要求の期限は2026年10月15日です"
    assert AuditEvent.objects.filter(action="tracker.budget_request_reminder").count() == 1
    assert "tracker.budget_request_reminder" in ACTION_LABELS
    # the next year's deadline is reminded again
    assert len(services.send_budget_request_reminders(today=dt.date(2027, 9, 15))) == 1
    call_command("send_budget_request_reminders", "--today", "2027-09-20", verbosity=0)
    assert rows.count() == 2 * rows.values("recipient").distinct().count()


def test_open_tasks_begun_last_fiscal_year_are_carried_over(client, engagement, su_user, muni_user, ministry):
    last = current_fiscal_year() - 1
    tf.budget(1_000_000, year=last, actor=ministry)
    tf.budget(1_000_000, actor=ministry)
    old = tf.travel_request(engagement, su_user, dates=tf.trip_dates(last))
    services.travel_request_approve(request=old, actor=ministry)
    tf.travel_request(engagement, su_user)
    client.force_login(su_user)
    page = client.get(reverse("tracker:engagement", args=[engagement.pk]), HTTP_ACCEPT_LANGUAGE="en")
    tasks = page.context["open_tasks"]
    assert [(t.kind, t.fiscal_year, t.carried_over) for t in tasks] == [
        ("trip", last, True),
        ("trip", last + 1, False),
    ]
    assert page.content.decode().count('class="flag carried-over"') == 1
    # the budgets page shows what last year's budget still owes, carried into this year
    client.force_login(ministry)
    budgets = client.get(reverse("fiscal_budget:index")).content.decode()
    assert f'data-carried="{last}">' in budgets and 'id="carried-total"' in budgets
    assert f'data-carried="{last + 1}">—' in budgets
    # an ended engagement has nothing open
    services.engagement_transition(engagement=engagement, transition="end", actor=muni_user, reason="終了")
    client.force_login(su_user)
    assert client.get(reverse("tracker:engagement", args=[engagement.pk])).context["open_tasks"] == []


def test_the_deadline_list_uses_a_fixed_number_of_queries(client, ministry):
    client.force_login(ministry)
    counts = []
    for n in (10, 100):
        # one organisation per local government (the code table is loaded by geo's migrations)
        free = LocalGovernment.objects.exclude(
            code__in=Organisation.objects.exclude(local_government=None).values("local_government_id")
        ).order_by("code")[: n - BudgetRequestDeadline.objects.count()]
        for lg in free:
            town = factories.organisation(Organisation.Kind.MUNICIPALITY, local_government=lg)
            BudgetRequestDeadline.objects.create(municipality=town, month=10, day=1)
        client.get(reverse("budget_request_deadline:index"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("budget_request_deadline:index"))
        assert response.status_code == 200 and len(response.context["object_list"]) == n
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_the_deadline_listing_shows_each_user_their_own_municipalities(client, muni_org, muni_user, ministry):
    other = tf.municipality(code="014877", name="天塩町")
    services.budget_request_deadline_set(
        municipality=muni_org, actor=ministry, month=10, day=15, note="財政課"
    )
    services.budget_request_deadline_set(municipality=other, actor=ministry, month=9, day=1)
    url = reverse("budget_request_deadline:index")
    client.force_login(muni_user)
    response = client.get(url)
    assert [row.municipality for row in response.context["object_list"]] == [muni_org]
    page = response.content.decode()
    with translation.override("ja"):  # the admin speaks the user's language
        due = translation.gettext("%(m)s/%(d)s every year") % {"m": 10, "d": 15}
    assert (
        due != "10/15 every year" and due in page and "財政課" in page and 'id="budget-request-intro"' in page
    )
    assert reverse("budget_request_deadline:add") in page  # "Set the deadline"
    client.force_login(ministry)
    rows = client.get(url).context["object_list"]
    assert [row.municipality for row in rows] == [other, muni_org]  # by date in the year
    form = client.get(reverse("budget_request_deadline:add")).context["form"]
    assert set(form.fields["municipality"].queryset) >= {muni_org, other}
