"""A round's page shows the tracker's figures for its fiscal year."""

import io

import pytest
from django.core.management import call_command

from portal.programme.models import RoundPage
from portal.programme.results import results_for_fiscal_year
from portal.tracker.selectors import programme_figures

pytestmark = pytest.mark.django_db


def test_fy2017_round_page_shows_the_seven_matches(client):
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    figures = results_for_fiscal_year(2017)
    assert figures["matches"] == programme_figures(2017)["matches"] == 7
    round_page = RoundPage.objects.get(fiscal_year=2017)
    html = client.get(round_page.url).content.decode()
    assert "<dt>マッチング</dt><dd>7</dd>" in html
