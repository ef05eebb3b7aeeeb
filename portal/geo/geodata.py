"""The committed geo data read straight from CSV, without the ORM.

Pure Python (no Django import): the matching engine (`python -m matching`) and the data migration use it.
The CSV files under data/ are built by `python -m portal.geo.data.build` (see data/README.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from .codes import is_valid_lg_code, lg_check_digit, normalise_digits

DATA_DIR = Path(__file__).resolve().parent / "data"
PREFECTURES_CSV = DATA_DIR / "prefectures.csv"
LOCAL_GOVERNMENTS_CSV = DATA_DIR / "local_governments.csv"

# 甲地方 — the areas with the higher lodging rate, modelled on the national civil-servant travel rules:
# Tokyo's special wards and these designated cities (with their wards). See docs/travel-cost.md.
HIGH_COST_CITY_CODES = frozenset(
    {
        "111007",  # さいたま市
        "121002",  # 千葉市
        "141003",  # 横浜市
        "141305",  # 川崎市
        "141500",  # 相模原市
        "231002",  # 名古屋市
        "261009",  # 京都市
        "271004",  # 大阪市
        "271403",  # 堺市
        "281000",  # 神戸市
        "341002",  # 広島市
        "401307",  # 福岡市
    }
)


@dataclass(frozen=True, slots=True)
class PrefectureRecord:
    code: str
    name_ja: str
    name_kana: str
    name_en: str
    latitude: float
    longitude: float
    office_lg_code: str

    @property
    def lg_code(self) -> str:
        """The prefecture's own local-government code ('37' → '370002')."""
        return f"{self.code}000{lg_check_digit(self.code + '000')}"


@dataclass(frozen=True, slots=True)
class LocalGovernmentRecord:
    code: str
    prefecture_code: str
    kind: str
    name_ja: str
    name_kana: str
    name_en: str
    latitude: float
    longitude: float
    coordinate_approximate: bool
    parent_code: str
    valid_from: date | None
    valid_until: date | None

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    @property
    def high_cost_area(self) -> bool:
        """True in 甲地方 (Tokyo special wards and the listed designated cities and their wards)."""
        return (
            self.kind == "special_ward"
            or self.code in HIGH_COST_CITY_CODES
            or self.parent_code in HIGH_COST_CITY_CODES
        )


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@cache
def read_prefectures() -> tuple[PrefectureRecord, ...]:
    """All 47 prefectures in JIS X 0401 order."""
    with PREFECTURES_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(
            PrefectureRecord(
                code=row["code"],
                name_ja=row["name_ja"],
                name_kana=row["name_kana"],
                name_en=row["name_en"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                office_lg_code=row["office_lg_code"],
            )
            for row in csv.DictReader(fh)
        )


@cache
def read_local_governments() -> tuple[LocalGovernmentRecord, ...]:
    """Every local-government code in the data, current and expired (valid_until set), in code order."""
    with LOCAL_GOVERNMENTS_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(
            LocalGovernmentRecord(
                code=row["code"],
                prefecture_code=row["prefecture_code"],
                kind=row["kind"],
                name_ja=row["name_ja"],
                name_kana=row["name_kana"],
                name_en=row["name_en"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                coordinate_approximate=row["coordinate_approximate"] == "1",
                parent_code=row["parent_code"],
                valid_from=_date(row["valid_from"]),
                valid_until=_date(row["valid_until"]),
            )
            for row in csv.DictReader(fh)
        )


@cache
def local_governments_by_code() -> dict[str, LocalGovernmentRecord]:
    return {rec.code: rec for rec in read_local_governments()}


@cache
def coordinates_by_code() -> dict[str, tuple[float, float, str]]:
    """{code: (latitude, longitude, prefecture_code)} for every code, for the matching engine.

    Keys are the 6-digit local-government codes (prefectures included, e.g. '370002') and the 2-digit
    prefecture codes ('37'), so an organisation known only by its prefecture can be placed too.
    """
    table = {rec.code: (rec.latitude, rec.longitude, rec.prefecture_code) for rec in read_local_governments()}
    table.update({p.code: (p.latitude, p.longitude, p.code) for p in read_prefectures()})
    return table


def find_record(code: str) -> LocalGovernmentRecord | PrefectureRecord | None:
    """A prefecture ('37', '３７') or a local government ('372013', '３７２０１３', '37201-3') by code, else None."""
    code = normalise_digits(code)
    if len(code) == 2 and code.isdigit():
        return next((p for p in read_prefectures() if p.code == code), None)
    if len(code) == 6 and is_valid_lg_code(code):
        return local_governments_by_code().get(code)
    return None
