"""Distances and the travel-cost estimate in yen — pure Python, no Django.

The matching engine scores distance / travel cost with it, the tracker pre-fills travel-support requests with it.
Every figure is a field of `TravelRates`; docs/travel-cost.md explains each one and where it comes from.

    >>> est = estimate_between_codes("372013", "014877")   # Takamatsu → Teshio
    >>> est.mode, est.total == est.fares + est.lodging + est.daily_allowance
    ('air', True)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from .geodata import LocalGovernmentRecord, PrefectureRecord, find_record

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)

LOCAL = "local"  # local train, bus or car
EXPRESS = "express"  # shinkansen, limited express or express bus
AIR = "air"
MODES = (LOCAL, EXPRESS, AIR)

HOKKAIDO = "01"
OKINAWA = "47"


@dataclass(frozen=True)
class TravelRates:
    """The figures behind an estimate (yen, km). Defaults: see docs/travel-cost.md."""

    route_factor: float = 1.3  # route length ÷ straight-line distance (roads and rails are not straight)
    local_limit_km: float = 50.0  # below this straight-line distance: local transport
    air_limit_km: float = 800.0  # above this: fly
    hokkaido_air_km: float = 300.0  # crossing to/from Hokkaido: fly above this (rail via Hakodate below)
    # within Okinawa: fly above this (remote islands); to or from Okinawa: always fly
    okinawa_air_km: float = 150.0
    local_yen_per_km: int = 20
    local_minimum_yen: int = 200
    express_yen_per_km: int = 25
    # one-way economy fare by straight-line distance: (up to km, yen)
    air_fares: tuple[tuple[float, int], ...] = (
        (600.0, 22_000),
        (1_000.0, 30_000),
        (1_500.0, 38_000),
        (2_000.0, 45_000),
        (math.inf, 52_000),
    )
    airport_access_yen: int = 2_000  # to or from the airport, at each end of a one-way flight
    # default nights by straight-line distance: (up to km, nights)
    nights_by_distance: tuple[tuple[float, int], ...] = ((200.0, 0), (1_200.0, 1), (math.inf, 2))
    daily_allowance_yen: int = 2_200  # 日当 per day
    short_trip_km: float = 50.0  # route shorter than this: half the daily allowance
    lodging_yen_high: int = 13_100  # 宿泊料 per night, 甲地方
    lodging_yen_standard: int = 11_800  # 宿泊料 per night, 乙地方 (elsewhere)


DEFAULT_RATES = TravelRates()


@dataclass(frozen=True)
class Place:
    """Where a trip starts or ends: a coordinate, its prefecture and whether it is a 甲地方 (high-cost) area."""

    latitude: float
    longitude: float
    prefecture_code: str
    high_cost_area: bool = False


@dataclass(frozen=True)
class TravelEstimate:
    """A round trip for `travellers` people. Money in integer yen; `total` = fares + lodging + daily_allowance."""

    mode: str
    distance_km: float  # straight line, one way
    route_km: float  # distance_km × route factor, one way
    travellers: int
    nights: int
    days: int
    fare_one_way: int  # per traveller
    fares: int  # round trip, all travellers
    lodging: int
    daily_allowance: int
    total: int
    assumptions: tuple[tuple[str, dict], ...] = field(default=())  # (key, figures), rendered by describe()

    def as_dict(self) -> dict:
        return asdict(self)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two (latitude, longitude) points in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def place_for(record: LocalGovernmentRecord | PrefectureRecord) -> Place:
    """A Place for a record from geodata (a prefecture is placed at its prefectural office)."""
    if isinstance(record, PrefectureRecord):
        return Place(record.latitude, record.longitude, record.code, False)
    return Place(record.latitude, record.longitude, record.prefecture_code, record.high_cost_area)


def choose_mode(
    distance_km: float, origin_pref: str, destination_pref: str, rates: TravelRates = DEFAULT_RATES
) -> str:
    """The usual way to travel that far between those prefectures (see the bands in docs/travel-cost.md)."""
    prefs = {origin_pref, destination_pref}
    if distance_km < rates.local_limit_km:
        return LOCAL
    if distance_km > rates.air_limit_km:
        return AIR
    if OKINAWA in prefs and (len(prefs) == 2 or distance_km > rates.okinawa_air_km):
        return AIR  # no rail or road to Okinawa; its remote islands are reached by air
    if HOKKAIDO in prefs and len(prefs) == 2 and distance_km > rates.hokkaido_air_km:
        return AIR
    return EXPRESS


def air_fare(distance_km: float, rates: TravelRates = DEFAULT_RATES) -> int:
    """One-way economy fare from the distance table, without airport access."""
    return next(yen for limit, yen in rates.air_fares if distance_km <= limit)


def one_way_fare(mode: str, distance_km: float, rates: TravelRates = DEFAULT_RATES) -> int:
    """One traveller's one-way fare in yen, rounded up to ¥10."""
    route_km = distance_km * rates.route_factor
    if mode == LOCAL:
        yen = max(rates.local_minimum_yen, route_km * rates.local_yen_per_km)
    elif mode == EXPRESS:
        yen = route_km * rates.express_yen_per_km
    elif mode == AIR:
        yen = air_fare(distance_km, rates) + 2 * rates.airport_access_yen
    else:
        raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
    return int(math.ceil(round(yen, 6) / 10) * 10)


def default_nights(distance_km: float, rates: TravelRates = DEFAULT_RATES) -> int:
    """Nights away for a visit of one working day at that distance."""
    return next(nights for limit, nights in rates.nights_by_distance if distance_km < limit)


def estimate(
    origin: Place,
    destination: Place,
    *,
    travellers: int = 1,
    nights: int | None = None,
    mode: str | None = None,
    rates: TravelRates = DEFAULT_RATES,
) -> TravelEstimate:
    """Estimate a round trip from `origin` to `destination` in yen, with its breakdown and assumptions.

    fares = 2 × one-way fare × travellers; lodging = nights × rate (甲地方 or elsewhere) × travellers;
    daily allowance = (nights + 1) days × ¥/day × travellers, halved when the route is shorter than 50 km.
    `mode` forces a transport mode, `nights` the nights away; otherwise both follow the distance bands.
    """
    if travellers < 1:
        raise ValueError("travellers must be at least 1")
    if nights is not None and nights < 0:
        raise ValueError("nights cannot be negative")
    if mode is not None and mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
    distance = haversine_km(origin.latitude, origin.longitude, destination.latitude, destination.longitude)
    chosen = mode or choose_mode(distance, origin.prefecture_code, destination.prefecture_code, rates)
    route_km = distance * rates.route_factor
    fare = one_way_fare(chosen, distance, rates)
    nights_away = default_nights(distance, rates) if nights is None else nights
    days = nights_away + 1
    lodging_rate = rates.lodging_yen_high if destination.high_cost_area else rates.lodging_yen_standard
    per_day = rates.daily_allowance_yen
    short = route_km < rates.short_trip_km
    if short:
        per_day = per_day // 2
    fares = 2 * fare * travellers
    lodging = nights_away * lodging_rate * travellers
    allowance = days * per_day * travellers
    assumptions: list[tuple[str, dict]] = [
        (
            "route",
            {"distance_km": round(distance, 1), "factor": rates.route_factor, "route_km": round(route_km, 1)},
        ),
        ("mode_forced" if mode else "mode_band", {"mode": chosen}),
    ]
    if chosen == LOCAL:
        assumptions.append(
            ("fare_local", {"yen_per_km": rates.local_yen_per_km, "minimum": rates.local_minimum_yen})
        )
    elif chosen == EXPRESS:
        assumptions.append(("fare_express", {"yen_per_km": rates.express_yen_per_km}))
    else:
        assumptions.append(
            ("fare_air", {"fare": air_fare(distance, rates), "access": rates.airport_access_yen})
        )
    assumptions.append(("nights_given" if nights is not None else "nights_band", {"nights": nights_away}))
    if nights_away:
        assumptions.append(
            ("lodging_high" if destination.high_cost_area else "lodging_standard", {"yen": lodging_rate})
        )
    assumptions.append(("allowance_short" if short else "allowance", {"yen": per_day, "days": days}))
    return TravelEstimate(
        mode=chosen,
        distance_km=round(distance, 1),
        route_km=round(route_km, 1),
        travellers=travellers,
        nights=nights_away,
        days=days,
        fare_one_way=fare,
        fares=fares,
        lodging=lodging,
        daily_allowance=allowance,
        total=fares + lodging + allowance,
        assumptions=tuple(assumptions),
    )


def estimate_between_codes(origin_code: str, destination_code: str, **options) -> TravelEstimate:
    """`estimate()` between two codes: prefecture ('13') or local government ('372013'), full-width accepted."""
    places = []
    for code in (origin_code, destination_code):
        record = find_record(code)
        if record is None:
            raise KeyError(f"unknown prefecture or local-government code {code!r}")
        places.append(place_for(record))
    return estimate(places[0], places[1], **options)


ASSUMPTION_TEXTS = {
    "route": "Straight-line distance {distance_km} km × {factor} for the route = {route_km} km one way.",
    "mode_band": "Transport mode by distance band: {mode}.",
    "mode_forced": "Transport mode chosen: {mode}.",
    "fare_local": "Local train, bus or car: ¥{yen_per_km}/km of route, at least ¥{minimum} one way.",
    "fare_express": "Shinkansen or limited express: ¥{yen_per_km}/km of route, fare and surcharge together.",
    "fare_air": "Economy air fare ¥{fare} one way plus ¥{access} to and from the airport at each end.",
    "nights_band": "{nights} night(s) away, from the distance.",
    "nights_given": "{nights} night(s) away, as given.",
    "lodging_high": "Lodging ¥{yen} per night (甲地方: Tokyo's wards and large designated cities).",
    "lodging_standard": "Lodging ¥{yen} per night.",
    "allowance": "Daily allowance ¥{yen} per day for {days} day(s).",
    "allowance_short": "Daily allowance halved to ¥{yen} per day for {days} day(s): route under 50 km.",
}


def describe(est: TravelEstimate, texts: dict[str, str] | None = None) -> list[str]:
    """The assumptions as sentences (English by default; pass translated templates for another language)."""
    texts = texts or ASSUMPTION_TEXTS
    return [texts[key].format(**params) for key, params in est.assumptions]
