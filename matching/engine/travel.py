"""Travel costs for the engine, through a small interface so tests can plug in a stand-in.

The default model is the portal's pure geo module: coordinates from portal/geo/data/*.csv (`portal.geo.geodata`) and
the documented round-trip estimate in yen (`portal.geo.travel.estimate`, see docs/travel-cost.md). A startup is placed
at its prefecture's office, a challenge at its municipality. Estimates are memoised per (prefecture, municipality).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol

import numpy as np

from portal.geo import geodata
from portal.geo import travel as geo_travel

# Travel factor = 1 / (1 + cost / REFERENCE_YEN): a local trip (~¥1,500) ≈ 0.97, a shinkansen trip with one night
# (~¥50,000) = 0.5, a flight to a remote town (~¥100,000) ≈ 0.33. Cheaper is better, but never decisive alone.
REFERENCE_YEN = 50_000


class TravelModel(Protocol):
    """Where places are and what a round trip between them costs (yen, one traveller)."""

    def prefecture_place(self, code: str) -> Hashable | None: ...

    def municipality_place(self, code: str) -> Hashable | None: ...

    def cost_yen(self, origin: Hashable, destination: Hashable) -> int: ...


class GeoTravelModel:
    """The real model: portal.geo's data and estimate."""

    def __init__(self) -> None:
        self._prefectures = {p.code: geo_travel.place_for(p) for p in geodata.read_prefectures()}
        self._municipalities = geodata.local_governments_by_code()
        self._places: dict[str, geo_travel.Place] = {}
        self._costs: dict[tuple, int] = {}

    def prefecture_place(self, code: str):
        return self._prefectures.get(code)

    def municipality_place(self, code: str):
        place = self._places.get(code)
        if place is None:
            record = self._municipalities.get(code)
            if record is None:
                return None
            place = self._places[code] = geo_travel.place_for(record)
        return place

    def cost_yen(self, origin, destination) -> int:
        key = (origin, destination)
        cost = self._costs.get(key)
        if cost is None:
            cost = self._costs[key] = int(geo_travel.estimate(origin, destination).total)
        return cost


_DEFAULT: GeoTravelModel | None = None


def default_travel_model() -> GeoTravelModel:
    """A shared GeoTravelModel (its memo survives between runs in one process, e.g. for re-scoring)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = GeoTravelModel()
    return _DEFAULT


def travel_value(cost_yen: np.ndarray) -> np.ndarray:
    """The travel factor in [0, 1] (1 = free): 1 / (1 + cost / REFERENCE_YEN)."""
    return (1.0 / (1.0 + np.asarray(cost_yen, dtype=np.float32) / np.float32(REFERENCE_YEN))).astype(
        np.float32
    )
