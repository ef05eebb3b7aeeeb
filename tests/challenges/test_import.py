"""Import from CSV/XLSX: all rows or none; every bad row reported with its line; command and admin screen."""

import csv
import datetime as dt
import io
import tracemalloc
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from portal.accounts.models import Organisation
from portal.challenges.importer import (
    COLUMNS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    import_challenges,
)
from portal.challenges.models import ChallengePage
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")

GOOD = [
    [
        "372013",
        "レンタサイクルの回遊分析",
        "観光客の回遊を知りたい",
        "背景",
        "成果",
        "tourism;交通・モビリティ",
        "1,000,000",
        "3000000",
        "2026-04-01",
        "2026-05-31",
        "2",
        "2026-07-01",
        "2026-12-31",
    ],
    # 天塩町 has no organisation yet: the import creates it.
    [
        "014877",
        "遠隔妊婦健診",
        "町内で健診を受けたい",
        "産科がない",
        "通院を減らす",
        "health",
        "",
        "",
        "2026-04-01",
        "2026-04-30",
        "",
        "",
        "",
    ],
]


def _csv(rows, header=COLUMNS, bom=True):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def _xlsx(rows, header=COLUMNS):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def takamatsu():
    return cf.municipality("372013", "高松市")


def test_good_csv_imports_drafts_and_creates_missing_municipality(takamatsu):
    assert not Organisation.objects.filter(local_government_id="014877").exists()
    result = import_challenges(content=_csv(GOOD), filename="challenges.csv")
    assert result.ok, result.errors
    assert len(result.created) == 2
    assert ChallengePage.objects.count() == 2 and not ChallengePage.objects.live().exists()
    first = ChallengePage.objects.get(title="レンタサイクルの回遊分析")
    assert first.municipality == takamatsu
    assert sorted(first.themes.values_list("slug", flat=True)) == ["mobility", "tourism"]
    assert (first.budget_min_yen, first.budget_max_yen, first.max_partners) == (1_000_000, 3_000_000, 2)
    assert first.application_opens == dt.datetime(2026, 4, 1, 0, 0, tzinfo=JST)
    assert first.application_closes == dt.datetime(2026, 5, 31, 23, 59, 59, tzinfo=JST)
    teshio = Organisation.objects.get(local_government_id="014877")
    assert teshio.kind == "municipality" and "天塩町" in teshio.name and not teshio.memberships.exists()


def test_good_xlsx_with_publish():
    result = import_challenges(content=_xlsx(GOOD), filename="challenges.xlsx", publish=True)
    assert result.ok, result.errors
    assert ChallengePage.objects.live().count() == 2


def test_file_with_bad_rows_imports_nothing_and_lists_every_bad_row(takamatsu):
    bad = [
        GOOD[0],
        ["999999", "t", "s", "b", "d", "tourism", "", "", "2026-04-01", "2026-04-30", "", "", ""],  # bad code
        [
            "372013",
            "t",
            "あ" * 201,
            "b",
            "d",
            "tourism",
            "",
            "",
            "2026-04-01",
            "2026-04-30",
            "",
            "",
            "",
        ],  # long
        [
            "372013",
            "t",
            "s",
            "b",
            "d",
            "space-travel",
            "",
            "",
            "2026-04-01",
            "2026-04-30",
            "",
            "",
            "",
        ],  # theme
        [
            "372013",
            "t",
            "s",
            "b",
            "d",
            "tourism",
            "",
            "",
            "2026-05-01",
            "2026-04-30",
            "",
            "",
            "",
        ],  # inverted window
        [
            "372013",
            "t",
            "s",
            "b",
            "d",
            "tourism",
            "-5",
            "",
            "2026-04-01",
            "2026-04-30",
            "",
            "",
            "",
        ],  # negative
        [
            "372013",
            "t",
            "s",
            "b",
            "d",
            "tourism",
            "300",
            "100",
            "2026-04-01",
            "2026-04-30",
            "",
            "",
            "",
        ],  # inverted
        [
            "372014",
            "t",
            "s",
            "b",
            "d",
            "tourism",
            "",
            "",
            "2026/4/1",
            "2026-04-30",
            "",
            "",
            "",
        ],  # check digit, date
    ]
    result = import_challenges(content=_csv(bad), filename="bad.csv")
    assert not result.ok
    lines = sorted({e.line for e in result.errors})
    assert lines == [3, 4, 5, 6, 7, 8, 9]
    text = "\n".join(str(e) for e in result.errors)
    assert "999999" in text and "space-travel" in text and "201" in text
    assert ChallengePage.objects.count() == 0
    assert not Organisation.objects.filter(local_government_id="014877").exists()


@pytest.mark.parametrize(
    "content, filename",
    [
        (b"", "empty.csv"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image.csv"),
        ("title,summary\n課題,要約\n".encode(), "missing-columns.csv"),
        (_csv([]), "header-only.csv"),
    ],
)
def test_malformed_spreadsheets_get_a_clear_error(content, filename):
    result = import_challenges(content=content, filename=filename)
    assert not result.ok
    assert result.errors[0].line in (1, 2) and str(result.errors[0])
    assert ChallengePage.objects.count() == 0


def test_shift_jis_csv_is_read(takamatsu):
    content = _csv(GOOD[:1], bom=False).decode("utf-8").encode("cp932")
    result = import_challenges(content=content, filename="sjis.csv")
    assert result.ok, result.errors


def test_command_imports_and_reports(tmp_path, takamatsu):
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(GOOD))
    out = io.StringIO()
    call_command("import_challenges", str(good), "--publish", stdout=out)
    assert "2" in out.getvalue()
    assert ChallengePage.objects.live().count() == 2

    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([GOOD[0], ["372013", "", "", "", "", "tourism"] + [""] * 7]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_challenges", str(bad), stdout=io.StringIO(), stderr=err)
    assert "line 3" in err.getvalue() or "3行" in err.getvalue()
    assert ChallengePage.objects.count() == 2


def test_ministry_imports_from_the_admin_and_municipality_cannot(client, takamatsu):
    ministry_user = cf.staff(cf.ministry())
    client.force_login(ministry_user)
    url = reverse("challenges_import")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"file": SimpleUploadedFile("bad.csv", _csv([["1"] + [""] * 12]))})
    assert bad.status_code == 400
    assert ChallengePage.objects.count() == 0
    ok = client.post(url, {"file": SimpleUploadedFile("good.csv", _csv(GOOD))})
    assert ok.status_code == 302
    assert ChallengePage.objects.count() == 2

    client.force_login(cf.staff(takamatsu))
    response = client.post(url, {"file": SimpleUploadedFile("good.csv", _csv(GOOD))})
    assert response.status_code in (302, 403)
    assert ChallengePage.objects.count() == 2


# --- spreadsheet bombs (issue #16, item 9) ------------------------------------------------------------------------


def _bomb(unpacked_bytes: int) -> bytes:
    """A valid XLSX of a few tens of KB whose first sheet's XML unpacks to `unpacked_bytes` (one long text cell)."""
    normal = zipfile.ZipFile(io.BytesIO(_xlsx(GOOD)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in normal.infolist():
            data = normal.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"</sheetData>")
                cell = b'<row r="9"><c r="A9" t="inlineStr"><is><t>'
                padding = b"A" * (unpacked_bytes - len(data) - 64)
                data = head + cell + padding + b"</t></is></c></row></sheetData>" + tail
            bomb.writestr(item.filename, data)
    return out.getvalue()


def test_a_spreadsheet_bomb_is_refused_before_it_is_unpacked(takamatsu):
    content = _bomb(MAX_XLSX_UNPACKED_BYTES + 1024 * 1024)
    assert len(content) < 200 * 1024
    tracemalloc.start()
    try:
        with translation.override("ja"):
            result = import_challenges(content=content, filename="bomb.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not result.ok
    assert "展開" in str(result.errors[0])  # said in the user's language
    assert peak < MAX_XLSX_UNPACKED_BYTES / 4  # never unpacked
    assert ChallengePage.objects.count() == 0


def test_a_spreadsheet_bomb_is_a_form_error_in_the_admin_and_a_command_error(client, tmp_path, takamatsu):
    content = _bomb(MAX_XLSX_UNPACKED_BYTES + 1024 * 1024)
    client.force_login(cf.staff(cf.ministry()))
    response = client.post(reverse("challenges_import"), {"file": SimpleUploadedFile("bomb.xlsx", content)})
    assert response.status_code == 400
    assert "展開すると32MBを超える" in response.content.decode()  # the admin speaks the user's language (ja)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_challenges", str(path), stdout=io.StringIO(), stderr=err)
    assert "32MB" in err.getvalue() or "32 MB" in err.getvalue()
    assert ChallengePage.objects.count() == 0


def test_too_many_columns_or_rows_are_refused_and_a_normal_xlsx_still_imports(takamatsu):
    wide = _xlsx([GOOD[0] + ["x"] * (MAX_COLUMNS + 1)])
    result = import_challenges(content=wide, filename="wide.xlsx")
    assert not result.ok and str(MAX_COLUMNS) in str(result.errors[0])
    tall = _csv([GOOD[0]] * (MAX_ROWS + 1))
    result = import_challenges(content=tall, filename="tall.csv")
    assert not result.ok and str(MAX_ROWS) in str(result.errors[0])
    assert ChallengePage.objects.count() == 0
    result = import_challenges(content=_xlsx(GOOD), filename="good.xlsx")
    assert result.ok, result.errors
    assert ChallengePage.objects.count() == 2
