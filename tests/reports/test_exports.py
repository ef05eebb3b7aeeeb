"""CSV/XLSX exports: only the rows the user may see, the list's filters, a BOM on CSV, Japanese through XLSX."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.core.calendar import current_fiscal_year
from portal.reports.exports import DATASETS, csv_bytes
from portal.tracker import selectors as tracker_selectors
from portal.tracker import services
from tests.challenges import factories as cf
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


def _admin_export(client, name, fmt, **params):
    return client.get(reverse(f"reports_admin:{name}"), {**params, "export": fmt})


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def test_municipality_export_contains_only_its_own_engagements(client, world):
    client.force_login(world.staff_a)
    rows = _csv_rows(_admin_export(client, "engagements", "csv"))
    heading, body = rows[0], rows[1:]
    assert heading[:3] == ["ID", "年度", "自治体"]
    assert [r[0] for r in body] == [str(world.eng_a.pk)]
    assert {r[2] for r in body} == {"高松市"}
    client.force_login(world.ministry)
    assert {r[0] for r in _csv_rows(_admin_export(client, "engagements", "csv"))[1:]} == {
        str(world.eng_a.pk),
        str(world.eng_b.pk),
    }


def test_csv_starts_with_a_bom_and_is_utf8(client, world):
    client.force_login(world.ministry)
    response = _admin_export(client, "engagements", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(BOM) and not body[3:].startswith(BOM)
    assert "レンタサイクルの利用分析" in body.decode("utf-8-sig")


def test_japanese_survives_a_round_trip_through_xlsx(client, world):
    world.paid_trip()
    client.force_login(world.user_a)
    response = client.get(reverse("reports:export", args=["trips", "xlsx"]))
    assert response.status_code == 200
    rows = _xlsx_rows(response)
    heading, body = rows[0], rows[1:]
    assert "交通費（円）" in heading and "用務地" in heading
    assert len(body) == 1
    row = dict(zip(heading, body[0], strict=True))
    assert row["スタートアップ"] == "株式会社データクレイドル" and row["用務地"] == "高松市"
    assert row["自治体"] == "高松市" and row["交通費（円）"] == 40_000 and row["精算額（円）"] == 54_200
    assert row["状態"] == "支払済み"


def test_startup_export_has_only_its_own_rows_on_the_site(client, world):
    world.paid_trip()
    world.paid_trip(world.eng_b, world.user_b)
    client.force_login(world.user_b)
    for name in ("engagements", "trips", "ledger"):
        rows = _csv_rows(client.get(reverse("reports:export", args=[name, "csv"])))[1:]
        assert rows, name
        assert all("株式会社データクレイドル" not in r for r in rows), name
        assert all("高松市" not in r for r in rows), name


def test_exports_honour_the_filters(client, world):
    services.engagement_transition(
        engagement=world.eng_b, transition="consult", actor=world.ministry, reason="協議"
    )
    client.force_login(world.ministry)
    rows = _csv_rows(_admin_export(client, "engagements", "csv", stage="consultation"))[1:]
    assert [r[0] for r in rows] == [str(world.eng_b.pk)]
    world.paid_trip()
    rows = _csv_rows(_admin_export(client, "ledger", "csv", kind="pay"))[1:]
    assert len(rows) == 1 and rows[0][4] == "54200"
    rows = _csv_rows(_admin_export(client, "ledger", "csv", fiscal_year=current_fiscal_year() - 5))[1:]
    assert rows == []


def test_bad_filter_values_are_400_not_500(client, world):
    client.force_login(world.ministry)
    assert _admin_export(client, "engagements", "csv", fiscal_year="abc").status_code == 400
    client.force_login(world.user_a)
    assert (
        client.get(reverse("reports:export", args=["trips", "csv"]), {"state": "nonsense"}).status_code == 400
    )
    assert client.get(reverse("reports:export", args=["trips", "pdf"])).status_code == 404
    assert client.get(reverse("reports:export", args=["nothing", "csv"])).status_code == 404


def test_applications_export_per_side(client, world):
    from portal.applications import services as application_services

    challenge_a = cf.challenge(municipality_org=world.muni_a, title="除雪車の位置情報")
    challenge_b = cf.challenge(municipality_org=world.muni_b, title="遠隔妊婦健診の課題")
    fields = {"approach": "案", "expected_outcome": "成果", "timeline": "4か月", "cost_estimate_yen": 900_000}
    sent = application_services.application_start(challenge=challenge_a, actor=world.user_a, **fields)
    application_services.application_submit(application=sent, actor=world.user_a)
    application_services.application_start(challenge=challenge_b, actor=world.user_a, **fields)  # a draft
    other = application_services.application_start(challenge=challenge_b, actor=world.user_b, **fields)
    application_services.application_submit(application=other, actor=world.user_b)

    client.force_login(world.staff_a)
    assert [r[1] for r in _csv_rows(_admin_export(client, "applications", "csv"))[1:]] == ["除雪車の位置情報"]
    client.force_login(world.user_a)  # a startup sees its own, drafts too
    titles = sorted(
        r[1] for r in _csv_rows(client.get(reverse("reports:export", args=["applications", "csv"])))[1:]
    )
    assert titles == ["遠隔妊婦健診の課題", "除雪車の位置情報"]
    client.force_login(world.ministry)  # the ministry sees what was sent, not drafts
    assert len(_csv_rows(_admin_export(client, "applications", "csv"))[1:]) == 2


def test_funnel_export_is_the_dashboards_funnel_for_ministry_only(client, world):
    year = current_fiscal_year()
    client.force_login(world.ministry)
    rows = _xlsx_rows(_admin_export(client, "funnel", "xlsx", fiscal_year=year))
    assert rows[0] == ("年度", "段階", "名称", "件数", "前段階からの移行率")
    assert [(r[1], r[3]) for r in rows[1:]] == [(s.key, s.count) for s in tracker_selectors.funnel(year)]
    client.force_login(world.staff_a)
    assert client.get(reverse("reports:export", args=["funnel", "csv"])).status_code == 403


def test_admin_report_view_previews_the_rows_with_export_buttons(client, world):
    client.force_login(world.staff_a)
    page = client.get(reverse("reports_admin:engagements")).content.decode()
    assert "レンタサイクルの利用分析" in page and "遠隔妊婦健診" not in page
    assert "export=xlsx" in page and "export=csv" in page
    index = client.get(reverse("reports_admin:index")).content.decode()
    assert reverse("reports_admin:engagements") in index and reverse("reports_admin:funnel") not in index


def test_formula_like_text_is_neutralised(world):
    world.eng_a.title = '=HYPERLINK("http://x")'
    rows = csv_bytes(DATASETS["engagements"], [world.eng_a]).decode("utf-8-sig")
    assert "'=HYPERLINK" in rows


def _count_export_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:export", args=["engagements", "csv"]))
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def test_export_takes_the_same_number_of_queries_for_10_and_100_rows(client, world):
    client.force_login(world.ministry)
    for _ in range(8):
        tf.engagement(municipality_org=world.muni_a, actor=world.ministry)
    ten = _count_export_queries(client, world.ministry)
    for _ in range(90):
        tf.engagement(municipality_org=world.muni_b, actor=world.ministry)
    assert _count_export_queries(client, world.ministry) == ten


@pytest.mark.parametrize("name", ["applications", "engagements", "trips", "ledger", "funnel"])
def test_every_admin_report_view_renders_for_the_ministry(client, world, name):
    world.paid_trip()
    client.force_login(world.ministry)
    response = client.get(reverse(f"reports_admin:{name}"))
    assert response.status_code == 200
    results = client.get(reverse(f"reports_admin:{name}_results"))
    assert results.status_code == 200
    assert _xlsx_rows(_admin_export(client, name, "xlsx"))[0][0] in ("ID", "年度")
