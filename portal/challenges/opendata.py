"""The open-data rows for challenges: one flat record per live challenge (schema in docs/open-data.md)."""

from __future__ import annotations

from django.utils import timezone

from portal.core.spreadsheet import neutralise_formula

SCHEMA_VERSION = "1.0"

FIELDS = [
    "id",
    "url",
    "title",
    "municipality_name",
    "municipality_code",
    "prefecture_code",
    "prefecture_name",
    "summary",
    "background",
    "desired_outcome",
    "themes",
    "status",
    "application_opens",
    "application_closes",
    "budget_min_yen",
    "budget_max_yen",
    "poc_start",
    "poc_end",
    "max_partners",
    "offers",
    "procurement",
    "first_published_at",
    "last_published_at",
]


def _iso(value):
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def challenge_record(challenge, *, url: str, now=None) -> dict:
    lg = challenge.municipality.local_government
    pref = lg.prefecture if lg else None
    return {
        "id": challenge.pk,
        "url": url,
        "title": challenge.title,
        "municipality_name": challenge.municipality.name,
        "municipality_code": lg.code if lg else None,
        "prefecture_code": pref.code if pref else None,
        "prefecture_name": pref.name_ja if pref else None,
        "summary": challenge.summary,
        "background": challenge.background,
        "desired_outcome": challenge.desired_outcome,
        "themes": [t.slug for t in challenge.themes.all()],
        "status": challenge.status_at(now or timezone.now()),
        "application_opens": _iso(challenge.application_opens),
        "application_closes": _iso(challenge.application_closes),
        "budget_min_yen": challenge.budget_min_yen,
        "budget_max_yen": challenge.budget_max_yen,
        "poc_start": _iso(challenge.poc_start),
        "poc_end": _iso(challenge.poc_end),
        "max_partners": challenge.max_partners,
        "offers": challenge.offers,
        "procurement": challenge.procurement,
        "first_published_at": _iso(challenge.first_published_at),
        "last_published_at": _iso(challenge.last_published_at),
    }


def csv_row(record: dict) -> list:
    row = []
    for name in FIELDS:
        value = record[name]
        if isinstance(value, list):
            value = ";".join(value)
        # Municipalities' text opened in a spreadsheet must not run as a formula (the JSON keeps it as written).
        row.append("" if value is None else neutralise_formula(value))
    return row
