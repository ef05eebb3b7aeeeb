"""Writes to the geo tables: refreshing prefectures and local governments from the committed CSV data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from portal.core import audit

from . import geodata
from .models import LocalGovernment, Prefecture

PREFECTURE_FIELDS = ("name_ja", "name_kana", "name_en", "latitude", "longitude")
LG_FIELDS = (
    "prefecture_id",
    "kind",
    "name_ja",
    "name_kana",
    "name_en",
    "latitude",
    "longitude",
    "coordinate_approximate",
    "parent_id",
    "valid_from",
    "valid_until",
)


@dataclass
class GeoRefreshResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _prefecture_values(rec: geodata.PrefectureRecord) -> dict:
    return {f: getattr(rec, f) for f in PREFECTURE_FIELDS}


def _lg_values(rec: geodata.LocalGovernmentRecord) -> dict:
    values = {f: getattr(rec, f) for f in LG_FIELDS if f not in {"prefecture_id", "parent_id"}}
    values["prefecture_id"] = rec.prefecture_code
    values["parent_id"] = rec.parent_code or None
    return values


def geo_refresh(*, actor=None, progress: Callable[[int, int], None] | None = None) -> GeoRefreshResult:
    """Bring the prefecture and local-government tables in line with portal/geo/data/*.csv.

    Creates missing rows and updates rows whose values differ; leaves identical rows alone (idempotent) and
    deletes nothing (organisations may point at retired codes: those carry `valid_until` instead).
    Every new or changed row is validated (`full_clean`, which checks the code's check digit). One transaction,
    one audit event. `progress(done, total)` is called as rows are compared.
    """
    prefectures = geodata.read_prefectures()
    lgs = geodata.read_local_governments()
    total = len(prefectures) + len(lgs)
    result = GeoRefreshResult()
    with transaction.atomic():
        existing_prefs = {p.code: p for p in Prefecture.objects.all()}
        for done, rec in enumerate(prefectures, start=1):
            _sync(
                Prefecture,
                existing_prefs.get(rec.code),
                rec.code,
                _prefecture_values(rec),
                result,
                exclude=[],
            )
            if progress:
                progress(done, total)
        existing = {lg.code: lg for lg in LocalGovernment.objects.all()}
        # Parents (designated cities) sort before their wards by code, so a ward's parent already exists.
        for done, lg_rec in enumerate(lgs, start=len(prefectures) + 1):
            _sync(
                LocalGovernment,
                existing.get(lg_rec.code),
                lg_rec.code,
                _lg_values(lg_rec),
                result,
                exclude=["prefecture", "parent"],
            )
            if progress:
                progress(done, total)
        audit.record(
            actor=actor,
            action="geo.refresh",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
    return result


def _sync(model, obj, code: str, values: dict, result: GeoRefreshResult, *, exclude: list[str]) -> None:
    if obj is None:
        obj = model(code=code, **values)
        obj.full_clean(exclude=exclude, validate_unique=False)
        obj.save(force_insert=True)
        result.created += 1
        return
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not changed:
        result.unchanged += 1
        return
    for field in changed:
        setattr(obj, field, values[field])
    obj.full_clean(exclude=exclude, validate_unique=False)
    obj.save(update_fields=[f.removesuffix("_id") for f in changed])
    result.updated += 1
