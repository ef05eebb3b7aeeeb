"""Japanese fonts through fontconfig: found when installed; without one, every way to a PDF refuses clearly."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.core.calendar import current_fiscal_year
from portal.reports import fonts
from portal.reports.models import ReportFile
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db


def test_the_installed_japanese_font_is_found():
    font = fonts.japanese_font()
    assert font.family in fonts.PREFERRED_FAMILIES
    assert font.path.endswith((".ttf", ".otf", ".ttc"))


def test_preferred_family_wins_over_others(monkeypatch):
    monkeypatch.setattr(
        fonts,
        "_fc_list_japanese",
        lambda: [
            ("Some Mincho", "/a/some.ttf"),
            ("Noto Sans CJK JP", "/b/noto.ttc"),
            ("IPAexGothic", "/c/ipaexg.ttf"),
        ],
    )
    assert fonts.detect_japanese_font() == fonts.JapaneseFont("IPAexGothic", "/c/ipaexg.ttf")


def test_without_a_japanese_font_detection_says_so_and_names_the_package(no_japanese_font):
    assert fonts.detect_japanese_font() is None
    with pytest.raises(fonts.JapaneseFontMissing) as err:
        fonts.japanese_font()
    assert "fonts-ipaexfont-gothic" in str(err.value) and "fonts-noto-cjk" in str(err.value)


def test_pdf_views_refuse_with_503_and_the_package_name(client, world, no_japanese_font):
    trip = world.paid_trip()
    client.force_login(world.user_a)
    response = client.get(reverse("reports:claim_form", args=[trip.pk]))
    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")
    assert "fonts-ipaexfont-gothic" in response.content.decode()
    live = cf.challenge(municipality_org=world.muni_a)
    assert client.get(reverse("reports:challenge_sheet", args=[live.pk])).status_code == 503


def test_annual_report_is_not_queued_without_a_font(client, world, no_japanese_font):
    client.force_login(world.ministry)
    response = client.post(reverse("reports_admin:annual", args=[current_fiscal_year()]))
    assert response.status_code == 503 and "fonts-ipaexfont-gothic" in response.content.decode()
    assert not ReportFile.objects.exists()


def test_command_refuses_without_a_font(world, tmp_path, no_japanese_font):
    out = tmp_path / "r.pdf"
    with pytest.raises(CommandError) as err:
        call_command("annual_report", fy=current_fiscal_year(), output=str(out))
    assert "fonts-ipaexfont-gothic" in str(err.value)
    assert not out.exists()
