"""The committed CSV data, read without the ORM (what the matching engine sees)."""

import subprocess
import sys
from collections import Counter
from datetime import date

import pytest

from portal.geo import geodata
from portal.geo.codes import is_valid_lg_code
from portal.geo.data import build


@pytest.fixture(scope="module")
def lgs():
    return geodata.local_governments_by_code()


def test_47_prefectures_in_jis_order_with_names_and_coordinates():
    prefs = geodata.read_prefectures()
    assert [p.code for p in prefs] == [f"{i:02d}" for i in range(1, 48)]
    by_code = {p.code: p for p in prefs}
    assert (by_code["01"].name_ja, by_code["01"].name_kana, by_code["01"].name_en) == (
        "北海道",
        "ほっかいどう",
        "Hokkaido",
    )
    assert (by_code["13"].name_ja, by_code["13"].name_en) == ("東京都", "Tokyo")
    assert (by_code["37"].name_ja, by_code["37"].name_kana, by_code["37"].name_en) == (
        "香川県",
        "かがわけん",
        "Kagawa",
    )
    assert (by_code["47"].name_ja, by_code["47"].name_en) == ("沖縄県", "Okinawa")
    assert all(p.name_en and p.name_kana for p in prefs)
    # the prefectural office: Kagawa's in Takamatsu (34.34 N, 134.04 E), Hokkaido's in Sapporo
    assert by_code["37"].latitude == pytest.approx(34.34, abs=0.02)
    assert by_code["37"].longitude == pytest.approx(134.04, abs=0.02)
    assert by_code["01"].latitude == pytest.approx(43.06, abs=0.02)
    assert by_code["37"].lg_code == "370002"


def test_every_prefecture_has_its_own_code_row(lgs):
    for pref in geodata.read_prefectures():
        row = lgs[pref.lg_code]
        assert row.kind == "prefecture" and row.name_ja == pref.name_ja
        assert (row.latitude, row.longitude) == (pref.latitude, pref.longitude)
    assert lgs["010006"].name_ja == "北海道"


def test_count_of_current_local_governments_is_the_national_total(lgs):
    current = [r for r in lgs.values() if r.is_current]
    assert 1_900 <= len(current) <= 2_000
    kinds = Counter(r.kind for r in current)
    assert kinds["prefecture"] == 47
    assert kinds["designated_city"] == 20
    assert kinds["city"] + kinds["designated_city"] == 792
    assert kinds["town"] == 743
    assert kinds["village"] == 189  # 183 + the 6 Northern Territories villages in MIC's table
    assert kinds["special_ward"] == 23
    assert kinds["ward"] == 171  # wards of designated cities since Hamamatsu's 2024 reorganisation


def test_every_code_is_valid_and_belongs_to_its_prefecture(lgs):
    bad = [code for code in lgs if not is_valid_lg_code(code)]
    assert bad == []
    assert all(rec.code[:2] == rec.prefecture_code for rec in lgs.values())


def test_every_row_has_a_reading_an_english_name_and_a_coordinate_in_japan(lgs):
    for rec in lgs.values():
        assert rec.name_kana and rec.name_en, rec
        assert 24 <= rec.latitude <= 46 and 122 <= rec.longitude <= 149, rec


@pytest.mark.parametrize(
    "code, name_ja, name_kana, kind, name_en",
    [
        ("011002", "札幌市", "さっぽろし", "designated_city", "Sapporo City"),
        ("372013", "高松市", "たかまつし", "city", "Takamatsu City"),
        ("014877", "天塩町", "てしおちょう", "town", "Teshio Town"),
        ("262129", "京丹後市", "きょうたんごし", "city", "Kyotango City"),
        ("431001", "熊本市", "くまもとし", "designated_city", "Kumamoto City"),
        ("011011", "札幌市中央区", "さっぽろしちゅうおうく", "ward", "Chuo Ward, Sapporo"),
        ("131041", "新宿区", "しんじゅくく", "special_ward", "Shinjuku City"),
        ("282103", "加古川市", "かこがわし", "city", "Kakogawa City"),
        ("072028", "会津若松市", "あいづわかまつし", "city", "Aizuwakamatsu City"),
        ("111007", "さいたま市", "さいたまし", "designated_city", "Saitama City"),
    ],
)
def test_known_entries(lgs, code, name_ja, name_kana, kind, name_en):
    rec = lgs[code]
    assert (rec.name_ja, rec.name_kana, rec.kind, rec.name_en) == (name_ja, name_kana, kind, name_en)
    assert rec.is_current


def test_known_office_coordinates(lgs):
    # Takamatsu city hall 34.343 N 134.047 E; Teshio town office 44.888 N 141.745 E
    assert (lgs["372013"].latitude, lgs["372013"].longitude) == pytest.approx((34.343, 134.047), abs=0.01)
    assert (lgs["014877"].latitude, lgs["014877"].longitude) == pytest.approx((44.888, 141.745), abs=0.01)
    assert not lgs["372013"].coordinate_approximate


def test_designated_city_wards_point_at_their_city(lgs):
    sapporo_wards = sorted(r.code for r in lgs.values() if r.parent_code == "011002")
    assert len(sapporo_wards) == 10 and "011011" in sapporo_wards
    assert all(lgs[r.parent_code].kind == "designated_city" for r in lgs.values() if r.kind == "ward")


def test_hamamatsu_reorganisation_keeps_the_old_wards_as_expired(lgs):
    assert lgs["221317"].name_ja == "浜松市中区" and lgs["221317"].valid_until == date(2023, 12, 31)
    new = {code: lgs[code] for code in ("221384", "221392", "221406")}
    assert [r.name_ja for r in new.values()] == ["浜松市中央区", "浜松市浜名区", "浜松市天竜区"]
    assert all(
        r.valid_from == date(2024, 1, 1) and r.is_current and r.coordinate_approximate for r in new.values()
    )


def test_northern_territories_villages_are_marked_approximate(lgs):
    shikotan = lgs["016951"]
    assert shikotan.name_ja == "色丹村" and shikotan.coordinate_approximate
    assert sum(r.coordinate_approximate for r in lgs.values()) == 6 + 3


def test_coordinates_by_code_for_the_engine():
    table = geodata.coordinates_by_code()
    lat, lon, pref = table["372013"]
    assert pref == "37" and lat == pytest.approx(34.34, abs=0.01) and lon == pytest.approx(134.05, abs=0.01)
    assert table["37"][2] == "37"  # a prefecture alone can be placed too
    assert table["010006"][2] == "01"


@pytest.mark.parametrize("code", ["372013", "３７２０１３", "37201-3", "37", "３７"])
def test_find_record_accepts_typed_codes(code):
    assert geodata.find_record(code) is not None


@pytest.mark.parametrize("code", ["372010", "999999", "48", "", "abc"])
def test_find_record_refuses_unknown_or_wrong_codes(code):
    assert geodata.find_record(code) is None


def test_pure_modules_import_no_django():
    code = (
        "import sys; import portal.geo.travel, portal.geo.geodata, portal.geo.codes;"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "kana, roman",
    [
        ("きょうたんご", "Kyotango"),
        ("さっぽろ", "Sapporo"),
        ("てしお", "Teshio"),
        ("おおさか", "Osaka"),
        ("しんおんせん", "Shin'onsen"),
        ("ハッチョウ", "Hatcho"),
        ("ちゃたん", "Chatan"),
    ],
)
def test_build_romanises_readings(kana, roman):
    assert build.romanise(kana) == roman


def test_build_refuses_a_wrong_check_digit():
    prefs = [{"code": f"{i:02d}"} for i in range(1, 48)]
    row = {
        "code": "372010",
        "prefecture_code": "37",
        "latitude": 34.3,
        "longitude": 134.0,
        "name_kana": "たかまつし",
        "name_en": "Takamatsu City",
        "valid_until": "",
    }
    with pytest.raises(AssertionError, match="check digit"):
        build.check(prefs, [row])
