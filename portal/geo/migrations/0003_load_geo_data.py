"""Load the 47 prefectures and every local-government code from portal/geo/data/*.csv.

Every database (tests included) gets the rows. Later refreshes of the CSV go through `manage.py load_geo`;
this migration reads only the columns it knows, so new columns do not break it.
"""

import csv
from datetime import date
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _date(text):
    return date.fromisoformat(text) if text else None


def load(apps, schema_editor):
    Prefecture = apps.get_model("geo", "Prefecture")
    LocalGovernment = apps.get_model("geo", "LocalGovernment")
    db = schema_editor.connection.alias
    existing_prefs = set(Prefecture.objects.using(db).values_list("code", flat=True))
    Prefecture.objects.using(db).bulk_create(
        Prefecture(
            code=row["code"],
            name_ja=row["name_ja"],
            name_kana=row["name_kana"],
            name_en=row["name_en"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
        )
        for row in _rows("prefectures.csv")
        if row["code"] not in existing_prefs
    )
    existing = set(LocalGovernment.objects.using(db).values_list("code", flat=True))
    LocalGovernment.objects.using(db).bulk_create(
        (
            LocalGovernment(
                code=row["code"],
                prefecture_id=row["prefecture_code"],
                kind=row["kind"],
                name_ja=row["name_ja"],
                name_kana=row["name_kana"],
                name_en=row["name_en"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                coordinate_approximate=row["coordinate_approximate"] == "1",
                parent_id=row["parent_code"] or None,
                valid_from=_date(row["valid_from"]),
                valid_until=_date(row["valid_until"]),
            )
            for row in _rows("local_governments.csv")
            if row["code"] not in existing
        ),
        batch_size=500,
    )


def unload(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("geo", "LocalGovernment").objects.using(db).filter(parent__isnull=False).delete()
    apps.get_model("geo", "LocalGovernment").objects.using(db).all().delete()
    apps.get_model("geo", "Prefecture").objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0002_coordinates_and_parent"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
