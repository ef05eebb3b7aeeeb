"""`manage.py backup` then `manage.py restore` into a new, empty database gives back every row and every file.

Runs on SQLite (the restore goes into another file) and on PostgreSQL (into another database this test creates).
Transactional: pg_dump sees only committed rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import load_backend
from PIL import Image as PILImage
from wagtail.images.models import Image

from matching import services as matching_services
from portal.applications import services as application_services
from portal.reports.models import ReportFile
from portal.tracker import services as tracker_services
from tests import factories
from tests.applications.factories import World, pdf_upload
from tests.programme import factories as programme_factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OUR_APPS = [
    "core",
    "geo",
    "accounts",
    "programme",
    "challenges",
    "applications",
    "matching",
    "tracker",
    "reports",
]


def build_world() -> None:
    """Rows in every app of ours plus files in both storages (public image, private attachment/receipt/report)."""
    world = World()
    application = world.draft()
    application_services.attachment_add(
        application=application, actor=world.user_a, uploaded=pdf_upload("案.pdf")
    )
    application_services.application_submit(application=application, actor=world.user_a)
    ministry = world.ministry_user
    matching_services.match_run_create(actor=ministry)
    engagement = tf.engagement(municipality_org=world.muni_x, startup_org=world.startup_a, actor=ministry)
    tf.budget(1_000_000, actor=ministry)
    trip = tf.travel_request(engagement, world.user_a)
    tracker_services.travel_request_approve(request=trip, actor=ministry)
    tracker_services.travel_trip_done(request=trip, actor=world.user_a)
    tf.settle(trip, world.user_a, fares=38_000, receipt=tf.pdf("領収書.pdf"))
    report = ReportFile.objects.create(
        kind="annual",
        fiscal_year=2026,
        language="ja",
        fingerprint="x" * 64,
        status="done",
        requested_by=ministry,
    )
    report.file.save("annual-2026.pdf", ContentFile(tf.PDF), save=True)
    png = io.BytesIO()
    PILImage.new("RGB", (4, 3), (200, 30, 30)).save(png, "PNG")
    Image.objects.create(
        title="除雪車", file=ContentFile(png.getvalue(), name="snowplough.png"), width=4, height=3
    )
    programme_factories.round_page(2026, [("applications", dt.date(2026, 6, 1), dt.date(2026, 7, 31))])
    factories.user(email="late@example.jp")


def models_to_compare():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def snapshot(alias: str) -> dict[str, list]:
    return {
        m._meta.label: list(m._base_manager.using(alias).order_by("pk").values_list())
        for m in models_to_compare()
    }


def files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def empty_database(tmp_path):
    """A second database alias pointing at a new, empty database (another SQLite file / PostgreSQL database)."""
    default = connections["default"]
    alias = "restored"
    settings_dict = dict(default.settings_dict)
    if default.vendor == "postgresql":
        settings_dict["NAME"] = f"xact_restore_{uuid.uuid4().hex[:10]}"
        with default._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    else:
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    # Registered as a connection only (not in connections.settings): Django's test isolation lets a test use a
    # connection it creates itself.
    connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    yield alias
    connections[alias].close()
    del connections[alias]
    if default.vendor == "postgresql":
        with default._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')


def test_backup_then_restore_into_an_empty_database_gives_back_every_row_and_file(
    tmp_path, empty_database, settings
):
    build_world()
    for label in OUR_APPS:  # the world really has rows in every app of ours
        assert any(m._base_manager.exists() for m in apps.get_app_config(label).get_models()), label
    media, private = Path(storages["default"].location), Path(storages["private"].location)
    source_files = {"media": files(media), "private": files(private)}
    assert any(n.endswith(".png") for n in source_files["media"])
    assert len(source_files["private"]) >= 3  # attachment, receipt, report
    source_rows = snapshot("default")

    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out, stderr=out)
    assert "Wrote" in out.getvalue() and "not on disk" not in out.getvalue()

    # the restore writes its files to new, empty folders
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "r-media")},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "r-private"), "base_url": None},
        },
    }
    out = io.StringIO()
    call_command("restore", str(archive), database=empty_database, no_index=True, stdout=out)
    assert "verified" in out.getvalue()

    restored_rows = snapshot(empty_database)
    for label, rows in source_rows.items():
        assert restored_rows[label] == rows, label
    assert {"media": files(tmp_path / "r-media"), "private": files(tmp_path / "r-private")} == source_files

    # A second restore into the now non-empty database is refused; a damaged archive is refused (even with --force)
    # before anything is touched.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), database=empty_database, stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("db."):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="Checksum mismatch"):
        call_command("restore", str(damaged), database=empty_database, force=True, stdout=io.StringIO())
    assert snapshot(empty_database) == restored_rows
