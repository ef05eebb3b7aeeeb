"""Scorecards: the pulse survey (once per side and stage), what is published (medians of enough answers, never one
answer), responsiveness measured from messages and reviews, and the ministry's dashboard."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Organisation
from portal.applications.models import Application, ApplicationState, Review
from portal.conversations import services as conversation_services
from portal.conversations.models import Message
from portal.core.audit_labels import ACTION_LABELS
from portal.core.calendar import current_fiscal_year
from portal.core.fiscal import fiscal_year_instants
from portal.core.models import AuditEvent
from portal.tracker import scorecards, services
from portal.tracker.models import PulseResponse
from portal.tracker.workflow import Stage
from tests import factories
from tests.challenges import factories as challenge_factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

PULSE = {
    "pulse-satisfaction": "4",
    "pulse-would_work_again": "yes",
    "pulse-blocker": "budget",
}
SITE_PULSE = {"action": "pulse", **PULSE}  # the site's engagement page tells its forms apart by "action"


def test_each_side_answers_once_per_stage(client, engagement, su_user, muni_user):
    client.force_login(su_user)
    url = reverse("tracker:engagement", args=[engagement.pk])
    assert 'id="pulse-survey"' in client.get(url).content.decode()
    assert client.post(url, SITE_PULSE).status_code == 302
    answer = PulseResponse.objects.get()
    assert (answer.side, answer.stage, answer.satisfaction, answer.would_work_again, answer.blocker) == (
        "startup",
        Stage.FIRST_VISIT,
        4,
        True,
        "budget",
    )
    assert 'id="pulse-survey"' not in client.get(url).content.decode()  # answered for this stage
    second = factories.member(engagement.startup)
    client.force_login(second)
    assert 'id="pulse-survey"' not in client.get(url).content.decode()  # the side has answered
    response = client.post(url, SITE_PULSE)
    assert response.status_code == 400 and PulseResponse.objects.count() == 1
    # the municipality answers for its side, in the admin
    client.force_login(muni_user)
    admin_url = reverse("engagement:pulse", args=[engagement.pk])
    assert client.post(admin_url, PULSE | {"pulse-satisfaction": "2"}).status_code == 302
    assert PulseResponse.objects.filter(side="municipality").count() == 1
    # a new stage asks again
    services.engagement_transition(
        engagement=engagement, transition="consult", actor=muni_user, reason="協議へ"
    )
    client.force_login(su_user)
    assert 'id="pulse-survey"' in client.get(url).content.decode()
    event = AuditEvent.objects.filter(action="tracker.pulse_answered").first()
    assert "tracker.pulse_answered" in ACTION_LABELS
    assert "satisfaction" not in event.data and "blocker" not in event.data  # the log keeps no answer either


def test_ministry_staff_do_not_answer_and_bad_values_are_form_errors(client, engagement, ministry, su_user):
    client.force_login(ministry)
    url = reverse("engagement:pulse", args=[engagement.pk])
    assert client.post(url, PULSE).status_code == 403
    client.force_login(su_user)
    site_url = reverse("tracker:engagement", args=[engagement.pk])
    response = client.post(site_url, SITE_PULSE | {"pulse-satisfaction": "9", "pulse-blocker": "x"})
    assert response.status_code == 400 and not PulseResponse.objects.exists()
    assert set(response.context["pulse_form"].errors) == {"satisfaction", "blocker"}


def _answers(engagement, values):
    """Answers as different stages and sides of one engagement (one per side and stage, as the service keeps)."""
    keys = [(stage, side) for stage in Stage.values for side in ("municipality", "startup")]
    PulseResponse.objects.bulk_create(
        PulseResponse(
            engagement=engagement,
            stage=stage,
            side=side,
            organisation=engagement.municipality if side == "municipality" else engagement.startup,
            satisfaction=satisfaction,
            would_work_again=again,
            blocker=blocker,
            fiscal_year=engagement.fiscal_year,
        )
        for (stage, side), (satisfaction, again, blocker) in zip(keys, values, strict=False)
    )


def _section(html: str, ident: str) -> str:
    match = re.search(rf'<(?:section|table)[^>]*id="{ident}".*?</(?:section|table)>', html, re.S)
    assert match, ident
    return match.group(0)


@pytest.mark.parametrize("n", [1, 4])
def test_no_individual_answer_leaks_below_the_minimum(client, engagement, ministry, n, settings):
    """With 1 (or 4) answers in the round, the published results and the dashboard read the same whatever the answers
    were: neither a median, a share, a count of blockers nor the number of answers gives one away."""
    settings.SCORECARD_MIN_ANSWERS = 5
    pages = []
    for values in ([(1, False, "budget")] * n, [(5, True, "data")] * n):
        PulseResponse.objects.all().delete()
        _answers(engagement, values)
        public = client.get(reverse("results")).content.decode()
        client.force_login(ministry)
        dashboard = client.get(reverse("tracker_admin:dashboard")).content.decode()
        client.logout()
        pages.append(
            (
                _section(public, "pulse-results"),
                _section(dashboard, "pulse-table"),
                "blocker-table" in dashboard,
            )
        )
    assert pages[0] == pages[1]
    assert "fewer than 5 answers" in pages[0][0] or "5件未満" in pages[0][0]
    assert pages[0][2] is False


def test_medians_appear_from_the_minimum_count(client, engagement, settings):
    settings.SCORECARD_MIN_ANSWERS = 5
    _answers(
        engagement,
        [
            (1, True, "budget"),
            (2, False, "data"),
            (3, True, "nothing"),
            (4, True, "data"),
            (5, False, "data"),
        ],
    )
    by_round = dict(scorecards.pulse_by_round())
    figures = dict(by_round[engagement.fiscal_year])
    shown = [f for f in figures.values() if f.shown]
    # 3 municipality answers and 2 startup answers: each side is below 5 on its own and stays hidden
    assert shown == []
    _answers_more = [(4, True, "budget")] * 5
    engagement2 = tf.engagement(municipality_org=engagement.municipality, actor=None)
    _answers(engagement2, _answers_more)
    figures = dict(dict(scorecards.pulse_by_round())[engagement.fiscal_year])
    municipalities = [f for f in figures.values() if f.answers == 6][0]
    assert municipalities.satisfaction_median == 4.0 and municipalities.would_work_again_pct == 83.3
    page = client.get(reverse("results")).content.decode()
    assert "4.0" in _section(page, "pulse-results")


def _at(message, when):
    Message.objects.filter(pk=message.pk).update(created_at=when)


def test_time_to_first_reply_per_organisation(engagement, su_user, muni_user, settings):
    settings.SCORECARD_MIN_ANSWERS = 3
    thread = conversation_services.thread_for_engagement(engagement=engagement)
    start = timezone.now() - dt.timedelta(days=20)
    for i, wait in enumerate((2, 4, 30)):
        asked = conversation_services.message_post(thread=thread, actor=su_user, body=f"質問{i}")
        again = conversation_services.message_post(thread=thread, actor=su_user, body="追記")
        note = conversation_services.message_post(
            thread=thread, actor=muni_user, body="内部メモ", internal=True
        )
        answered = conversation_services.message_post(thread=thread, actor=muni_user, body=f"回答{i}")
        base = start + dt.timedelta(days=3 * i)
        _at(asked, base)
        _at(again, base + dt.timedelta(hours=1))  # the wait began with the first message
        _at(note, base + dt.timedelta(minutes=30))  # an internal note is no reply
        _at(answered, base + dt.timedelta(hours=wait))
    rows = {r.organisation.pk: r for r in scorecards.responsiveness(engagement.fiscal_year)}
    assert rows[engagement.municipality.pk].measures["reply"] == 4.0
    assert rows[engagement.municipality.pk].counts["reply"] == 3
    # the startup answered the municipality's replies twice (its next questions): 2 measurements, below 3: withheld
    assert rows[engagement.startup.pk].counts["reply"] == 2
    assert rows[engagement.startup.pk].measures["reply"] is None


def test_the_dashboard_shows_scorecards_with_a_fixed_number_of_queries(client, ministry, muni_org, settings):
    settings.SCORECARD_MIN_ANSWERS = 5
    client.force_login(ministry)
    counts = []
    engagements = []
    for n in (10, 100):
        while PulseResponse.objects.count() < n:
            e = tf.engagement(municipality_org=muni_org, actor=ministry)
            engagements.append(e)
            _answers(e, [(3, True, "budget")] * 20)
        client.get(reverse("tracker_admin:dashboard"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("tracker_admin:dashboard"))
        assert response.status_code == 200 and "scorecards" in response.content.decode()
        client.get(reverse("results"))
        with CaptureQueriesContext(connection) as public:
            assert client.get(reverse("results")).status_code == 200
        counts.append((len(ctx), len(public)))
    assert counts[0] == counts[1]


def test_times_to_review_and_decision_are_the_medians_of_each_municipality(
    ministry, muni_user, muni_org, settings
):
    """The database ranks the waits (issue #20): the same medians as `statistics.median` over every application
    submitted in the year — the first review counts, a wait that ends before the submission or never ends is not
    measured, another year's applications are not counted — and withheld below the minimum."""
    settings.SCORECARD_MIN_ANSWERS = 3
    year = current_fiscal_year()
    base = fiscal_year_instants(year)[0] + dt.timedelta(days=1)
    other_org = tf.municipality("014877", "天塩町")
    hours = dt.timedelta(hours=1)

    def applications(org, waits):
        """One application per (review wait, decision wait, submitted) in hours; None: no review / no decision."""
        challenge = challenge_factories.challenge(municipality_org=org)
        made = []
        for i, (review, decision, submitted) in enumerate(waits):
            startup = factories.organisation(
                Organisation.Kind.STARTUP, name=f"社{org.pk}-{i}", slug=f"wait-{org.pk}-{i}"
            )
            at = base + submitted * hours
            application = Application.objects.create(
                challenge=challenge,
                startup=startup,
                state=ApplicationState.SUBMITTED,
                submitted_at=at,
                decided_at=None if decision is None else at + decision * hours,
            )
            if review is not None:
                first = Review.objects.create(application=application, reviewer=muni_user)
                Review.objects.filter(pk=first.pk).update(created_at=at + review * hours)
                later = Review.objects.create(application=application, reviewer=ministry)
                Review.objects.filter(pk=later.pk).update(created_at=at + (review + 500) * hours)
            made.append(application)
        return made

    applications(
        muni_org,
        [
            (1, 5, 0),
            (2, 7, 10),
            (10, 100, 20),
            (40, None, 30),
            (-3, -1, 40),  # before the submission: not a wait
            (None, None, 50),
            (1000, 1000, -24 * 400),  # submitted the year before: another year's figure
        ],
    )
    applications(other_org, [(1, 1, 0), (3, 3, 0)])
    rows = {r.organisation.pk: r for r in scorecards.responsiveness(year)}
    mine = rows[muni_org.pk]
    assert mine.counts["review"] == 4 and mine.measures["review"] == 6.0  # (2 + 10) / 2
    assert mine.counts["decision"] == 3 and mine.measures["decision"] == 7.0
    assert mine.measures["reply"] is None and mine.counts["reply"] == 0
    other = rows[other_org.pk]
    assert other.counts == {"reply": 0, "review": 2, "decision": 2}
    assert other.measures == {"reply": None, "review": None, "decision": None}  # fewer than 3: withheld
    # /results/ gives the same medians over every municipality's applications, also ranked by the database:
    # review waits 1, 1, 2, 3, 10, 40 → 2.5 (6 measured); decision waits 1, 3, 5, 7, 100 → 5.0 (5 measured)
    [(fiscal_year, cells)] = scorecards.responsiveness_by_round([year])
    by_label = {label: (median, count) for label, median, count in cells}
    assert fiscal_year == year
    assert by_label[str(scorecards.MEASURES[1][1])] == (2.5, 6)
    assert by_label[str(scorecards.MEASURES[2][1])] == (5.0, 5)
    assert by_label[str(scorecards.MEASURES[0][1])] == (None, 0)
