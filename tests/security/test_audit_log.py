"""The audit log in the admin: ministry staff see who did what, newest first, filter it and export it as CSV;
municipality staff are refused and startups never reach it. Pages cost the same number of queries for 10 or 100."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.core.audit import record
from portal.core.audit_labels import action_label, detail_labels, object_label
from portal.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/admin/audit-log/"


@pytest.fixture
def startup_user(db):
    return factories.member(
        factories.organisation("startup", name="株式会社ゆきみち"), email="f@yukimichi.example.jp"
    )


def listing(body: str) -> str:
    """The results table only (no table at all when nothing matches)."""
    start = body.find('class="listing')
    return body[start:] if start >= 0 else ""


def events(n, actor, **data):
    org = factories.organisation("startup", name="株式会社対象")
    for i in range(n):
        record(actor=actor, action="accounts.organisation_changed", obj=org, step=i, **data)


def test_ministry_staff_see_events_newest_first_with_actor_and_organisation(
    client, ministry_user, municipality_user
):
    events(2, municipality_user)
    record(actor=None, action="tracker.stalled_flagged")
    client.force_login(ministry_user)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "監査ログ" in body
    body = listing(body)  # the filters' choices list the actions too
    # newest first; staff read the actions' labels (portal/core/audit_labels.py), not their codes
    assert body.index(action_label("tracker.stalled_flagged")) < body.index(
        action_label("accounts.organisation_changed")
    )
    assert (
        "staff@city.takamatsu.example.jp" in body
        and "高松市" in body
        and object_label("accounts.organisation", "") + " #" in body
    )
    assert "株式会社対象" not in body  # reprs can be private: type and id only
    assert detail_labels({"step": 0}) in body  # the detail, in words


def test_filters_by_actor_organisation_action_object_type_and_date(client, ministry_user, municipality_user):
    events(3, municipality_user)
    record(actor=ministry_user, action="challenges.approved")
    record(actor=None, action="tracker.stalled_flagged")
    client.force_login(ministry_user)

    def actions(**params):
        response = client.get(URL + "results/", params)
        assert response.status_code == 200
        body = listing(response.content.decode())
        return {
            a
            for a in ("accounts.organisation_changed", "challenges.approved", "tracker.stalled_flagged")
            if action_label(a) in body
        }

    takamatsu = municipality_user.memberships.get().organisation
    assert actions(actor="takamatsu") == {"accounts.organisation_changed"}
    assert actions(organisation=takamatsu.pk) == {"accounts.organisation_changed"}
    assert actions(action="challenges.approved") == {"challenges.approved"}
    assert actions(object_type="accounts.organisation") == {"accounts.organisation_changed"}
    today = timezone.localdate(AuditEvent.objects.first().at).isoformat()  # the filter's dates are Japan's
    assert len(actions(at_from=today, at_to=today)) == 3
    assert actions(at_from="2001-01-01", at_to="2001-01-02") == set()


def test_csv_export_has_every_filtered_event_with_japan_time(client, ministry_user, municipality_user):
    events(60, municipality_user)  # more than one page
    client.force_login(ministry_user)
    response = client.get(
        URL, {"export": "csv", "organisation": municipality_user.memberships.get().organisation_id}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 61
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(header) == 8
    assert first[header[1]] == "staff@city.takamatsu.example.jp" and first[header[3]] == action_label(
        "accounts.organisation_changed"
    )
    assert first[header[2]] == "高松市" and first[header[6]] == detail_labels({"step": 0})


def test_a_page_costs_the_same_queries_for_10_or_100_events(
    client, ministry_user, municipality_user, startup_user
):
    def add(n):
        # Actors from two organisations and the system; every event's organisations are shown.
        for i in range(n):
            record(
                actor=[municipality_user, startup_user, None][i % 3],
                action=f"x.action{i % 4}",
                obj=ministry_user,
            )

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx)

    client.force_login(ministry_user)
    add(10)
    client.get(URL)  # warm per-process caches (content types, site settings)
    ten = queries()
    add(90)
    hundred = queries()
    assert ten == hundred and AuditEvent.objects.count() >= 100


def test_municipality_staff_are_refused_and_do_not_see_the_menu(client, municipality_user):
    client.force_login(municipality_user)
    for response in (client.get(URL), client.get(URL, {"export": "csv"}), client.get(URL + "results/")):
        # Wagtail's refusal: back to the admin home with its "no permission" message.
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "/admin/audit-log/" not in client.get("/admin/").content.decode()


def test_ministry_staff_find_it_in_the_reports_menu(client, ministry_user):
    client.force_login(ministry_user)
    assert "/admin/audit-log/" in client.get("/admin/").content.decode()


def test_startups_and_visitors_never_reach_it(client, startup_user):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(startup_user)
    response = client.get(URL)
    assert response.status_code in {302, 403}
    assert b"accounts.organisation_changed" not in response.content
