"""A challenge outside any round is refused when the programme requires rounds (settings.PROGRAMME_REQUIRE_ROUND)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from portal.challenges.models import ChallengePage
from tests.challenges import factories as cf
from tests.challenges.test_workflow import _add_url, _form
from tests.programme import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_2026():
    return pf.round_page(2026, [("applications", dt.date(2026, 10, 15), dt.date(2026, 12, 25))])


def test_admin_refuses_a_challenge_without_a_round_when_rounds_are_required(client, settings, round_2026):
    settings.PROGRAMME_REQUIRE_ROUND = True
    client.force_login(cf.staff(cf.municipality()))
    # Submitting for moderation validates everything (Wagtail lets a plain draft be saved incomplete).
    response = client.post(_add_url(), {**_form(), "action-submit": "Submit"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "round" in errors and all(str(m) for m in errors["round"])
    assert not ChallengePage.objects.exists()

    response = client.post(_add_url(), {**_form(round=str(round_2026.pk)), "action-submit": "Submit"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert ChallengePage.objects.get().round == round_2026


def test_admin_accepts_a_challenge_without_a_round_when_rounds_are_optional(client, settings):
    settings.PROGRAMME_REQUIRE_ROUND = False
    client.force_login(cf.staff(cf.municipality()))
    response = client.post(_add_url(), {**_form(), "action-submit": "Submit"})
    assert response.status_code == 302
    assert ChallengePage.objects.get().round is None


def test_services_and_full_clean_follow_the_setting(settings, round_2026):
    settings.PROGRAMME_REQUIRE_ROUND = True
    with pytest.raises(ValidationError) as refused:
        cf.challenge(title="回のない課題")
    assert "round" in refused.value.message_dict
    assert not ChallengePage.objects.filter(title="回のない課題").exists()
    assert cf.challenge(title="回のある課題", round=round_2026).round == round_2026

    settings.PROGRAMME_REQUIRE_ROUND = False
    assert cf.challenge(title="回を問わない課題").round is None
