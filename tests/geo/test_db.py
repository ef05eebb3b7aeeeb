"""The geo tables as every database has them (data migration), the load_geo command and the selectors."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from portal.core.models import AuditEvent
from portal.geo import selectors, travel
from portal.geo.models import LocalGovernment, Prefecture

pytestmark = pytest.mark.django_db


def test_the_data_migration_loaded_every_row():
    assert Prefecture.objects.count() == 47
    assert LocalGovernment.objects.count() == 1_972
    assert 1_900 <= LocalGovernment.objects.current().count() <= 2_000
    sapporo_chuo = LocalGovernment.objects.select_related("parent", "prefecture").get(code="011011")
    assert sapporo_chuo.name_ja == "札幌市中央区"
    assert sapporo_chuo.parent.name_ja == "札幌市"
    assert sapporo_chuo.prefecture.name_ja == "北海道"
    assert LocalGovernment.objects.get(code="010006").kind == LocalGovernment.Kind.PREFECTURE


def test_current_follows_validity_dates():
    old_ward = LocalGovernment.objects.filter(code="221317")
    assert old_ward.current(dt.date(2023, 12, 31)).exists()
    assert not old_ward.current(dt.date(2024, 1, 1)).exists()
    assert not LocalGovernment.objects.filter(code="221384").current(dt.date(2023, 12, 31)).exists()


def test_str_in_each_language():
    lg = LocalGovernment.objects.select_related("prefecture").get(code="372013")
    with translation.override("ja"):
        assert str(lg) == "香川県高松市"
    with translation.override("en"):
        assert str(lg) == "Takamatsu City"
        assert str(lg.prefecture) == "Kagawa"


def test_load_geo_is_idempotent_and_draws_progress_on_stderr():
    out, err = io.StringIO(), io.StringIO()
    call_command("load_geo", stdout=out, stderr=err)
    assert "0 created, 0 updated, 2019 unchanged" in out.getvalue()
    assert "2019/2019" in err.getvalue() and "[" in err.getvalue()
    assert AuditEvent.objects.filter(action="geo.refresh").count() == 1


def test_load_geo_restores_changed_and_missing_rows():
    LocalGovernment.objects.filter(code="372013").update(name_en="wrong", latitude=0.0)
    Prefecture.objects.filter(code="37").update(name_en="wrong")
    LocalGovernment.objects.filter(code="014877").delete()
    out = io.StringIO()
    call_command("load_geo", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "1 created, 2 updated" in out.getvalue()
    takamatsu = LocalGovernment.objects.get(code="372013")
    assert takamatsu.name_en == "Takamatsu City" and takamatsu.latitude == pytest.approx(34.343, abs=0.01)
    assert Prefecture.objects.get(code="37").name_en == "Kagawa"
    assert LocalGovernment.objects.get(code="014877").name_ja == "天塩町"


@pytest.mark.parametrize("typed", ["372013", "３７２０１３", "37201-3", " ３７２０１−３ "])
def test_lookup_by_code_accepts_what_people_type(typed):
    lg = selectors.local_government_by_code(typed)
    assert lg is not None and lg.name_ja == "高松市"


@pytest.mark.parametrize("typed", ["372010", "37201", "abcdef", "", "999999"])
def test_lookup_by_code_returns_none_for_bad_codes(typed):
    assert selectors.local_government_by_code(typed) is None


def test_prefecture_by_code():
    assert selectors.prefecture_by_code("３７").name_ja == "香川県"
    assert selectors.prefecture_by_code("7").name_ja == "福島県"
    assert selectors.prefecture_by_code("48") is None
    assert selectors.prefecture_by_code("x") is None


@pytest.mark.parametrize(
    "query", ["高松", "たかまつ", "タカマツ", "ﾀｶﾏﾂ", "taka", "Taka", "香川県高松", "3720"]
)
def test_search_by_name_prefix_finds_takamatsu(query):
    names = [lg.name_ja for lg in selectors.search_local_governments(query)]
    assert "高松市" in names


def test_search_ranks_cities_before_wards_and_towns():
    results = selectors.search_local_governments("札幌")
    assert results[0].name_ja == "札幌市"
    assert {"札幌市中央区", "札幌市清田区"} <= {lg.name_ja for lg in results}


def test_search_finds_a_ward_by_city_and_ward_name():
    assert [lg.code for lg in selectors.search_local_governments("札幌市中央")] == ["011011"]


def test_search_respects_limit_prefecture_and_validity():
    assert len(selectors.search_local_governments("中", limit=5)) == 5
    assert all(lg.prefecture_id == "01" for lg in selectors.search_local_governments("中", prefecture="01"))
    assert "221317" not in [lg.code for lg in selectors.search_local_governments("浜松市中")]
    assert "221317" in [
        lg.code for lg in selectors.search_local_governments("浜松市中", include_expired=True)
    ]
    assert selectors.search_local_governments("  ") == []
    assert selectors.search_local_governments("存在しない町") == []


def test_search_uses_one_query_whatever_the_limit(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(selectors.search_local_governments("北", limit=10)) == 10
    with django_assert_num_queries(1):
        assert len(selectors.search_local_governments("北", limit=100)) > 10


def test_distance_between_models_and_coordinates():
    sapporo = LocalGovernment.objects.get(code="011002")
    takamatsu = LocalGovernment.objects.get(code="372013")
    assert 1_000 <= selectors.distance_km(sapporo, takamatsu) <= 1_300
    assert selectors.distance_km(sapporo, takamatsu) == pytest.approx(
        selectors.distance_km(takamatsu, sapporo)
    )
    kagawa = Prefecture.objects.get(code="37")
    assert selectors.distance_km(kagawa, takamatsu) < 5
    assert selectors.distance_km((43.06, 141.35), sapporo) < 1


def test_estimate_travel_cost_from_a_prefecture_or_a_municipality():
    tokyo = Prefecture.objects.get(code="13")
    takamatsu = LocalGovernment.objects.get(code="372013")
    teshio = LocalGovernment.objects.get(code="014877")
    by_rail = selectors.estimate_travel_cost(tokyo, takamatsu)
    assert (
        by_rail.mode == travel.EXPRESS
        and by_rail.total == by_rail.fares + by_rail.lodging + by_rail.daily_allowance
    )
    by_air = selectors.estimate_travel_cost(takamatsu, teshio, travellers=2)
    assert by_air.mode == travel.AIR
    assert by_air.total == 2 * selectors.estimate_travel_cost(takamatsu, teshio).total
    # the pure module gives the same answer from the CSV
    assert by_air == travel.estimate_between_codes("372013", "014877", travellers=2)


def test_estimate_uses_the_high_lodging_rate_in_tokyo_wards():
    kagawa = Prefecture.objects.get(code="37")
    shinjuku = LocalGovernment.objects.get(code="131041")
    assert selectors.estimate_travel_cost(kagawa, shinjuku).lodging == 13_100


def test_assumptions_in_the_users_language():
    est = selectors.estimate_travel_cost(
        LocalGovernment.objects.get(code="372013"), LocalGovernment.objects.get(code="014877")
    )
    with translation.override("en"):
        sentences = selectors.describe_travel_estimate(est)
    assert any("air" in s for s in sentences)
    assert any("¥2200 per day" in s for s in sentences)


def test_assumptions_and_labels_in_japanese():
    est = selectors.estimate_travel_cost(
        LocalGovernment.objects.get(code="372013"), LocalGovernment.objects.get(code="014877")
    )
    with translation.override("ja"):
        sentences = selectors.describe_travel_estimate(est)
        assert "距離帯による交通手段：航空機。" in sentences
        assert "日当 1 日 2200 円 × 3 日。" in sentences
        assert str(LocalGovernment._meta.verbose_name) == "地方公共団体"
