"""Open data: JSON and CSV (UTF-8 with BOM), only live challenges, the catalogue's filters honoured."""

import csv
import io
import json

import pytest

from portal.challenges.opendata import FIELDS
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    takamatsu = cf.municipality("372013", "高松市")
    sapporo = cf.municipality("011002", "札幌市")
    cf.challenge(
        municipality_org=takamatsu,
        title="レンタサイクル",
        themes=["tourism", "mobility"],
        budget_min_yen=1_000_000,
        budget_max_yen=3_000_000,
        offers_data=True,
    )
    cf.challenge(municipality_org=sapporo, title="除雪車の位置情報", themes=["snow-removal"])
    cf.challenge(municipality_org=takamatsu, title="下書き", publish=False)


def test_json_schema_and_only_live(client, world):
    response = client.get("/open-data/challenges.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    payload = json.loads(response.content.decode("utf-8"))
    assert set(payload) == {"schema_version", "generated_at", "count", "challenges"}
    assert payload["count"] == 2
    titles = {c["title"] for c in payload["challenges"]}
    assert titles == {"レンタサイクル", "除雪車の位置情報"}
    record = next(c for c in payload["challenges"] if c["title"] == "レンタサイクル")
    assert list(record) == FIELDS
    assert record["municipality_code"] == "372013" and record["prefecture_code"] == "37"
    assert record["themes"] == ["tourism", "mobility"] or sorted(record["themes"]) == ["mobility", "tourism"]
    assert record["budget_min_yen"] == 1_000_000 and record["offers"] == ["data"]
    assert record["status"] == "open"
    assert record["application_opens"].endswith("+09:00")
    assert record["url"].startswith("http") and record["url"].endswith("/")
    assert "レンタサイクル" in response.content.decode("utf-8")  # not \u-escaped


def test_json_honours_filters(client, world):
    payload = client.get("/open-data/challenges.json?theme=snow-removal").json()
    assert [c["title"] for c in payload["challenges"]] == ["除雪車の位置情報"]
    assert client.get("/open-data/challenges.json?prefecture=37").json()["count"] == 1
    assert client.get("/open-data/challenges.json?status=closed").json()["count"] == 0


def test_csv_has_bom_header_and_filters(client, world):
    response = client.get("/open-data/challenges.csv?theme=tourism")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == FIELDS
    assert len(rows) == 2 and rows[1][FIELDS.index("title")] == "レンタサイクル"
    assert rows[1][FIELDS.index("themes")] in ("tourism;mobility", "mobility;tourism")


def test_bad_filter_is_400(client, world):
    assert client.get("/open-data/challenges.json?theme=nope").status_code == 400
    assert client.get("/open-data/challenges.csv?budget_min=abc").status_code == 400
