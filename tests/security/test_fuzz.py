"""Hostile input on every form and JSON/CSV endpoint (issue #9): never a 500, never markup that runs, never a half-save.

Hypothesis draws a dict of hostile values for a form's fields (huge strings, control characters with NUL, SQL and
HTML fragments, invalid UTF-8 bytes and lone surrogates in the body or query string, full-width digits, very long or
negative numbers, dates out of range, several values for one field, missing fields), mixed with valid values so that
the deeper checks (services, the database) are reached too. Each example runs in a savepoint rolled back afterwards,
so examples never see each other's rows. For each request:

- the answer is not a 5xx (the test client re-raises a view's exception, so a crash fails with its traceback);
- a request that failed (4xx, a form shown again, or a redirect carrying an error message) changed no row of any of
  our apps' tables (`snapshot()`).

Then valid submissions carrying `<script>`/`"><img onerror>` are shown on every page that displays them and must
come back escaped, and the spreadsheet exports must neutralise formulas.

Examples per test: XACT_FUZZ_EXAMPLES (default 3, besides the explicit @examples; deep runs: 25 or more).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import urllib.parse
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from matching import services as matching_services
from matching.models import MatchProposal
from portal.accounts.models import Organisation, StartupProfile
from portal.applications import services as application_services
from portal.applications.models import Application, RubricCriterion
from portal.challenges.models import ChallengeIndexPage, ChallengePage
from portal.conversations import services as conversation_services
from portal.core.calendar import today_jst
from portal.tracker import services as tracker_services
from portal.tracker.models import AdoptionRequest, Engagement, FiscalBudget, TravelRequest
from tests import factories
from tests.challenges import factories as challenge_factories
from tests.matching.factories import PROPOSAL, World
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("XACT_FUZZ_EXAMPLES", "3"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # No shrinking by default: each step replays whole requests; the failing example is reported as drawn.
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    + ([Phase.shrink] if os.environ.get("XACT_FUZZ_SHRINK") else []),
    derandomize=os.environ.get("XACT_FUZZ_RANDOM") is None,  # reproducible in CI; set the variable to explore
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# --------------------------------------------------------------------------------------------- hostile values


class Raw(bytes):
    """Bytes put into the body or query string as they are (not percent-encoded): invalid UTF-8 on the wire."""


SQL = [
    "' OR '1'='1",
    "1; DROP TABLE accounts_organisation; --",
    "' UNION SELECT password FROM accounts_user --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "1' AND pg_sleep(0)--",
]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7|add:7 }}{% debug %}",
    "]]><![CDATA[",
    '=HYPERLINK("http://evil.example")',
]
CONTROL = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1b\x1f\x7f",
    "\u202etxt.exe",
    "\ufeff",
    "\r\n\r\n",
    "\u2028\u2029",
    "\x85",
]
NUMBERS = [
    "-1",
    "-0",
    "0",
    "1.5",
    "1e309",
    "1e999999999",
    "-1e999999999",
    "NaN",
    "inf",
    "-inf",
    "9" * 30,
    "9" * 5000,
    "-" + "9" * 30,
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "0x10",
    "１２３",
    "²",
    "٣",
    " 7 ",
    "1,000",
]
DATES = [
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
    "2026-02-30",
    "2026-13-01",
    "２０２６-０４-０１",
    "2026-04-01T00:00:00Z",
    "9999-12-31 23:59:59",
    "1900-01-01",
]
WRONG_ENCODING = [
    Raw(b"\xff\xfe"),
    Raw(b"\xc0\x80"),
    Raw(b"\x80abc"),
    Raw(b"\xe3\x81"),
    b"\xff\xfe\x00",  # percent-encoded invalid UTF-8
    b"\xed\xa0\x80",  # an encoded lone surrogate
    "\ud800",  # a lone surrogate (sent as its invalid UTF-8 bytes)
    "a\udfffb",
    "\udcff",
]
FULL_WIDTH = [
    "ＡＢＣ",
    "＜script＞alert(1)＜/script＞",
    "１２３４５６",
    "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｊｐ",
]

FIXED = SQL + MARKUP + CONTROL + NUMBERS + DATES + WRONG_ENCODING + FULL_WIDTH

huge = st.builds(
    lambda ch, n: ch * n, st.sampled_from(["A", "あ", "𠮷", "<", "\x00", "9"]), st.integers(300, 30_000)
)
scalar = st.one_of(
    st.sampled_from(FIXED),
    st.text(max_size=40),
    huge,
    st.binary(max_size=12),
    st.builds(lambda a, b: a + b, st.sampled_from(MARKUP + SQL + CONTROL), st.text(max_size=10)),
)
hostile = st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3))  # several values for one field


def fields(valid: dict, extra_names=()) -> st.SearchStrategy[dict]:
    """A form's fields: each one valid, hostile or missing; sometimes unknown names with hostile values too."""
    names = list(valid) + list(extra_names)
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(st.just(valid[name]), hostile) if name in valid else hostile for name in names
        },
    ).map(lambda d: {k: v for k, v in d.items()})


def _quote(value) -> str:
    if isinstance(value, Raw):
        # raw bytes, but never the separators: the field must stay one field
        return bytes(value).replace(b"&", b"%26").replace(b"=", b"%3D").decode("latin-1")
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    elif not isinstance(value, bytes):
        value = str(value).encode()
    return urllib.parse.quote_from_bytes(value, safe="")


def encode(data: dict) -> str:
    """application/x-www-form-urlencoded text (latin-1 code points = the bytes on the wire)."""
    parts = []
    for key, value in data.items():
        for v in value if isinstance(value, list) else [value]:
            parts.append(f"{_quote(key)}={_quote(v)}")
    return "&".join(parts)


def post(client, url, data: dict):
    return _checked(
        client.post(
            url, data=encode(data).encode("latin-1"), content_type="application/x-www-form-urlencoded"
        )
    )


def get(client, url, data: dict | None = None):
    return _checked(client.get(url, QUERY_STRING=encode(data or {})))


def _checked(response):
    """Read the whole body (a streamed CSV fails while it is read) and refuse any 5xx."""
    if response.streaming:
        response.body = b"".join(response.streaming_content)
    else:
        response.body = response.content
    assert response.status_code < 500, (response.status_code, response.body[:2000])
    return response


def _messages(response):
    storage = getattr(response.wsgi_request, "_messages", None)
    return list(storage) if storage is not None else []


def failed(response) -> bool:
    """The submission was refused: an error status, the form shown again, or a redirect with an error message."""
    if response.status_code >= 400:
        return True
    if response.status_code == 200 and response.wsgi_request.method == "POST":
        return True
    return any(m.level >= message_levels.ERROR for m in _messages(response))


# --------------------------------------------------------------------------------------------- the database

# geo (the code tables) and programme (editors' pages) are written by no form fuzzed here.
APP_LABELS = (
    "accounts",
    "applications",
    "challenges",
    "tracker",
    "matching",
    "core",
    "reports",
    "conversations",
)
# Written by every attempt, refused or not, by design: the rate-limit and login-throttle counts (in the database
# when there is no Redis, portal/core/counters.py).
BOOKKEEPING = {"core.RateCounter"}


def snapshot() -> dict:
    """Every row of every model of our apps (the test database is small), but the rate-limit counters."""
    rows = {}
    for label in APP_LABELS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label not in BOOKKEEPING:
                rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return rows


def assert_nothing_saved(before: dict, response) -> None:
    if not failed(response):
        return
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"a refused submission ({response.status_code}) changed {changed}"


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """One example: everything it writes is rolled back, so the next example starts from the same rows."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def submit(user, url, data, method="post", *, then=None):
    """Log in (or not), send, check the answer and that a refused submission saved nothing; `then(response)` runs
    before the example's rows are rolled back."""
    with rolled_back():
        client = Client()
        if user is not None:
            client.force_login(user)
        if method != "post":
            response = get(client, url, data)
        else:
            before = snapshot()
            response = post(client, url, data)
            if then is None:
                assert_nothing_saved(before, response)
        if then is not None:
            then(response)
        return response


# --------------------------------------------------------------------------------------------- the world


class Fuzzland(World):
    """The matching world (ministry, two municipalities, startups, challenges) plus what the tracker needs."""

    def __init__(self):
        super().__init__()
        self.application = application_services.application_start(
            challenge=self.challenge_x, actor=self.snow_user, **PROPOSAL
        )
        self.submitted = application_services.application_start(
            challenge=self.challenge_y, actor=self.snow_user, **PROPOSAL
        )
        application_services.application_submit(application=self.submitted, actor=self.snow_user)
        self.engagement = tf.engagement(
            municipality_org=self.muni_x, startup_org=self.snow, actor=self.ministry_user, title="除雪"
        )
        self.budget = tf.budget(1_000_000, actor=self.ministry_user)
        self.trip = tf.travel_request(self.engagement, self.snow_user)
        tracker_services.travel_request_approve(request=self.trip, actor=self.ministry_user)
        tracker_services.travel_trip_done(request=self.trip, actor=self.snow_user)
        self.pending_trip = tf.travel_request(self.engagement, self.snow_user)
        self.apply(self.medical_user, self.challenge_x)
        self.run = matching_services.match_run_execute(
            run=matching_services.match_run_create(actor=self.ministry_user)
        )
        self.question = conversation_services.question_ask(
            challenge=self.challenge_x, actor=self.medical_user, text="データの形式は？"
        )
        self.other_question = conversation_services.question_ask(
            challenge=self.challenge_x, actor=self.snow_user, text="データはCSVですか？"
        )
        # a solved challenge of X's (issue #22): X builds its evidence pack, Y joins it
        self.solved = tf.engagement(
            municipality_org=self.muni_x, startup_org=self.snow, actor=self.ministry_user, title="解決済み"
        )
        Engagement.objects.filter(pk=self.solved.pk).update(stage="contract", furthest_stage="contract")
        self.solved.refresh_from_db()
        self.agreement = tracker_services.agreement_record(
            engagement=self.engagement,
            actor=self.ministry_user,
            kind="poc",
            title="実証協定書",
            parties="自治体\n会社",
            signed_on=today_jst(),
            starts_on=today_jst(),
            ends_on=today_jst() + dt.timedelta(days=90),
        )


@pytest.fixture(scope="module")
def land(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction rolled back after its last test (each test, and each
    example inside it, runs in a savepoint of its own)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield Fuzzland()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --------------------------------------------------------------------------------------------- public


REGISTRATION = {
    "email": "new@startup.example.jp",
    "password1": "a-long-passphrase-9",
    "password2": "a-long-passphrase-9",
    "family_name": "山田",
    "given_name": "太郎",
    "family_name_kana": "ヤマダ",
    "given_name_kana": "タロウ",
    "preferred_language": "ja",
    "organisation_name": "株式会社ファズ",
    "organisation_name_kana": "",
    "organisation_name_en": "",
    "prefecture": "13",
    "corporate_number": "",
    "consent_privacy": "on",
}


@FUZZ
@given(data=fields(REGISTRATION))
@example(data=REGISTRATION | {"organisation_name": "株式会社\x00ファズ"})
@example(data=REGISTRATION | {"email": "a\x00@example.jp"})
@example(data=REGISTRATION | {"corporate_number": "１" * 40})
def test_sign_up(land, data):
    submit(None, reverse("accounts:register"), data)


@FUZZ
@given(data=fields({"username": "founder@snow.example.jp", "password": factories.PASSWORD}))
def test_login(land, data):
    submit(None, reverse("accounts:login"), data)


@FUZZ
@given(data=fields({"email": "founder@snow.example.jp"}))
def test_password_reset_and_resend_verification(land, data):
    submit(None, reverse("accounts:password_reset"), data)
    submit(None, reverse("accounts:resend_verification"), data)
    submit(None, reverse("accounts:login_unlock_request"), data)


@FUZZ
@given(data=fields({"new_email": "moved@snow.example.jp", "password": factories.PASSWORD}))
def test_email_change(land, data):
    submit(land.snow_user, reverse("accounts:account"), data)


@FUZZ
@given(data=fields({"code": "123456", "next": "/admin/"}))
def test_two_factor_setup_and_verify(land, data):
    submit(land.snow_user, reverse("accounts:two_factor_setup"), data)
    submit(land.snow_user, reverse("accounts:two_factor_verify"), data)


@FUZZ
@given(data=fields({"language": "en", "next": "/"}))
def test_language_switch(land, data):
    submit(land.snow_user, reverse("set_language"), data)


token = st.one_of(
    st.sampled_from(["x" * 5000, "%00", "..%2F..", "<script>", "MQ", "a:b:c"]), st.text(min_size=1)
)


@FUZZ
@given(value=token, other=token)
def test_links_with_tokens(land, value, other):
    """E-mail verification, invitations, password reset: whatever the link holds, a 4xx page or a redirect."""
    client = Client()
    quoted, quoted_other = _quote(value).replace("%2F", "-"), _quote(other).replace("%2F", "-")
    for path in (
        f"/accounts/verify/{quoted}/",
        f"/accounts/invitation/{quoted}/",
        f"/accounts/password-reset/{quoted}/{quoted_other}/",
        f"/accounts/login/unlock/{quoted}/",
        f"/accounts/account/email/{quoted}/",
    ):
        with rolled_back():
            _checked(client.get(path))


def _catalogue_url():
    return ChallengeIndexPage.objects.get().url


CATALOGUE_PARAMS = [
    "q",
    "theme",
    "prefecture",
    "municipality",
    "status",
    "budget_min",
    "budget_max",
    "deadline_before",
    "sort",
    "page",
]


@FUZZ
@given(data=fields({}, CATALOGUE_PARAMS))
@example(data={"budget_min": "1e999999999"})
@example(data={"budget_max": "1e999999999"})
@example(data={"q": "\x00"})
@pytest.mark.parametrize("url", ["catalogue", "challenges:open_data_json", "challenges:open_data_csv"])
def test_catalogue_and_open_data(land, url, data):
    submit(None, _catalogue_url() if url == "catalogue" else reverse(url), data, method="get")


@FUZZ
@given(data=fields({}, ["q", "type", "theme", "page", "prefecture", "limit", "stage"]))
@example(data={"q": "\x00"})
@example(data={"prefecture": "１３"})
@example(data={"prefecture": "9" * 5000})
@pytest.mark.parametrize(
    "url", ["search:search", "startups:startup_list", "geo:local_government_autocomplete", "results"]
)
def test_search_startups_and_geo_autocomplete(land, url, data):
    submit(None, reverse(url), data, method="get")


# --------------------------------------------------------------------------------------------- startups


PROFILE = {
    "name": "株式会社スノーテック",
    "name_kana": "",
    "name_en": "Snow Tech",
    "prefecture": "37",
    "website": "https://snow.example.jp",
    "stage": "early",
    "technology": "GPS",
    "description": "除雪車の位置情報",
    "founded_year": "2015",
    "employees": "12",
    "is_public": "on",
    "corporate_number": "",
    "contact_person": "山田",
    "contact_email": "contact@snow.example.jp",
    "contact_phone": "087-000-0000",
    "contact_address": "高松市",
}


@FUZZ
@given(data=fields(PROFILE))
@example(data=PROFILE | {"description": "a\x00b"})
@example(data=PROFILE | {"founded_year": "9" * 30, "employees": "-1"})
def test_profile(land, data):
    submit(land.snow_user, reverse("startups:profile"), data)


TRACK = {"local_government": "372013", "year": "2020", "theme": "", "outcome": "poc", "summary": "実証"}
TEAM = {"name": "山田太郎", "role": "CTO", "bio": "経歴"}


@FUZZ
@given(track=fields(TRACK), team=fields(TEAM), ids=hostile)
@example(track=TRACK | {"year": "9" * 30}, team=TEAM | {"bio": "\x00"}, ids="²")
def test_track_record_team_and_notifications(land, track, team, ids):
    submit(land.snow_user, reverse("startups:track_record_add"), track)
    submit(land.snow_user, reverse("startups:team_add"), team)
    submit(land.snow_user, reverse("startups:notifications"), {"id": ids})


APPLICATION = {k: str(v) for k, v in PROPOSAL.items()}


@FUZZ
@given(data=fields(APPLICATION, ["submit", "team"]))
@example(data=APPLICATION | {"cost_estimate_yen": "-1"})
@example(data=APPLICATION | {"cost_estimate_yen": "9" * 30})
@example(data=APPLICATION | {"approach": "\x00"})
def test_application_draft_and_submit(land, data):
    if "submit" in data:
        # "Save and submit": a refused submission keeps the edited draft (by design, nothing typed is lost), but
        # the application must still be a draft, not half submitted.
        def still_a_draft(response):
            application = Application.objects.get(pk=land.application.pk)
            if failed(response):
                assert application.state == "draft" and application.submitted_at is None

        submit(
            land.snow_user, reverse("applications:edit", args=[land.application.pk]), data, then=still_a_draft
        )
    else:
        submit(land.snow_user, reverse("applications:edit", args=[land.application.pk]), data)
    submit(land.medical_user, reverse("applications:apply", args=[land.challenge_y.pk]), data)


TRIP = {
    "origin": "130001",
    "departure_date": "",
    "return_date": "",
    "travellers": "1",
    "traveller_names": "山田太郎",
    "purpose": "初回訪問",
    "transport": "express",
    "fares_yen": "40000",
    "lodging_yen": "11800",
    "allowance_yen": "4400",
}


@FUZZ
@given(data=fields(TRIP, ["estimate"]))
@example(data=TRIP | {"departure_date": "9999-12-31", "return_date": "9999-12-31", "estimate": "1"})
@example(data=TRIP | {"departure_date": "0001-01-01", "return_date": "0001-01-01"})
@example(data=TRIP | {"fares_yen": "-1"})
def test_travel_request(land, data):
    dep, ret = tf.trip_dates()
    valid = {"departure_date": dep.isoformat(), "return_date": ret.isoformat()}
    data = {k: (valid.get(k, v) if v == "" else v) for k, v in data.items()}
    submit(land.snow_user, reverse("tracker:trip_new", args=[land.engagement.pk]), data)


REPORT = {
    "action": "report",
    "text": "実証を始めた",
    "residents_served": "10",
    "cost_saved_yen": "1000",
    "contract_value_yen": "0",
}
TRANSITION = {"action": "transition", "transition": "consult", "reason": "協議"}
SETTLE = {"action": "settle", "fares_yen": "1", "lodging_yen": "1", "allowance_yen": "1"}


@FUZZ
@given(report=fields(REPORT), transition=fields(TRANSITION), settle=fields(SETTLE))
@example(
    report=REPORT | {"cost_saved_yen": "-5"},
    transition=TRANSITION | {"reason": "\x00"},
    settle=SETTLE | {"fares_yen": "1e999999999"},
)
def test_progress_report_transition_and_settlement(land, report, transition, settle):
    url = reverse("tracker:engagement", args=[land.engagement.pk])
    submit(land.snow_user, url, report)
    submit(land.snow_user, url, transition)
    submit(land.snow_user, reverse("tracker:trip", args=[land.trip.pk]), settle)


FILTERS = [
    "stage",
    "fiscal_year",
    "prefecture",
    "flagged",
    "state",
    "kind",
    "page",
    "challenge",
    "submitted_at_after",
    "submitted_at_before",
    "export",
]


@FUZZ
@given(data=fields({}, FILTERS))
@example(data={"fiscal_year": "1e999999999"})
@example(data={"fiscal_year": "-1e999999999"})
@pytest.mark.parametrize(
    "url",
    [
        "applications:mine",
        "tracker:engagements",
        "tracker:trips",
        "applications.csv",
        "engagements.xlsx",
        "trips.csv",
    ],
)
def test_startup_lists_and_exports(land, url, data):
    if "." in url:
        url = reverse("reports:export", args=url.split("."))
    else:
        url = reverse(url)
    submit(land.snow_user, url, data, method="get")


QUESTION = {"text": "データの形式を教えてください"}
MESSAGE = {"body": "補足の資料を送ります", "internal": "on"}


@FUZZ
@given(
    question=fields(QUESTION),
    message=fields(MESSAGE, ["files"]),
    preference=fields({"email": "daily"}),
    follow=fields({"follow": "1"}),
)
@example(
    question={"text": "\x00"},
    message={"body": "a\x00b"},
    preference={"email": "hourly"},
    follow={"follow": "²"},
)
@example(question={"text": "あ" * 2001}, message={"body": "あ" * 5001}, preference={}, follow={})
def test_questions_messages_and_preferences(land, question, message, preference, follow):
    submit(land.snow_user, reverse("conversations:ask", args=[land.challenge_x.pk]), question)
    submit(land.snow_user, reverse("conversations:application_thread", args=[land.submitted.pk]), message)
    submit(land.snow_user, reverse("conversations:engagement_thread", args=[land.engagement.pk]), message)
    submit(land.snow_user, reverse("conversations:preferences"), preference)
    submit(land.snow_user, reverse("conversations:follow", args=[land.challenge_x.pk]), follow)


QUESTION_ADMIN = {
    "action": "answer",
    "answer-answer": "CSV です",
    "edit-text": "データの形式は？",
    "hide-reason": "重複",
    "merge-into": "",
}


@FUZZ
@given(
    data=fields(QUESTION_ADMIN), message=fields(MESSAGE), which=st.sampled_from(["staff_x", "ministry_user"])
)
@example(
    data=QUESTION_ADMIN | {"action": "merge", "merge-into": "9" * 30},
    message={"body": "\x00"},
    which="ministry_user",
)
@example(
    data=QUESTION_ADMIN | {"action": "hide", "hide-reason": ""}, message={"internal": "x"}, which="staff_x"
)
def test_answers_moderation_and_staff_messages(land, data, message, which):
    user = getattr(land, which)
    if data.get("merge-into") == "":
        data = data | {"merge-into": str(land.other_question.pk)}
    submit(user, reverse("conversations_question", args=[land.question.pk]), data)
    submit(user, reverse("conversations_engagement_thread", args=[land.engagement.pk]), message)


# --------------------------------------------------------------------------------------------- staff


@FUZZ
@given(
    score=hostile, comment=hostile, action=hostile, reason=hostile, which=st.sampled_from(["score", "decide"])
)
@example(score="9" * 30, comment="\x00", action="decline", reason="\x00", which="decide")
@example(score="²", comment="x", action="shortlist", reason="", which="score")
def test_review_scoring_and_decision(land, score, comment, action, reason, which):
    url = reverse("applications_review", args=[land.submitted.pk])
    data = {which: "1", "review-comment": comment, "decision-action": action, "decision-reason": reason}
    for criterion in RubricCriterion.objects.all():
        data[f"review-score_{criterion.pk}"] = score
    submit(land.staff_y, url, data)


@FUZZ
@given(data=fields({"rank": "1", "next": "/mypage/"}))
@example(data={"rank": "4"})
@example(data={"rank": "9" * 30, "next": "https://evil.example/"})
@example(data={"rank": "１"})
def test_application_preference(land, data):
    submit(land.snow_user, reverse("applications:preference", args=[land.submitted.pk]), data)


CONFLICT = {"startup": "", "challenge": "", "reason": "親族が在籍している"}


@FUZZ
@given(data=fields(CONFLICT), which=st.sampled_from(["staff_x", "ministry_user"]))
@example(data=CONFLICT | {"reason": "\x00"}, which="staff_x")
@example(data=CONFLICT | {"startup": "9" * 30}, which="ministry_user")
@example(data=CONFLICT | {"challenge": "-1"}, which="staff_x")
def test_conflict_declaration(land, data, which):
    valid = {"startup": str(land.other.pk), "challenge": str(land.challenge_x.pk)}
    data = {k: (valid.get(k, v) if v == "" else v) for k, v in data.items()}
    submit(getattr(land, which), reverse("applications_conflicts"), data)


@FUZZ
@given(
    data=fields(
        {},
        FILTERS
        + ["q", "ordering", "fy", "format", "status", "review_status", "assigned", "municipality", "against"],
    )
)
@example(data={"fy": "99999"})
@example(data={"fy": "-1"})
@example(data={"export": "csv", "challenge": "x"})
@pytest.mark.parametrize(
    "url",
    [
        "application:index",
        "engagement:index",
        "travel_request:index",
        "tracker_admin:dashboard",
        "adoption_request:index",
        "fiscal_budget:index",
        "match_run:index",
        "reports_admin:index",
        "reports_admin:applications",
        "reports_admin:engagements",
        "reports_admin:trips",
        "reports_admin:ledger",
        "reports_admin:funnel",
    ],
)
def test_staff_lists_dashboard_and_exports(land, url, data):
    submit(land.ministry_user, reverse(url), data, method="get")


# The admin posts each decision to its own action view (no "action" field); "action" stays a stray name.
APPROVE = {"amount_yen": "50000", "note": "承認"}
REJECT = {"reason": "予算超過"}
PAY = {"paid_on": "2026-04-01"}


@FUZZ
@given(approve=fields(APPROVE, ["action"]), reject=fields(REJECT, ["action"]), pay=fields(PAY, ["action"]))
@example(
    approve=APPROVE | {"amount_yen": "-1"},
    reject=REJECT | {"reason": "\x00"},
    pay=PAY | {"paid_on": "0001-01-01"},
)
@example(approve=APPROVE | {"amount_yen": "9" * 30}, reject=REJECT, pay=PAY | {"paid_on": "9999-12-31"})
def test_travel_approval_and_settlement_in_the_admin(land, approve, reject, pay):
    submit(land.ministry_user, reverse("travel_request:approve", args=[land.pending_trip.pk]), approve)
    submit(land.ministry_user, reverse("travel_request:reject", args=[land.pending_trip.pk]), reject)
    submit(land.ministry_user, reverse("travel_request:pay", args=[land.trip.pk]), pay)


BUDGET = {"fiscal_year": "2026", "amount_yen": "1000000", "note": ""}
OUTSIDE = {"municipality": "", "startup": "", "title": "外部", "reason": "WG"}


@FUZZ
@given(
    budget=fields(BUDGET),
    ledger=fields({"entry": "", "reason": "誤り"}),
    adoption=fields({"reason": "理由"}),
    decision=st.sampled_from(["link", "decline"]),
    outside=fields(OUTSIDE),
)
@example(
    budget=BUDGET | {"amount_yen": "-1"},
    ledger={"entry": "abc", "reason": "x"},
    adoption={"reason": "\x00"},
    decision="link",
    outside=OUTSIDE | {"municipality": "x"},
)
def test_budget_ledger_adoption_and_outside_match(land, budget, ledger, adoption, decision, outside):
    outside = {k: (str(land.muni_y.pk) if k == "municipality" and v == "" else v) for k, v in outside.items()}
    outside = {k: (str(land.medical.pk) if k == "startup" and v == "" else v) for k, v in outside.items()}
    year = FiscalBudget.objects.get().fiscal_year
    entry = str(land.budget.ledger.first().pk) if land.budget.ledger.exists() else "1"
    ledger = {k: (entry if k == "entry" and v == "" else v) for k, v in ledger.items()}
    submit(land.ministry_user, reverse("fiscal_budget:add"), budget)
    submit(land.ministry_user, reverse("fiscal_budget:ledger", args=[year]), ledger)
    request = AdoptionRequest.objects.filter(state=AdoptionRequest.State.REQUESTED).first()
    if request is None:  # an earlier example decided it
        request = AdoptionRequest.objects.create(
            origin=land.engagement, municipality=land.muni_y, message="導入"
        )
    submit(land.ministry_user, reverse(f"adoption_request:{decision}", args=[request.pk]), adoption)
    submit(land.ministry_user, reverse("engagement:add"), outside)


def _own_view(data: dict) -> dict:
    """A site form's fields as the admin's action view takes them: without the "action" that picks the form."""
    return {k: v for k, v in data.items() if k != "action"}


ADMIN_ENGAGEMENT = {"municipality": "", "message": "導入したい"}
DESCRIBE = {
    "title": "遠隔健診",
    "title_en": "Remote check-ups",
    "summary": "概要",
    "summary_en": "Summary",
}


@FUZZ
@given(
    report=fields(_own_view(REPORT), ["action"]),
    transition=fields(_own_view(TRANSITION), ["action"]),
    adopt=fields(ADMIN_ENGAGEMENT, ["action"]),
    describe=fields(DESCRIBE, ["action"]),
)
def test_engagement_in_the_admin(land, report, transition, adopt, describe):
    adopt = {k: (str(land.muni_y.pk) if k == "municipality" and v == "" else v) for k, v in adopt.items()}
    pk = land.engagement.pk
    submit(land.staff_x, reverse("engagement:report", args=[pk]), report)
    submit(land.staff_x, reverse("engagement:transition", args=[pk]), transition)
    submit(land.ministry_user, reverse("engagement:adopt", args=[pk]), adopt)
    submit(land.staff_x, reverse("engagement:describe", args=[pk]), describe)


AGREEMENT = {
    "kind": "contract",
    "title": "業務委託契約",
    "parties": "高松市\n株式会社スノー",
    "signed_on": "",
    "starts_on": "",
    "ends_on": "",
    "renewal_notice_on": "",
    "amount_yen": "3000000",
}
AMEND = {
    "amend-signed_on": "",
    "amend-summary": "期間を延長",
    "amend-ends_on": "",
    "amend-amount_yen": "900000",
}


def _days(data: dict, **offsets) -> dict:
    """Fill the empty date fields with valid days (today + offset); hostile values stay as drawn."""
    return {
        k: ((today_jst() + dt.timedelta(days=offsets[k])).isoformat() if v == "" and k in offsets else v)
        for k, v in data.items()
    }


@FUZZ
@given(agreement=fields(AGREEMENT), amend=fields(AMEND))
@example(
    agreement=AGREEMENT | {"ends_on": "2000-01-01", "amount_yen": "1e999999999"},
    amend=AMEND | {"amend-ends_on": "9999-12-31", "amend-amount_yen": "-1"},
)
@example(
    agreement=AGREEMENT | {"renewal_notice_on": "2100-12-31", "kind": "x"},
    amend=AMEND | {"amend-summary": " "},
)
def test_agreement_and_amendment(land, agreement, amend):
    agreement = _days(agreement, signed_on=0, starts_on=0, ends_on=100, renewal_notice_on=60)
    amend = _days(amend, **{"amend-signed_on": 0, "amend-ends_on": 200})
    submit(land.staff_x, reverse("agreement:add", args=[land.engagement.pk]), agreement)
    submit(land.staff_x, reverse("agreement:amend", args=[land.agreement.pk]), amend)


BUDGET_REQUEST = {"municipality": "", "month": "10", "day": "15", "note": "財政課"}


@FUZZ
@given(data=fields(BUDGET_REQUEST), which=st.sampled_from(["staff_x", "ministry_user"]))
@example(data=BUDGET_REQUEST | {"month": "2", "day": "29"}, which="staff_x")
@example(data=BUDGET_REQUEST | {"day": "1e999999999"}, which="ministry_user")
def test_budget_request_deadline(land, data, which):
    data = {k: (str(land.muni_x.pk) if k == "municipality" and v == "" else v) for k, v in data.items()}
    submit(getattr(land, which), reverse("budget_request_deadline:add"), data)


PULSE = {
    "action": "pulse",
    "pulse-satisfaction": "3",
    "pulse-would_work_again": "no",
    "pulse-blocker": "data",
}


@FUZZ
@given(site=fields(PULSE), admin=fields(_own_view(PULSE), ["action"]))
@example(
    site=PULSE | {"pulse-satisfaction": "0"}, admin=_own_view(PULSE) | {"pulse-would_work_again": "\x00"}
)
def test_pulse_survey(land, site, admin):
    submit(land.snow_user, reverse("tracker:engagement", args=[land.engagement.pk]), site)
    submit(land.staff_x, reverse("engagement:pulse", args=[land.engagement.pk]), admin)


def _slot_day(days=30) -> str:
    return (today_jst() + dt.timedelta(days=days)).isoformat()


PROPOSE = {
    "kind": "first_visit",
    "title": "初回訪問",
    "note": "議題",
    "slot1_date": "",
    "slot1_start": "10:00",
    "slot1_end": "11:00",
    "slot1_place": "高松市役所",
    "slot1_online_url": "",
    "slot2_date": "",
    "slot2_start": "14:00",
    "slot2_end": "15:00",
    "slot2_place": "",
    "slot2_online_url": "https://meet.example.jp/a",
}
PICK = {"action": "pick", "slot": ""}
OTHER = {"action": "other", "message": "第3週なら可能です"}
CANCEL_SITE = {"action": "cancel", "reason": "体調不良"}
OFFER = {
    "action": "offer",
    "offer-slot1_date": "",
    "offer-slot1_start": "09:00",
    "offer-slot1_end": "10:00",
    "offer-slot1_place": "本庁舎",
    "offer-note": "再提案",
}
CHANGE = {
    "action": "change",
    "change-slot1_date": "",
    "change-slot1_start": "13:00",
    "change-slot1_end": "14:00",
    "change-slot1_online_url": "https://meet.example.jp/b",
    "change-reason": "議会日程",
}


def _dated(data: dict) -> dict:
    """Empty date fields get a valid day ahead, so that the deeper checks are reached too."""
    return {k: (_slot_day() if k.endswith("_date") and v == "" else v) for k, v in data.items()}


def _meeting(land, *, agreed=False):
    meeting = tracker_services.meeting_propose(
        actor=land.staff_x,
        kind="first_visit",
        title="訪問",
        engagement=land.engagement,
        slots=[
            tracker_services.jst_slot(
                today_jst() + dt.timedelta(days=20), dt.time(10), dt.time(11), place="市役所"
            )
        ],
    )
    if agreed:
        meeting = tracker_services.meeting_pick(
            meeting=meeting, slot_id=meeting.slots.get().pk, actor=land.snow_user
        )
    return meeting


@FUZZ
@given(
    propose=fields(PROPOSE, ["slot3_date", "slot3_start"]),
    pick=fields(PICK),
    other=fields(OTHER),
    cancel=fields(CANCEL_SITE),
)
@example(
    propose=PROPOSE | {"slot1_date": "9999-12-31", "slot1_start": "25:00"},
    pick=PICK | {"slot": "9" * 30},
    other=OTHER | {"message": "\x00"},
    cancel=CANCEL_SITE | {"reason": ""},
)
@example(
    propose=PROPOSE | {"slot1_date": "0001-01-01", "slot2_online_url": "javascript:alert(1)"},
    pick=PICK | {"slot": "²"},
    other=OTHER | {"message": "あ" * 3000},
    cancel=CANCEL_SITE,
)
def test_meeting_proposal_and_the_startups_answers(land, propose, pick, other, cancel):
    submit(
        land.staff_x,
        reverse("meeting:add_for_engagement", args=[land.engagement.pk]),
        _dated(propose),
    )
    submit(
        land.staff_x,
        reverse("meeting:add_for_application", args=[land.submitted.pk]),
        _dated(propose) | {"kind": "interview"},
    )
    with rolled_back():
        meeting = _meeting(land)
        url = reverse("tracker:meeting", args=[meeting.pk])
        slot = str(meeting.slots.get().pk)
        submit(land.snow_user, url, {k: (slot if k == "slot" and v == "" else v) for k, v in pick.items()})
        submit(land.snow_user, url, other)
        submit(land.snow_user, url, cancel)


@FUZZ
@given(
    offer=fields(OFFER), change=fields(CHANGE), cancel=fields({"action": "cancel", "cancel-reason": "中止"})
)
@example(
    offer=OFFER | {"offer-slot1_end": "08:00"},
    change=CHANGE | {"change-slot1_date": "2026-02-30"},
    cancel={"action": "cancel", "cancel-reason": "\x00"},
)
def test_meeting_offer_change_and_cancel_in_the_admin(land, offer, change, cancel):
    with rolled_back():
        pk = _meeting(land).pk
        submit(land.staff_x, reverse("meeting:offer", args=[pk]), _dated(offer))
        submit(land.staff_x, reverse("meeting:cancel", args=[pk]), cancel)
    with rolled_back():
        pk = _meeting(land, agreed=True).pk
        submit(land.staff_x, reverse("meeting:change", args=[pk]), _dated(change))


@FUZZ
@given(data=fields({}, FILTERS + ["meeting"]))
@example(data={"state": "\x00", "kind": "9" * 5000, "page": "-1"})
def test_meeting_lists_and_the_travel_pre_fill(land, data):
    submit(land.snow_user, reverse("tracker:meetings"), data, method="get")
    submit(land.staff_x, reverse("meeting:index"), data, method="get")
    submit(land.snow_user, reverse("tracker:trip_new", args=[land.engagement.pk]), data, method="get")


RUN = {"top_k": "5", "default_capacity": "2", "travel_budget_yen": ""}


@FUZZ
@given(
    start=fields(RUN, ["weight_text", "weight_distance"]),
    review=fields({"reason": "合わない"}),
    against=hostile,
    listing=fields({}, ["review_status", "assigned", "municipality", "page", "_w_filter_fragment"]),
)
@example(
    start=RUN | {"weight_text": "NaN"},
    review={"reason": ""},
    against="²",
    listing={"municipality": "abc", "page": "-1"},
)
@example(
    start=RUN | {"top_k": "9" * 30, "weight_text": "inf"},
    review={"reason": "\x00" + "9" * 3000},
    against="9" * 30,
    listing={"review_status": "x", "assigned": "9" * 30, "_w_filter_fragment": "1"},
)
def test_matching_run_and_review(land, start, review, against, listing):
    run = land.run
    proposal = MatchProposal.objects.filter(run=run, challenge=land.challenge_x).first()
    submit(land.ministry_user, reverse("match_run:index"), start)
    submit(land.ministry_user, reverse("match_run:proposal_accept", args=[proposal.pk]), review)
    submit(land.ministry_user, reverse("match_run:proposal_reject", args=[proposal.pk]), review)
    submit(
        land.ministry_user,
        reverse("match_run:compare", args=[run.pk]),
        {"against": against},
        method="get",
    )
    submit(land.ministry_user, reverse("match_run:run", args=[run.pk]), listing, method="get")
    submit(land.ministry_user, reverse("match_run:run_results", args=[run.pk]), listing, method="get")


# --------------------------------------------------------------------------------------------- stored markup


PAYLOADS = ['<script>alert("xact")</script>', '"><img src=x onerror=alert("xact")>']


def _assert_escaped(response, payloads=PAYLOADS):
    body = response.body.decode("utf-8", "replace")
    for payload in payloads:
        assert payload not in body, (response.wsgi_request.path, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_a_profile_and_an_application_comes_back_escaped(land, payload):
    """Valid submissions holding markup: every page and export that shows them escapes it."""
    user = land.snow_user
    client = Client()
    client.force_login(user)
    profile = PROFILE | {
        "name": f"株式会社{payload}",
        "description": payload,
        "technology": payload,
        "name_en": payload,
    }
    response = post(client, reverse("startups:profile"), profile)
    assert response.status_code == 302, response.context["form"].errors
    assert StartupProfile.objects.get(organisation=land.snow).description == payload
    post(client, reverse("startups:team_add"), TEAM | {"name": payload, "bio": payload})
    post(client, reverse("startups:track_record_add"), TRACK | {"summary": payload})
    response = post(
        client,
        reverse("applications:edit", args=[land.application.pk]),
        APPLICATION | {"approach": payload, "timeline": payload, "submit": "1"},
    )
    assert response.status_code == 302
    land.application.refresh_from_db()
    assert land.application.approach == payload and land.application.state == "submitted"
    post(client, reverse("tracker:engagement", args=[land.engagement.pk]), REPORT | {"text": payload})
    dep, ret = tf.trip_dates()
    response = post(
        client,
        reverse("tracker:trip_new", args=[land.engagement.pk]),
        TRIP
        | {
            "departure_date": dep.isoformat(),
            "return_date": ret.isoformat(),
            "traveller_names": payload,
            "purpose": payload,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    trip = TravelRequest.objects.filter(purpose=payload).get()

    pages = [
        reverse("startups:startup_list"),
        reverse("startups:startup_detail", args=[land.snow.slug]),
        reverse("startups:profile"),
        reverse("startups:mypage"),
        reverse("applications:mine"),
        reverse("applications:detail", args=[land.application.pk]),
        reverse("applications:edit", args=[land.submitted.pk]),
        reverse("tracker:engagements"),
        reverse("tracker:engagement", args=[land.engagement.pk]),
        reverse("tracker:trips"),
        reverse("tracker:trip", args=[trip.pk]),
        reverse("search:search") + "?q=xact",
        reverse("search:search") + "?q=alert",
    ]
    for url in pages:
        _assert_escaped(_checked(client.get(url)))

    staff = Client()
    staff.force_login(land.ministry_user)
    admin_pages = [
        reverse("applications_review", args=[land.application.pk]),
        reverse("application:index"),
        reverse("engagement:index"),
        reverse("engagement:inspect", args=[land.engagement.pk]),
        reverse("travel_request:index"),
        reverse("travel_request:inspect", args=[trip.pk]),
        reverse("reports_admin:applications"),
        reverse("reports_admin:engagements"),
        reverse("reports_admin:trips"),
        reverse("wagtailadmin_home"),
    ]
    for url in admin_pages:
        _assert_escaped(_checked(staff.get(url)))
    municipality = Client()
    municipality.force_login(land.staff_x)
    _assert_escaped(_checked(municipality.get(reverse("applications_review", args=[land.application.pk]))))


def _csv_cells(body: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_spreadsheet_exports_neutralise_formulas(land, formula):
    """A startup names itself like a formula: every CSV that prints the name starts the cell with an apostrophe."""
    Organisation.objects.filter(pk=land.snow.pk).update(name=formula)
    Application.objects.filter(pk=land.submitted.pk).update(approach=formula)
    challenge = ChallengePage.objects.get(pk=land.challenge_x.pk)  # fresh: revisions of other tests are gone
    challenge.title = challenge.summary = formula
    challenge.save_revision().publish()
    staff = Client()
    staff.force_login(land.ministry_user)
    startup = Client()
    startup.force_login(land.snow_user)
    downloads = [
        (staff, reverse("application:index") + "?export=csv"),
        (staff, reverse("reports_admin:applications") + "?export=csv"),
        (staff, reverse("reports_admin:engagements") + "?export=csv"),
        (staff, reverse("reports_admin:trips") + "?export=csv"),
        (startup, reverse("reports:export", args=["applications", "csv"])),
        (Client(), reverse("challenges:open_data_csv")),
    ]
    for client, url in downloads:
        response = _checked(client.get(url))
        assert response.status_code == 200, url
        cells = _csv_cells(response.body)
        assert "'" + formula in cells, (url, cells)
        assert formula not in cells, (url, cells)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_a_meeting_comes_back_escaped(land, payload):
    with rolled_back():
        meeting = tracker_services.meeting_propose(
            actor=land.staff_x,
            kind="first_visit",
            title=payload,
            note=payload,
            engagement=land.engagement,
            slots=[
                tracker_services.jst_slot(
                    today_jst() + dt.timedelta(days=20), dt.time(10), dt.time(11), place=payload
                )
            ],
        )
        tracker_services.meeting_ask_other_slots(meeting=meeting, actor=land.snow_user, message=payload)
        startup, staff = Client(), Client()
        startup.force_login(land.snow_user)
        staff.force_login(land.staff_x)
        for client, url in (
            (startup, reverse("tracker:meeting", args=[meeting.pk])),
            (startup, reverse("tracker:meetings")),
            (startup, reverse("startups:notifications")),
            (staff, reverse("meeting:inspect", args=[meeting.pk])),
            (staff, reverse("meeting:index")),
            (staff, reverse("wagtailadmin_home")),
        ):
            _assert_escaped(_checked(client.get(url)))


# --------------------------------------------------------------------------------------------- issue #22

CONSENT = {"action": "consent", "purpose": "publish_case_study", "granted": "1"}
EVIDENCE = {
    "clause": "2",
    "conditions_met": ["2:only_supplier", "2:poc_shows", "2:explainable"],
    "price_note": "見積りと比較",
    "alternatives_note": "",
    "next_fiscal_year": "2030",
    "budget_request_deadline": "2029-10-31",
}
JOIN = {
    "municipality": "",
    "population": "3000",
    "budget_min_yen": "100000",
    "budget_max_yen": "500000",
    "message": "参加したい",
}


@FUZZ
@given(site=fields(CONSENT), admin=fields(_own_view(CONSENT), ["action"]))
@example(site=CONSENT | {"purpose": "\x00"}, admin=_own_view(CONSENT) | {"granted": "2"})
@example(
    site=CONSENT | {"purpose": ["reuse_data", "publish_case_study"]},
    admin=_own_view(CONSENT) | {"purpose": "x" * 5000},
)
def test_data_use_consent(land, site, admin):
    submit(land.snow_user, reverse("tracker:engagement", args=[land.engagement.pk]), site)
    submit(land.staff_x, reverse("engagement:consent", args=[land.engagement.pk]), admin)


@FUZZ
@given(data=fields(EVIDENCE))
@example(data=EVIDENCE | {"clause": "10"})
@example(data=EVIDENCE | {"clause": "9" * 30, "next_fiscal_year": "1e999999999"})
@example(data=EVIDENCE | {"conditions_met": ["2:only_supplier", "4:certified"]})
@example(data=EVIDENCE | {"budget_request_deadline": "2030-04-01"})
@example(data=EVIDENCE | {"budget_request_deadline": "0001-01-01", "next_fiscal_year": "2000"})
def test_evidence_pack(land, data):
    submit(land.staff_x, reverse("evidence_pack:add", args=[land.solved.pk]), data)


@FUZZ
@given(data=fields(JOIN))
@example(data=JOIN | {"budget_min_yen": "500001"})
@example(data=JOIN | {"population": "0", "budget_max_yen": "-1"})
@example(data=JOIN | {"population": "9" * 30, "budget_max_yen": "1e999999999"})
def test_joining_a_solved_challenge(land, data):
    data = {k: (str(land.muni_y.pk) if k == "municipality" and v == "" else v) for k, v in data.items()}
    submit(land.staff_y, reverse("solution:join", args=[land.solved.pk]), data)


@FUZZ
@given(data=fields({}, ["prefecture", "has_pack", "fiscal_year", "page"]))
@example(data={"has_pack": "maybe", "fiscal_year": "1e999999999"})
@pytest.mark.parametrize("url", ["solution:index", "evidence_pack:index"])
def test_solutions_and_evidence_overview_lists(land, url, data):
    submit(land.ministry_user, reverse(url), data, method="get")


INVITE = {"reviewer-name": "佐藤", "reviewer-email": "sato@example.jp"}


@FUZZ
@given(invite=fields(INVITE, ["action"]), statement=fields({"opinion": "妥当"}, ["statement"]))
@example(invite=INVITE | {"reviewer-email": "a\x00@example.jp"}, statement={"opinion": "\x00" * 3})
@example(
    invite=INVITE | {"reviewer-name": "x" * 5000},
    statement={"opinion": "x" * 5000, "statement": "not a file"},
)
def test_external_reviewer_invitation_and_statement(land, invite, statement):
    submit(land.staff_x, reverse("engagement:invite_reviewer", args=[land.solved.pk]), invite)
    with rolled_back():
        invitation = tracker_services.reviewer_invite(
            engagement=land.solved, actor=land.staff_x, name="佐藤", email="sato@example.jp"
        )
        token = "fuzz-token"
        type(invitation).objects.filter(pk=invitation.pk).update(token_hash=_sha256(token))
        submit(None, reverse("evidence_review", args=[token]), statement)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------------------------- a challenge's questions

Q_SHORT, Q_NUMBER, Q_CHOICE, Q_LONG = (f"0000000{i}-0000-4000-8000-000000000000" for i in range(1, 5))
CHALLENGE_QUESTIONS = [
    {"type": "short_text", "id": Q_SHORT, "value": {"label": "役職", "required": True}},
    {"type": "number", "id": Q_NUMBER, "value": {"label": "人数", "min_value": 0, "max_value": 100}},
    {"type": "choice", "id": Q_CHOICE, "value": {"label": "形態", "choices": "クラウド\nオンプレミス"}},
    {"type": "long_text", "id": Q_LONG, "value": {"label": "体制"}},
]
ANSWERS = {f"q_{Q_SHORT}": "課長", f"q_{Q_NUMBER}": "12", f"q_{Q_CHOICE}": "クラウド", f"q_{Q_LONG}": "2名"}


def _with_questions(challenge) -> None:
    page = ChallengePage.objects.get(pk=challenge.pk)
    page.application_questions = CHALLENGE_QUESTIONS
    page.save()


@FUZZ
@given(data=fields(APPLICATION | ANSWERS, ["submit", "q_unknown"]))
@example(data=APPLICATION | ANSWERS | {f"q_{Q_NUMBER}": "9" * 40})
@example(data=APPLICATION | ANSWERS | {f"q_{Q_NUMBER}": "１２"})
@example(data=APPLICATION | ANSWERS | {f"q_{Q_CHOICE}": ["クラウド", "オンプレミス"]})
@example(data=APPLICATION | ANSWERS | {f"q_{Q_SHORT}": "\x00", "submit": "1"})
def test_answers_to_a_challenges_own_questions(land, data):
    with rolled_back():
        _with_questions(land.challenge_x)
        _with_questions(land.challenge_y)

        def still_a_draft(response):
            application = Application.objects.get(pk=land.application.pk)
            if failed(response):
                assert application.state == "draft" and application.submitted_at is None

        submit(
            land.snow_user,
            reverse("applications:edit", args=[land.application.pk]),
            data,
            then=still_a_draft if "submit" in data else None,
        )
        submit(land.medical_user, reverse("applications:apply", args=[land.challenge_y.pk]), data)


QUESTION_BLOCK = {
    "application_questions-count": "1",
    "application_questions-0-type": "number",
    "application_questions-0-deleted": "",
    "application_questions-0-order": "0",
    "application_questions-0-id": Q_NUMBER,
    "application_questions-0-value-label": "人数",
    "application_questions-0-value-min_value": "1",
    "application_questions-0-value-max_value": "10",
}


@FUZZ
@given(data=fields(QUESTION_BLOCK, ["application_questions-0-value-choices", "eligibility_prefectures"]))
@example(data={**QUESTION_BLOCK, "application_questions-0-type": "nope"})
@example(data={**QUESTION_BLOCK, "application_questions-count": "-1"})
@example(data={**QUESTION_BLOCK, "application_questions-0-type": "choice"})
def test_the_challenge_editors_question_builder(land, data):
    """The page editor's question list (the rest of the form as the editor sends it): never a server error."""
    page = ChallengePage.objects.get(pk=land.challenge_x.pk)
    form = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "background": page.background,
        "desired_outcome": page.desired_outcome,
        "application_opens": "2026-04-01 00:00",
        "application_closes": "2026-05-31 23:59",
        "max_partners": "1",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
    }
    with rolled_back():
        client = Client()
        client.force_login(land.staff_x)
        post(client, reverse("wagtailadmin_pages:edit", args=[page.pk]), form | data)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_a_question_and_its_answer_comes_back_escaped(land, payload):
    with rolled_back():
        page = ChallengePage.objects.get(pk=land.challenge_x.pk)
        page.application_questions = [
            {"type": "long_text", "id": Q_LONG, "value": {"label": payload, "help_text": payload}}
        ]
        page.save()
        application_services.application_update(
            application=land.application, actor=land.snow_user, answers={Q_LONG: payload}
        )
        startup = Client()
        startup.force_login(land.snow_user)
        for url in (
            reverse("applications:edit", args=[land.application.pk]),
            reverse("applications:detail", args=[land.application.pk]),
        ):
            _assert_escaped(_checked(startup.get(url)))


# --------------------------------------------------------------------------------------------- briefing sessions


def _briefing_form(land) -> dict:
    starts = dt.datetime.combine(today_jst() + dt.timedelta(days=20), dt.time(14, 0))
    return {
        "challenge": str(land.challenge_x.pk),
        "title": "説明会",
        "title_en": "Briefing",
        "description": "議題",
        "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (starts + dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "format": "online",
        "online_url": "https://meet.example.jp/room",
        "venue": "",
        "capacity": "10",
        "registration_closes": (starts - dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
        "recording_url": "",
    }


# The form's fields without the challenge (filled in per world) and with valid values for the strategy to mix in.
BRIEFING_VALID = {
    "title": "説明会",
    "format": "online",
    "online_url": "https://meet.example.jp/room",
    "capacity": "10",
    "venue": "",
    "recording_url": "",
}


def _briefing(land):
    return challenge_factories.briefing(challenge_page=land.challenge_x, actor=land.staff_x, capacity=2)


@FUZZ
@given(data=fields(BRIEFING_VALID, ["round", "challenge", "starts_at", "slides_upload"]))
@example(data=BRIEFING_VALID | {"capacity": "9" * 30, "starts_at": "9999-12-31 23:59"})
@example(data=BRIEFING_VALID | {"format": "on_site", "venue": "\x00", "online_url": "javascript:alert(1)"})
@example(data=BRIEFING_VALID | {"registration_closes": "2026-02-30 10:00", "capacity": "-1"})
def test_briefing_announce_and_edit_in_the_admin(land, data):
    form = _briefing_form(land) | data
    submit(land.staff_x, reverse("briefing:add"), form)
    with rolled_back():
        session = _briefing(land)
        submit(
            land.staff_x,
            reverse("briefing:edit", args=[session.pk]),
            {k: v for k, v in form.items() if k != "challenge"},
        )


@FUZZ
@given(
    attendance=fields({"action": "attendance", "attendance-attended": "1"}),
    cancel=fields({"action": "cancel", "cancel-reason": "中止"}),
    site=fields({}, ["csrfmiddlewaretoken", "organisation"]),
)
@example(
    attendance={"action": "attendance", "attendance-attended": "9" * 30},
    cancel={"action": "cancel", "cancel-reason": "\x00"},
    site={"organisation": "²"},
)
def test_briefing_registration_attendance_and_cancel(land, attendance, cancel, site):
    with rolled_back():
        session = _briefing(land)
        submit(land.snow_user, reverse("briefings:register", args=[session.pk]), site)
        submit(land.snow_user, reverse("briefings:cancel_registration", args=[session.pk]), site)
        submit(land.staff_x, reverse("briefings_admin_session", args=[session.pk]), attendance)
        submit(land.staff_x, reverse("briefings_admin_session", args=[session.pk]), cancel)
