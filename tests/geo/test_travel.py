"""The travel-cost estimate (pure module): bands, breakdown, proportionality, monotonicity."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.geo import travel
from portal.geo.travel import AIR, EXPRESS, LOCAL, Place, estimate, estimate_between_codes, haversine_km

# A point moved north along a meridian from the origin: 1° of latitude ≈ 111.2 km.
KM_PER_DEGREE = math.pi * travel.EARTH_RADIUS_KM / 180


def place_at(km: float, pref: str = "13", *, high: bool = False) -> Place:
    return Place(30.0 + km / KM_PER_DEGREE, 135.0, pref, high)


ORIGIN = Place(30.0, 135.0, "13")


def test_haversine_known_distances():
    assert haversine_km(35.0, 135.0, 35.0, 135.0) == 0
    assert haversine_km(30.0, 135.0, 31.0, 135.0) == pytest.approx(111.2, abs=0.1)
    # Sapporo city hall → Takamatsu city hall
    assert 1_000 <= estimate_between_codes("011002", "372013").distance_km <= 1_300


@pytest.mark.parametrize(
    "origin, destination",
    [("372013", "014877"), ("13", "262129"), ("131041", "271004"), ("011002", "011029"), ("47", "01")],
)
def test_breakdown_sums_to_total_in_integer_yen(origin, destination):
    est = estimate_between_codes(origin, destination, travellers=2)
    for part in (est.fares, est.lodging, est.daily_allowance, est.total, est.fare_one_way):
        assert isinstance(part, int) and part >= 0
    assert est.total == est.fares + est.lodging + est.daily_allowance
    assert est.fares == 2 * est.fare_one_way * 2
    assert est.fare_one_way % 10 == 0


@given(a=st.floats(min_value=0, max_value=3_000), b=st.floats(min_value=0, max_value=3_000))
def test_total_is_monotone_in_distance(a, b):
    near, far = sorted((a, b))
    for pref in ("13", "01", "47"):  # mainland, crossing to Hokkaido, crossing to Okinawa
        assert estimate(ORIGIN, place_at(near, pref)).total <= estimate(ORIGIN, place_at(far, pref)).total


@given(a=st.floats(min_value=0, max_value=3_000), b=st.floats(min_value=0, max_value=3_000))
def test_total_is_monotone_in_distance_for_each_forced_mode(a, b):
    near, far = sorted((a, b))
    for mode in travel.MODES:
        assert (
            estimate(ORIGIN, place_at(near), mode=mode).total
            <= estimate(ORIGIN, place_at(far), mode=mode).total
        )


@given(km=st.floats(min_value=0, max_value=3_000), travellers=st.integers(min_value=1, max_value=12))
def test_cost_is_proportional_to_travellers(km, travellers):
    one = estimate(ORIGIN, place_at(km))
    many = estimate(ORIGIN, place_at(km), travellers=travellers)
    assert many.total == travellers * one.total
    assert (many.fares, many.lodging, many.daily_allowance) == (
        travellers * one.fares,
        travellers * one.lodging,
        travellers * one.daily_allowance,
    )


@pytest.mark.parametrize(
    "km, mode",
    [(10, LOCAL), (49.9, LOCAL), (50.1, EXPRESS), (400, EXPRESS), (799, EXPRESS), (801, AIR), (2_000, AIR)],
)
def test_mode_by_distance_band(km, mode):
    assert estimate(ORIGIN, place_at(km)).mode == mode


def test_air_above_800_km_with_the_fare_table():
    est = estimate(ORIGIN, place_at(900))
    assert est.mode == AIR
    assert est.fare_one_way == 30_000 + 2 * 2_000


def test_crossing_to_hokkaido_or_okinawa():
    # Aomori → Hakodate: under 300 km, by rail through the Seikan tunnel
    assert estimate_between_codes("022012", "012025").mode == EXPRESS
    # Tokyo → Sapporo (830 km) and Kyoto → Teshio by air
    assert estimate_between_codes("13", "011002").mode == AIR
    assert estimate_between_codes("262129", "014877").mode == AIR
    # Kagoshima → Naha: no rail, by air though under 800 km
    assert estimate_between_codes("462012", "472018").mode == AIR
    # Naha → Ishigaki: a remote island, by air; Naha → Nago on the main island, by road
    assert estimate_between_codes("472018", "472077").mode == AIR
    assert estimate_between_codes("472018", "472093").mode == EXPRESS


def test_nights_and_days_follow_distance_unless_given():
    assert estimate(ORIGIN, place_at(150)).nights == 0
    assert estimate(ORIGIN, place_at(500)).nights == 1
    assert estimate(ORIGIN, place_at(1_500)).nights == 2
    est = estimate(ORIGIN, place_at(500), nights=3)
    assert (est.nights, est.days) == (3, 4)
    assert est.lodging == 3 * 11_800
    assert est.daily_allowance == 4 * 2_200


def test_lodging_rate_is_higher_in_koh_areas():
    assert estimate(ORIGIN, place_at(500, high=True)).lodging == 13_100
    assert estimate(ORIGIN, place_at(500)).lodging == 11_800
    # Osaka City (甲地方) vs Kyotango (乙地方), one night each from Tokyo
    assert estimate_between_codes("13", "271004").lodging == 13_100
    assert estimate_between_codes("13", "262129").lodging == 11_800
    # a ward of a designated city in the list counts too (大阪市北区)
    assert estimate_between_codes("13", "271276").lodging == 13_100


def test_short_trip_halves_the_daily_allowance():
    est = estimate_between_codes("011002", "011029")  # within Sapporo
    assert est.mode == LOCAL and est.nights == 0
    assert est.daily_allowance == 1_100
    assert est.fare_one_way == 200  # the minimum fare


def test_forced_mode_and_bad_arguments():
    assert estimate(ORIGIN, place_at(300), mode=AIR).mode == AIR
    with pytest.raises(ValueError):
        estimate(ORIGIN, place_at(300), mode="ship")
    with pytest.raises(ValueError):
        estimate(ORIGIN, place_at(300), travellers=0)
    with pytest.raises(ValueError):
        estimate(ORIGIN, place_at(300), nights=-1)
    with pytest.raises(KeyError):
        estimate_between_codes("372010", "014877")


def test_assumptions_state_the_figures():
    est = estimate_between_codes("372013", "014877")
    text = " ".join(travel.describe(est))
    assert "× 1.3" in text and "Economy air fare ¥38000" in text and "¥2200 per day for 3 day(s)" in text
    assert est.as_dict()["total"] == est.total


def test_other_rates_can_be_supplied():
    cheap = travel.TravelRates(express_yen_per_km=10, daily_allowance_yen=0, lodging_yen_standard=0)
    est = estimate(ORIGIN, place_at(100), rates=cheap)
    assert est.total == est.fares == 2 * math.ceil(100 * 1.3 * 10 / 10) * 10
