"""Simultaneous writes on SQLite (a double click, two tabs, two ministry staff at once) all get an answer.

A real file database, as `make run` has, served by gunicorn with 2 processes × 4 threads: eight identical POSTs
released together. SQLite takes one writer at a time; with deferred transactions a writer that had read first was
refused at once ("database is locked") and the user got the 503 page although the first write had succeeded.
Immediate write transactions and a busy timeout (settings/base.py) make them wait their turn instead.
"""

from __future__ import annotations

import json
import threading

import pytest

from tests.applications.factories import PROPOSAL
from tests.ops.live_site import Browser, Gunicorn, answer, copy_site, python

N = 8
PORT = 8302

SETUP = """
from django.test import Client
from tests.applications.factories import World
from tests.tracker import factories as tf

world = World()
draft_b = world.draft(user=world.user_b, challenge=world.challenge_y)
ministry = tf.ministry_user()
traveller_org = tf.startup(name="株式会社旅")
traveller = tf.factories.member(traveller_org)
engagement = tf.engagement(startup_org=traveller_org, actor=ministry)
tf.budget(1_000_000, actor=ministry)
trip = tf.travel_request(engagement, traveller)


def session(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


print(json.dumps({
    "challenge_x": world.challenge_x.pk, "startup_a": world.startup_a.pk, "user_a": session(world.user_a),
    "draft_b": draft_b.pk, "user_b": session(world.user_b),
    "trip": trip.pk, "trip_total": trip.estimate_total_yen, "ministry": session(ministry),
}))
"""

COUNTS = """
from portal.applications.models import Application
from portal.core.models import AuditEvent
from portal.tracker.models import LedgerEntry, TravelRequest

ids = json.loads(IDS)
trip = TravelRequest.objects.get(pk=ids["trip"])
print(json.dumps({
    "applications_a": Application.objects.filter(challenge_id=ids["challenge_x"], startup_id=ids["startup_a"]).count(),
    "started_a": AuditEvent.objects.filter(action="application.start", object_id=str(Application.objects.filter(
        challenge_id=ids["challenge_x"], startup_id=ids["startup_a"]).values_list("pk", flat=True).first())).count(),
    "state_b": Application.objects.get(pk=ids["draft_b"]).state,
    "submitted_b": AuditEvent.objects.filter(action="application.submit", object_id=str(ids["draft_b"])).count(),
    "trip_state": trip.state,
    "reserves": LedgerEntry.objects.filter(request=trip, kind="reserve").count(),
    "approved_events": AuditEvent.objects.filter(action="tracker.travel_approved", object_id=str(trip.pk)).count(),
}))
"""


@pytest.fixture(scope="module")
def site(migrated_site, tmp_path_factory):
    var_dir = copy_site(migrated_site, tmp_path_factory.mktemp("concurrent-writes"))
    ids = answer(python(var_dir, SETUP))
    with Gunicorn(var_dir, PORT, workers=2, threads=4) as server:
        yield var_dir, server, ids


def all_at_once(requests) -> list[tuple[int, str, str]]:
    """Run the prepared requests in N threads released together; their (status, body, location)."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(i, send):
        barrier.wait(timeout=60)
        results[i] = send()

    threads = [threading.Thread(target=run, args=(i, send)) for i, send in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert all(r is not None for r in results), "every request was answered"
    return results


def browsers(server, session: str) -> list[Browser]:
    return [Browser(server.url, {"sessionid": session}) for _ in range(N)]


def no_server_error(results):
    errors = [(status, body[:600]) for status, body, _ in results if status >= 500]
    assert not errors, errors


def test_eight_simultaneous_save_draft_and_submit_all_answer_and_save_once(site):
    var_dir, server, ids = site
    start = f"/applications/new/{ids['challenge_x']}/"
    requests = []
    for browser in browsers(server, ids["user_a"]):
        token = browser.csrf_token(start)
        requests.append(
            lambda b=browser, t=token: b.request(start, {"csrfmiddlewaretoken": t, "save": "1", **PROPOSAL})
        )
    started = all_at_once(requests)
    no_server_error(started)
    assert all(status == 302 for status, _, _ in started), [s for s, _, _ in started]

    edit = f"/applications/{ids['draft_b']}/edit/"
    requests = []
    for browser in browsers(server, ids["user_b"]):
        token = browser.csrf_token(edit)
        requests.append(
            lambda b=browser, t=token: b.request(edit, {"csrfmiddlewaretoken": t, "submit": "1", **PROPOSAL})
        )
    submitted = all_at_once(requests)
    no_server_error(submitted)
    assert all(
        status == 302 and location.endswith(f"/applications/{ids['draft_b']}/")
        for status, _, location in submitted
    ), [(s, loc) for s, _, loc in submitted]

    counts = answer(python(var_dir, COUNTS.replace("IDS", repr(json.dumps(ids)))))
    assert counts["applications_a"] == 1 and counts["started_a"] == 1
    assert counts["state_b"] == "submitted" and counts["submitted_b"] == 1


def test_eight_simultaneous_travel_approvals_all_answer_and_approve_once(site):
    var_dir, server, ids = site
    path = f"/admin/tracker/travel/{ids['trip']}/"
    requests = []
    for browser in browsers(server, ids["ministry"]):
        token = browser.csrf_token(path)
        requests.append(
            lambda b=browser, t=token: b.request(
                f"{path}approve/",
                {
                    "csrfmiddlewaretoken": t,
                    "amount_yen": str(ids["trip_total"]),
                    "note": "",
                },
            )
        )
    results = all_at_once(requests)
    no_server_error(results)
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [302] + [400] * (N - 1), statuses  # one approval; the others are told it is decided

    counts = answer(python(var_dir, COUNTS.replace("IDS", repr(json.dumps(ids)))))
    assert counts["trip_state"] == "approved"
    assert counts["reserves"] == 1 and counts["approved_events"] == 1
