"""The annual results report (成果報告書): the dashboard's figures for the same year, embedded Japanese fonts,
background rendering with progress, kept until the data changes, the command, and who may have it."""

import os
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.applications import services as application_services
from portal.core.calendar import current_fiscal_year
from portal.reports import selectors
from portal.reports.models import ReportFile
from portal.tracker import selectors as tracker_selectors
from portal.tracker import services
from tests.challenges import factories as cf
from tests.tracker import factories as tf

from .conftest import assert_japanese_fonts_embedded, pdf_text

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "approach": "位置情報を集める",
    "expected_outcome": "問い合わせの削減",
    "timeline": "4か月",
    "cost_estimate_yen": 1_200_000,
}


@pytest.fixture
def year_with_data(world):
    """A year with a challenge, an application, engagements in several stages, a paid trip and a report."""
    challenge = cf.challenge(municipality_org=world.muni_a, title="除雪車の位置情報")
    application = application_services.application_start(challenge=challenge, actor=world.user_a, **PROPOSAL)
    application_services.application_submit(application=application, actor=world.user_a)
    for step in ("consult", "plan_poc", "start_poc"):
        services.engagement_transition(
            engagement=world.eng_a, transition=step, actor=world.ministry, reason="合意"
        )
    services.progress_report_create(
        engagement=world.eng_a,
        actor=world.staff_a,
        text="実証を開始",
        residents_served=800,
        cost_saved_yen=120_000,
        contract_value_yen=None,
        files=[],
    )
    world.paid_trip()
    tf.engagement(municipality_org=world.muni_b, actor=world.ministry, title="オンデマンド交通")
    return current_fiscal_year()


def _render(client, world, year, django_capture_on_commit_callbacks):
    client.force_login(world.ministry)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports_admin:annual", args=[year]))
    assert response.status_code == 302
    return response


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


def _dashboard_figures(client, year) -> tuple[list[tuple[str, str, str]], list[str]]:
    html = client.get(reverse("tracker_admin:dashboard"), {"fy": year}).content.decode()
    table = html[html.index('id="funnel-table"') : html.index("</table>", html.index('id="funnel-table"'))]
    funnel = re.findall(r'<th scope="row">(.*?)</th><td>(\d+)</td><td>(.*?)</td>', table)
    buckets = re.findall(r'<td data-bucket="\d">¥(-?[\d,]+)</td>', html)
    return funnel, buckets


def test_annual_report_shows_the_dashboards_figures_for_the_same_year(
    client, world, year_with_data, django_capture_on_commit_callbacks
):
    year = year_with_data
    _render(client, world, year, django_capture_on_commit_callbacks)
    report_file = ReportFile.objects.get()
    assert (report_file.status, report_file.progress) == (ReportFile.Status.DONE, 100)
    response = client.get(reverse("reports_admin:download", args=[report_file.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    text = pdf_text(data)
    assert "成果報告書" in text and "令和" in text and f"FY{year}" in text
    assert_japanese_fonts_embedded(data)

    # The funnel table: every step of the dashboard's table, with its count and rate, is a line of the report.
    funnel_part = _section(text, "1. 事業の実績", "2. 移行率")
    dashboard_funnel, dashboard_buckets = _dashboard_figures(client, year)
    assert len(dashboard_funnel) == 7
    for label, count, rate in dashboard_funnel:
        line = next(x for x in funnel_part.splitlines() if x.startswith(label + " "))
        assert line.split()[1:] == [f"{int(count):,}", rate], (line, count, rate)
    # The same numbers as the selectors compute (what the dashboard shows is what the selectors say).
    figures = tracker_selectors.programme_figures(year)
    assert [int(c) for _l, c, _r in dashboard_funnel] == [
        s.count for s in tracker_selectors.funnel(year, figures)
    ]
    assert (figures["challenges"], figures["applications"], figures["matches"], figures["poc"]) == (
        1,
        1,
        3,
        1,
    )

    # Budget use: reserved, settled, paid and free as on the dashboard.
    budget_part = _section(text, "3. 旅費支援予算の執行", "4. 段階別")
    values = [int(v.replace(",", "")) for v in dashboard_buckets]
    assert values == [0, 0, 54_200, 1_000_000 - 54_200]
    for label, value in zip(("確保済み", "精算済み・支払待ち", "支払済み", "残額"), values, strict=True):
        line = next(x for x in budget_part.splitlines() if x.startswith(label + " "))
        assert line.split()[-1] == f"{value:,}", line
    assert "旅費支援の支払額（円） 54,200" in budget_part

    # Each engagement's outcome, and the charts drawn as SVG with the dashboard's titles.
    outcomes = text[text.index("5. 各取組みの成果") :]
    assert "レンタサイクルの利用分析" in outcomes and "オンデマンド交通" in outcomes
    assert "800" in outcomes and "120,000" in outcomes


def test_report_is_kept_until_the_data_changes(
    client, world, year_with_data, django_capture_on_commit_callbacks
):
    year = year_with_data
    _render(client, world, year, django_capture_on_commit_callbacks)
    first = ReportFile.objects.get()
    _render(client, world, year, django_capture_on_commit_callbacks)
    assert ReportFile.objects.count() == 1  # same data: the stored file is served, nothing re-rendered
    page = client.get(reverse("reports_admin:annual", args=[year])).content.decode()
    assert reverse("reports_admin:download", args=[first.pk]) in page

    services.progress_report_create(
        engagement=world.eng_b,
        actor=world.staff_b,
        text="初回訪問を実施",
        residents_served=None,
        cost_saved_yen=None,
        contract_value_yen=None,
        files=[],
    )
    page = client.get(reverse("reports_admin:annual", args=[year])).content.decode()
    assert 'id="render-report"' in page  # the data changed: the stored file is no longer current
    _render(client, world, year, django_capture_on_commit_callbacks)
    assert ReportFile.objects.count() == 2
    second = ReportFile.objects.exclude(pk=first.pk).get()
    assert second.fingerprint != first.fingerprint and second.status == ReportFile.Status.DONE

    # A third state of the data: the oldest rendering goes, with its file.
    first_file = first.file.path
    services.engagement_transition(
        engagement=world.eng_b, transition="consult", actor=world.ministry, reason="協議"
    )
    _render(client, world, year, django_capture_on_commit_callbacks)
    assert ReportFile.objects.count() == 2 and not ReportFile.objects.filter(pk=first.pk).exists()
    assert not os.path.exists(first_file)


def test_progress_is_reported_while_rendering(
    client, world, year_with_data, django_capture_on_commit_callbacks
):
    response = _render(client, world, year_with_data, django_capture_on_commit_callbacks)
    progress = client.get(response["Location"], {"format": "json"}).json()
    assert progress["status"] == "done" and progress["progress"] == 100 and progress["download"]
    page = client.get(response["Location"]).content.decode()
    assert 'value="100"' in page


def test_failed_rendering_is_kept_with_its_reason_and_retried(
    client, world, year_with_data, django_capture_on_commit_callbacks, monkeypatch
):
    from portal.reports import rendering

    def broken(*args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    _render(client, world, year_with_data, django_capture_on_commit_callbacks)
    failed = ReportFile.objects.get()
    assert failed.status == ReportFile.Status.FAILED and "layout exploded" in failed.error
    monkeypatch.undo()
    _render(client, world, year_with_data, django_capture_on_commit_callbacks)
    failed.refresh_from_db()
    assert failed.status == ReportFile.Status.DONE and ReportFile.objects.count() == 1


def test_only_ministry_staff_get_the_annual_report(client, world, year_with_data):
    url = reverse("reports_admin:annual", args=[year_with_data])
    client.force_login(world.staff_a)
    for response in (client.get(url), client.post(url)):
        # Wagtail turns the refusal into a redirect to the admin's home with the reason as a message.
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    client.force_login(world.user_a)  # startups have no admin access at all
    assert client.get(url).status_code in (302, 403)
    assert not ReportFile.objects.exists()


def test_command_writes_the_pdf_with_progress(world, year_with_data, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    call_command("annual_report", fy=year_with_data, output=str(out))
    printed = capsys.readouterr().out
    assert "[ 10%]" in printed and "[ 95%]" in printed and "bytes written" in printed
    text = pdf_text(out.read_bytes())
    assert "成果報告書" in text and "レンタサイクルの利用分析" in text


def test_command_store_keeps_it_for_the_admin(world, year_with_data, tmp_path):
    call_command("annual_report", fy=year_with_data, output=str(tmp_path / "r.pdf"), store=True, verbosity=0)
    stored = ReportFile.objects.get()
    assert stored.status == ReportFile.Status.DONE
    assert stored.fingerprint == selectors.annual_report_fingerprint(year_with_data)


def test_command_refuses_a_bad_year(tmp_path):
    with pytest.raises(CommandError):
        call_command("annual_report", fy=17, output=str(tmp_path / "r.pdf"))


def test_report_data_takes_the_same_number_of_queries_for_5_and_20_engagements(world):
    year = current_fiscal_year()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            selectors.annual_report(year)
        return len(ctx.captured_queries)

    for _ in range(3):
        tf.engagement(municipality_org=world.muni_a, actor=world.ministry)
    few = count()
    for _ in range(15):
        tf.engagement(municipality_org=world.muni_b, actor=world.ministry)
    assert count() == few
