"""Reads over prefectures and local governments: lookup by code, name-prefix search, distance, travel cost.

The computations live in the Django-free modules `travel` and `geodata`; these are thin wrappers over the ORM.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from portal.core.i18n import in_reader_language

from . import travel
from .codes import is_valid_lg_code, normalise_digits
from .geodata import HIGH_COST_CITY_CODES, read_prefectures
from .models import LocalGovernment, Prefecture

Located = LocalGovernment | Prefecture | tuple[float, float]

_KATAKANA = re.compile(r"[ァ-ヶ]")


def normalise_query(text: str) -> str:
    """NFKC, trimmed, katakana folded to hiragana (readings are stored in hiragana)."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    return _KATAKANA.sub(lambda m: chr(ord(m.group()) - 0x60), text)


def prefecture_by_code(code: str) -> Prefecture | None:
    """A prefecture by its JIS X 0401 code ('37', '３７', '7'), else None."""
    code = normalise_digits(code)
    # ASCII digits only, and few: '²'.isdigit() is true but int('²') fails, and int() refuses 5000 digits.
    if not (code.isascii() and code.isdigit()) or len(code) > 3 or not 1 <= int(code) <= 47:
        return None
    return Prefecture.objects.filter(code=f"{int(code):02d}").first()


def local_government_by_code(code: str) -> LocalGovernment | None:
    """A local government by its 6-digit code; full-width digits, spaces and hyphens accepted ('３７２０１-３').

    Returns None for malformed codes, wrong check digits and unknown codes. Expired codes are found too
    (their `valid_until` says so): old records keep pointing at them.
    """
    code = normalise_digits(code)
    if not is_valid_lg_code(code):
        return None
    return LocalGovernment.objects.select_related("prefecture", "parent").filter(code=code).first()


_CODE_IN_TEXT = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def local_government_name(lg: LocalGovernment) -> str:
    """「香川県 高松市」 in Japanese (names repeat across prefectures), the English name in English when there is one
    (the prefecture is read only for the Japanese name)."""
    english = in_reader_language("", lg.name_en)
    if english:
        return english
    if lg.kind == LocalGovernment.Kind.PREFECTURE:
        return lg.name_ja
    return f"{lg.prefecture.name_ja} {lg.name_ja}"


def local_government_label(lg: LocalGovernment) -> str:
    """What the autocomplete shows and the form field reads back: 「香川県 高松市 372013」, "Takamatsu 372013"."""
    return f"{local_government_name(lg)} {lg.code}"


def local_government_from_text(
    text: str, *, limit: int = 6
) -> tuple[LocalGovernment | None, list[LocalGovernment]]:
    """A local government from what a person typed: its 6-digit code (alone, or at the end of an autocomplete label
    such as 「香川県 高松市 372013」), or its name (高松市, 香川県高松市, たかまつし, Takamatsu).

    Returns (the one it names, []) or (None, the candidates) when the name is ambiguous (府中市 is in Tokyo and
    Hiroshima) or unknown (no candidates).
    """
    # NUL can be in no name, and PostgreSQL refuses it in a query.
    text = unicodedata.normalize("NFKC", str(text or "")).replace("\x00", "").strip()
    if not text:
        return None, []
    digits = normalise_digits(text)
    found = _CODE_IN_TEXT.search(text) or (_CODE_IN_TEXT.fullmatch(digits) if digits.isdigit() else None)
    if found:
        lg = local_government_by_code(found.group(1))
        return (lg, []) if lg is not None else (None, [])
    query = re.sub(r"\s+", "", text)
    candidates = search_local_governments(query, limit=limit + 1)
    wanted = normalise_query(query).lower()
    exact = [
        lg
        for lg in candidates
        if wanted
        in {
            normalise_query(lg.name_ja),
            f"{normalise_query(lg.prefecture.name_ja)}{normalise_query(lg.name_ja)}",
            normalise_query(lg.name_kana),
            (lg.name_en or "").lower().replace(" ", ""),
        }
    ]
    if len(exact) == 1:
        return exact[0], []
    if len(candidates) == 1:
        return candidates[0], []
    return None, (exact or candidates)[:limit]


def search_local_governments(
    query: str, *, limit: int = 20, prefecture: str | None = None, include_expired: bool = False
) -> list[LocalGovernment]:
    """Local governments whose name, reading or English name starts with `query` (for form autocomplete).

    Matches 「高松」, 「たかまつ」, 「タカマツ」, 'taka', 「香川県高松」 (prefecture name in front), a code prefix
    ('3720'), and a ward by its own name under its city (「札幌市中」). Cities and prefectures rank before wards,
    towns and villages; then by code. At most `limit` rows; current codes only unless `include_expired`.
    """
    text = normalise_query(query)
    if not text:
        return []
    qs: QuerySet[LocalGovernment] = LocalGovernment.objects.select_related("prefecture")
    if not include_expired:
        qs = qs.current()
    if prefecture:
        qs = qs.filter(prefecture_id=prefecture)
    condition = (
        Q(name_ja__startswith=text)
        | Q(name_kana__startswith=text)
        | Q(name_en__istartswith=text)
        | Q(parent__name_en__istartswith=text)  # 'sapporo' finds "Chuo Ward, Sapporo" too
    )
    digits = normalise_digits(text)
    if digits.isdigit():
        condition |= Q(code__startswith=digits)
    for pref in read_prefectures():  # from the CSV: no query
        for prefix in (pref.name_ja, pref.name_kana):
            if prefix and text.startswith(prefix) and len(text) > len(prefix):
                rest = text[len(prefix) :]
                condition |= Q(prefecture_id=pref.code) & (
                    Q(name_ja__startswith=rest) | Q(name_kana__startswith=rest)
                )
    rank = Case(
        When(kind__in=[LocalGovernment.Kind.PREFECTURE], then=Value(0)),
        When(kind__in=[LocalGovernment.Kind.DESIGNATED_CITY, LocalGovernment.Kind.CITY], then=Value(1)),
        When(kind=LocalGovernment.Kind.SPECIAL_WARD, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(qs.filter(condition).annotate(rank=rank).order_by("rank", "code")[:limit])


def _coordinate(obj: Located) -> tuple[float, float]:
    if isinstance(obj, LocalGovernment | Prefecture):
        if obj.latitude is None or obj.longitude is None:
            raise ValueError(f"{obj} has no coordinate")
        return obj.latitude, obj.longitude
    lat, lon = obj
    return float(lat), float(lon)


def distance_km(a: Located, b: Located) -> float:
    """Great-circle distance in km between two places: LocalGovernment, Prefecture or (latitude, longitude)."""
    return travel.haversine_km(*_coordinate(a), *_coordinate(b))


def place_of(obj: LocalGovernment | Prefecture) -> travel.Place:
    """The travel module's Place for a model instance (a prefecture stands at its prefectural office)."""
    lat, lon = _coordinate(obj)
    if isinstance(obj, Prefecture):
        return travel.Place(lat, lon, obj.code, False)
    high = (
        obj.kind == LocalGovernment.Kind.SPECIAL_WARD
        or obj.code in HIGH_COST_CITY_CODES
        or (obj.parent_id or "") in HIGH_COST_CITY_CODES
    )
    return travel.Place(lat, lon, obj.prefecture_id, high)


def estimate_travel_cost(
    origin: LocalGovernment | Prefecture,
    destination: LocalGovernment,
    travellers: int = 1,
    nights: int | None = None,
    mode: str | None = None,
) -> travel.TravelEstimate:
    """Estimated round-trip travel cost in yen from `origin` (a startup's prefecture or municipality) to a
    municipality, with fares, lodging, daily allowance, total, mode and assumptions (see docs/travel-cost.md)."""
    return travel.estimate(
        place_of(origin), place_of(destination), travellers=travellers, nights=nights, mode=mode
    )


# The assumptions of an estimate, in the user's language (the travel module itself knows no Django).
ASSUMPTION_TEXTS = {
    "route": _("Straight-line distance {distance_km} km × {factor} for the route = {route_km} km one way."),
    "mode_band": _("Transport mode by distance band: {mode}."),
    "mode_forced": _("Transport mode chosen: {mode}."),
    "fare_local": _("Local train, bus or car: ¥{yen_per_km}/km of route, at least ¥{minimum} one way."),
    "fare_express": _(
        "Shinkansen or limited express: ¥{yen_per_km}/km of route, fare and surcharge together."
    ),
    "fare_air": _("Economy air fare ¥{fare} one way plus ¥{access} to and from the airport at each end."),
    "nights_band": _("{nights} night(s) away, from the distance."),
    "nights_given": _("{nights} night(s) away, as given."),
    "lodging_high": _("Lodging ¥{yen} per night (Tokyo's wards and large designated cities)."),
    "lodging_standard": _("Lodging ¥{yen} per night."),
    "allowance": _("Daily allowance ¥{yen} per day for {days} day(s)."),
    "allowance_short": _("Daily allowance halved to ¥{yen} per day for {days} day(s): route under 50 km."),
}

MODE_LABELS = {
    travel.LOCAL: _("local train, bus or car"),
    travel.EXPRESS: _("shinkansen or limited express"),
    travel.AIR: _("air"),
}


def describe_travel_estimate(estimate: travel.TravelEstimate) -> list[str]:
    """The estimate's assumptions as sentences in the active language."""
    texts = {key: str(text) for key, text in ASSUMPTION_TEXTS.items()}
    sentences = []
    for key, params in estimate.assumptions:
        params = dict(params)
        if "mode" in params:
            params["mode"] = str(MODE_LABELS[params["mode"]])
        sentences.append(texts[key].format(**params))
    return sentences
