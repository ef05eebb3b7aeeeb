"""The disk fills up while an upload is being written: the user is told, in their language, that nothing of this
upload was kept; what they typed comes back, the draft and the files saved before stay; no row points at a missing
file and no partial file is left on disk.

Every upload path is here: application attachments, travel receipts, progress-report attachments (My page and the
admin). The challenge import reads its file in memory and stores nothing.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from portal.applications.models import ApplicationAttachment
from portal.tracker import services as tracker_services
from portal.tracker.models import Engagement, ProgressAttachment, ProgressReport, TravelReceipt, TravelState
from tests.applications.conftest import PDF, World, pdf_upload
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

FULL = "サーバーの保存領域がいっぱい"
FULL_EN = "storage is full"


class _FullDisk:
    """A file that takes the first 16 bytes, then fails like a full disk."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        self.real.write(data[:16])
        self.real.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


def fill_disk(monkeypatch, *, files_that_fit: int = 0) -> list[int]:
    """From now on the storage writes `files_that_fit` more files, then the next one fails half-way (ENOSPC)."""
    real_fdopen = os.fdopen
    writes: list[int] = []

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        if ".partial-" in os.readlink(f"/proc/self/fd/{fd}"):  # SafeFileSystemStorage's temporary file
            writes.append(fd)
            if len(writes) > files_that_fit:
                return _FullDisk(handle)
        return handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    return writes


def private_files() -> set[str]:
    return files_in("private")


def files_in(alias: str) -> set[str]:
    root = Path(storages[alias].location)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_attachment_upload_on_a_full_disk_keeps_the_draft_and_earlier_files(client, monkeypatch):
    world = World()
    application = world.draft()
    client.force_login(world.user_a)
    url = reverse("applications:attachment_upload", args=[application.pk])
    client.post(url, {"file": pdf_upload("最初.pdf")})
    first = ApplicationAttachment.objects.get(application=application)
    before = private_files()

    fill_disk(monkeypatch)
    response = client.post(url, {"file": pdf_upload("二つ目.pdf")}, follow=True)

    assert response.status_code == 200
    assert FULL in response.content.decode()
    assert list(ApplicationAttachment.objects.filter(application=application)) == [first]
    assert first.file.storage.exists(first.file.name) and first.file.read() == PDF
    application.refresh_from_db()
    assert application.state == "draft" and application.approach == "除雪車の位置情報を集めて公開する"
    assert private_files() == before  # no partial file


def test_receipts_on_a_full_disk_keep_the_trip_and_leave_no_file(client, monkeypatch):
    world = World()
    ministry = world.ministry_user
    engagement = tf.engagement(municipality_org=world.muni_x, startup_org=world.startup_a, actor=ministry)
    tf.budget(1_000_000, actor=ministry)
    trip = tf.travel_request(engagement, world.user_a)
    tracker_services.travel_request_approve(request=trip, actor=ministry)
    tracker_services.travel_trip_done(request=trip, actor=world.user_a)
    before = private_files()
    client.force_login(world.user_a)

    written = fill_disk(monkeypatch, files_that_fit=1)  # the first receipt fits, the second does not
    response = client.post(reverse("tracker:trip", args=[trip.pk]), {
        "action": "settle", "fares_yen": "38000", "lodging_yen": "11800", "allowance_yen": "4400",
        "receipts": [tf.pdf("領収書1.pdf"), tf.pdf("領収書2.pdf")],
    })

    assert len(written) == 2
    assert response.status_code == 400
    assert FULL in response.content.decode()
    trip.refresh_from_db()
    assert trip.state == TravelState.TRIP_DONE and trip.actual_total_yen is None
    assert not TravelReceipt.objects.filter(request=trip).exists()
    assert private_files() == before  # neither the first receipt nor half of the second


# --------------------------------------------------------------------------------------------- progress reports


def _engagement(world: World) -> Engagement:
    return tf.engagement(municipality_org=world.muni_x, startup_org=world.startup_a, actor=world.ministry_user)


REPORT = {"action": "report", "text": "実証実験を始めました", "residents_served": "120", "cost_saved_yen": "50000"}


@pytest.mark.parametrize("prefix,message", [("", FULL), ("/en", FULL_EN)], ids=["ja", "en"])
def test_progress_report_on_a_full_disk_comes_back_with_the_text_and_leaves_no_file(client, monkeypatch, prefix,
                                                                                    message):
    world = World()
    engagement = _engagement(world)
    activity = Engagement.objects.get(pk=engagement.pk).last_activity_at
    before = private_files()
    client.force_login(world.user_a)

    written = fill_disk(monkeypatch, files_that_fit=1)  # the first attachment fits, the second does not
    response = client.post(prefix + reverse("tracker:engagement", args=[engagement.pk]), REPORT | {
        "files": [tf.pdf("報告1.pdf"), tf.pdf("報告2.pdf")],
    })

    assert len(written) == 2
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "実証実験を始めました" in body and 'value="50000"' in body  # what they typed is on the form again
    assert not ProgressReport.objects.filter(engagement=engagement).exists()
    assert not ProgressAttachment.objects.exists()
    assert Engagement.objects.get(pk=engagement.pk).last_activity_at == activity
    assert private_files() == before  # neither the first attachment nor half of the second


def test_progress_report_from_the_admin_on_a_full_disk_comes_back_with_the_text(client, monkeypatch):
    world = World()
    engagement = _engagement(world)
    before = private_files()
    client.force_login(world.staff_x)

    fill_disk(monkeypatch)
    response = client.post(reverse("tracker_admin:engagement", args=[engagement.pk]), REPORT | {
        "files": [tf.pdf("報告.pdf")],
    })

    assert response.status_code == 400
    body = response.content.decode()
    assert FULL in body and "実証実験を始めました" in body
    assert not ProgressReport.objects.filter(engagement=engagement).exists()
    assert private_files() == before
