"""Rate limits on sign-up (per IP), starting and submitting applications (per user) and search (per IP): the request
over the limit gets a 429 page in the user's language saying when to retry; others and normal use are unaffected."""

import pytest
from django.urls import reverse
from django.utils import translation

from portal.applications import services as application_services
from portal.applications.models import Application, ApplicationState
from portal.core import ratelimit
from tests import factories
from tests.applications.factories import PROPOSAL, World, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value, expected",
    [
        ("10/h", (10, 3600)),
        ("60/m", (60, 60)),
        ("5/600", (5, 600)),
        ("3/d", (3, 86400)),
        ("", None),
        ("0", None),
    ],
)
def test_limits_are_read_from_count_slash_period(value, expected):
    limit = ratelimit.parse(value)
    assert (limit and (limit.count, limit.window_s)) == expected


@pytest.mark.parametrize("value", ["ten/h", "5/fortnight", "-1/h"])
def test_a_malformed_limit_is_an_error_not_silence(value):
    with pytest.raises(ValueError):
        ratelimit.parse(value)


def test_base_settings_have_the_documented_defaults():
    from portal.settings import base

    assert (base.RATE_LIMIT_SIGNUP, base.RATE_LIMIT_APPLICATION, base.RATE_LIMIT_SEARCH) == (
        "10/h",
        "30/h",
        "60/m",
    )
    assert (base.RATE_LIMIT_QUESTION, base.RATE_LIMIT_MESSAGE) == ("10/h", "60/h")


def assert_refused_in(response, language):
    assert response.status_code == 429
    body = response.content.decode()
    retry = int(response["Retry-After"])
    if language == "ja":
        assert '<html lang="ja">' in body and "リクエストが多すぎます" in body and "分後" in body
    else:
        assert '<html lang="en">' in body and "Too many requests" in body and "Please try again in" in body
    return retry


def test_sign_up_is_limited_per_ip_in_the_users_language(client, settings):
    settings.RATE_LIMIT_SIGNUP = "2/h"
    for _ in range(2):
        assert client.post("/accounts/register/", {"email": "x"}).status_code == 200  # the form, with errors
    retry = assert_refused_in(client.post("/accounts/register/", {"email": "x"}), "ja")
    assert 0 < retry <= 3600
    assert_refused_in(client.post("/en/accounts/register/", {"email": "x"}), "en")
    # Reading the form is not limited, and another address still signs up.
    assert client.get("/accounts/register/").status_code == 200
    other = client.post("/accounts/register/", {"email": "x"}, REMOTE_ADDR="192.0.2.8")
    assert other.status_code == 200


def url(name, *args):
    with translation.override("ja"):
        return reverse(f"applications:{name}", args=args)


def test_starting_and_submitting_applications_is_limited_per_user(client, settings):
    settings.RATE_LIMIT_APPLICATION = "2/h"
    world = World()
    client.force_login(world.user_a)
    assert client.post(url("apply", world.challenge_x.pk), PROPOSAL | {"save": "1"}).status_code == 302
    assert client.post(url("apply", world.challenge_y.pk), PROPOSAL | {"save": "1"}).status_code == 302
    first = Application.objects.get(challenge=world.challenge_x)
    application_services.attachment_add(application=first, actor=world.user_a, uploaded=pdf_upload())
    assert_refused_in(client.post(url("submit", first.pk)), "ja")
    assert_refused_in(client.post(url("edit", first.pk), PROPOSAL | {"submit": "1"}), "ja")
    first.refresh_from_db()
    assert first.state == ApplicationState.DRAFT  # nothing happened
    # Saving the draft is not limited; another startup's user is not affected.
    assert client.post(url("edit", first.pk), PROPOSAL | {"save": "1"}).status_code == 302
    client.force_login(world.user_b)
    assert client.post(url("apply", world.challenge_x.pk), PROPOSAL | {"save": "1"}).status_code == 302
    assert Application.objects.count() == 3


def test_search_is_limited_per_ip(client, settings):
    settings.RATE_LIMIT_SEARCH = "3/m"
    for _ in range(3):
        assert client.get("/search/", {"q": "除雪"}).status_code == 200
    retry = assert_refused_in(client.get("/search/", {"q": "除雪"}), "ja")
    assert 0 < retry <= 60
    assert_refused_in(client.get("/en/search/", {"q": "snow"}), "en")
    assert client.get("/search/", {"q": "除雪"}, REMOTE_ADDR="192.0.2.9").status_code == 200
    assert client.get("/").status_code == 200  # other pages are not counted


def test_normal_use_with_the_default_limits_is_never_refused(client, settings, tokyo):
    settings.RATE_LIMIT_SIGNUP, settings.RATE_LIMIT_APPLICATION, settings.RATE_LIMIT_SEARCH = (
        "10/h",
        "30/h",
        "60/m",
    )
    # A sign-up with a few mistakes first.
    for _ in range(3):
        assert client.post("/accounts/register/", {"email": "typo"}).status_code == 200
    # A startup browses, searches a dozen times, applies to two challenges and submits one.
    world = World()
    client.force_login(world.user_a)
    for term in ["除雪", "妊婦", "観光", "除雪車", "遠隔", "健診"] * 2:
        assert client.get("/search/", {"q": term}).status_code == 200
    client.post(url("apply", world.challenge_x.pk), PROPOSAL | {"save": "1"})
    client.post(url("apply", world.challenge_y.pk), PROPOSAL | {"save": "1"})
    application = Application.objects.get(challenge=world.challenge_x)
    application_services.attachment_add(application=application, actor=world.user_a, uploaded=pdf_upload())
    response = client.post(url("edit", application.pk), PROPOSAL | {"submit": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


@pytest.fixture
def tokyo(db):
    return factories.prefecture("13")
