"""The disk fills up while an upload is being written: the user is told, in their language, that nothing of this
upload was kept; what they typed comes back, the draft and the files saved before stay; no row points at a missing
file and no partial file is left on disk.

Every upload path is here: application attachments, travel receipts, progress-report attachments (My page and the
admin), and Wagtail's image and document uploads in the admin (add, edit with a new file, the chooser's upload in
the page editor, the multiple uploader's JSON), and — for any of them — the temporary file Django spools a large
upload to before a view runs. The challenge import reads its file in memory and stores nothing. Not an upload but a
storage save: a rendered report that cannot be stored fails with the message and is rendered again when asked.
"""

from __future__ import annotations

import errno
import io
import json
import os
from pathlib import Path

import pytest
from django.core.files import uploadedfile
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from portal.applications.models import ApplicationAttachment
from portal.core.calendar import current_fiscal_year
from portal.reports.models import ReportFile
from portal.tracker import services as tracker_services
from portal.tracker.models import Engagement, ProgressAttachment, ProgressReport, TravelReceipt, TravelState
from tests.applications.factories import PDF, World, pdf_upload
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
    response = client.post(
        reverse("tracker:trip", args=[trip.pk]),
        {
            "action": "settle",
            "fares_yen": "38000",
            "lodging_yen": "11800",
            "allowance_yen": "4400",
            "receipts": [tf.pdf("領収書1.pdf"), tf.pdf("領収書2.pdf")],
        },
    )

    assert len(written) == 2
    assert response.status_code == 400
    assert FULL in response.content.decode()
    trip.refresh_from_db()
    assert trip.state == TravelState.TRIP_DONE and trip.actual_total_yen is None
    assert not TravelReceipt.objects.filter(request=trip).exists()
    assert private_files() == before  # neither the first receipt nor half of the second


# --------------------------------------------------------------------------------------------- progress reports


def _engagement(world: World) -> Engagement:
    return tf.engagement(
        municipality_org=world.muni_x, startup_org=world.startup_a, actor=world.ministry_user
    )


REPORT = {
    "action": "report",
    "text": "実証実験を始めました",
    "residents_served": "120",
    "cost_saved_yen": "50000",
}
ADMIN_REPORT = {k: v for k, v in REPORT.items() if k != "action"}  # the admin posts each form to its own view


@pytest.mark.parametrize("prefix,message", [("", FULL), ("/en", FULL_EN)], ids=["ja", "en"])
def test_progress_report_on_a_full_disk_comes_back_with_the_text_and_leaves_no_file(
    client, monkeypatch, prefix, message
):
    world = World()
    engagement = _engagement(world)
    activity = Engagement.objects.get(pk=engagement.pk).last_activity_at
    before = private_files()
    client.force_login(world.user_a)

    written = fill_disk(monkeypatch, files_that_fit=1)  # the first attachment fits, the second does not
    response = client.post(
        prefix + reverse("tracker:engagement", args=[engagement.pk]),
        REPORT
        | {
            "files": [tf.pdf("報告1.pdf"), tf.pdf("報告2.pdf")],
        },
    )

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
    response = client.post(
        reverse("engagement:report", args=[engagement.pk]),
        ADMIN_REPORT
        | {
            "files": [tf.pdf("報告.pdf")],
        },
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert FULL in body and "実証実験を始めました" in body
    assert not ProgressReport.objects.filter(engagement=engagement).exists()
    assert private_files() == before


# --------------------------------------------------------------------------------------------- Wagtail media


def png(name: str = "写真.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30), (30, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name: str = "資料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _error_text(response) -> str:
    """The page, the chooser modal's HTML fragment, or the multiple uploader's error: what the user reads."""
    if response["Content-Type"].startswith("application/json"):
        data = json.loads(response.content)
        return data.get("htmlFragment") or data.get("error_message") or ""
    return response.content.decode()


MEDIA = {
    "image": (get_image_model, png, "wagtailimages"),
    "document": (get_document_model, pdf, "wagtaildocs"),
}


@pytest.mark.parametrize("kind", MEDIA)
@pytest.mark.parametrize("view", ["add", "chooser", "multiple"])
def test_admin_media_upload_on_a_full_disk_is_a_form_error_not_a_500(client, monkeypatch, kind, view):
    model, upload, app = MEDIA[kind]
    world = World()
    client.force_login(world.ministry_user)  # the ministry may upload into any collection: it picks one
    root = str(Collection.get_first_root_node().pk)
    before = files_in("default")
    count = model().objects.count()

    fill_disk(monkeypatch)
    if view == "add":
        response = client.post(
            reverse(f"{app}:add"), {"title": "除雪車の写真", "file": upload(), "collection": root}
        )
    elif view == "chooser":
        response = client.post(
            reverse(f"{app}_chooser:create"),
            {
                f"{kind}-chooser-upload-title": "除雪車の写真",
                f"{kind}-chooser-upload-file": upload(),
                f"{kind}-chooser-upload-collection": root,
            },
        )
    else:
        response = client.post(
            reverse(f"{app}:add_multiple"), {"title": "除雪車の写真", "files[]": upload(), "collection": root}
        )

    assert response.status_code == 200  # Wagtail's own answer to an invalid form, never a 500
    text = _error_text(response)
    assert FULL in text
    if view == "multiple":
        assert json.loads(response.content)["success"] is False
    else:
        assert "除雪車の写真" in text  # the title they typed is on the form again
    assert model().objects.count() == count
    assert files_in("default") == before  # no partial file


@pytest.mark.parametrize("kind", MEDIA)
def test_municipality_staff_upload_in_the_page_editor_on_a_full_disk_is_a_form_error(
    client, monkeypatch, kind
):
    """Municipality staff upload into their own collection (Wagtail hides the field): the chooser's upload tab."""
    model, upload, app = MEDIA[kind]
    world = World()
    client.force_login(world.staff_x)
    before = files_in("default")

    fill_disk(monkeypatch)
    response = client.post(
        reverse(f"{app}_chooser:create"),
        {
            f"{kind}-chooser-upload-title": "除雪車の写真",
            f"{kind}-chooser-upload-file": upload(),
        },
    )

    assert response.status_code == 200
    assert FULL in _error_text(response) and "除雪車の写真" in _error_text(response)
    assert not model().objects.exists()
    assert files_in("default") == before


@pytest.mark.parametrize("kind", MEDIA)
@pytest.mark.parametrize("view", ["add", "chooser", "multiple"])
def test_admin_media_upload_with_room_stores_one_whole_file(client, kind, view):
    """The forms that write the file during validation change nothing when the disk has room."""
    model, upload, app = MEDIA[kind]
    world = World()
    client.force_login(world.ministry_user)
    root = str(Collection.get_first_root_node().pk)
    before = files_in("default")
    sent = upload()
    content = sent.read()
    sent.seek(0)
    if view == "add":
        response = client.post(
            reverse(f"{app}:add"), {"title": "除雪車の写真", "file": sent, "collection": root}
        )
    elif view == "chooser":
        response = client.post(
            reverse(f"{app}_chooser:create"),
            {
                f"{kind}-chooser-upload-title": "除雪車の写真",
                f"{kind}-chooser-upload-file": sent,
                f"{kind}-chooser-upload-collection": root,
            },
        )
    else:
        response = client.post(reverse(f"{app}:add_multiple"), {"files[]": sent, "collection": root})

    assert response.status_code in (200, 302)
    obj = model().objects.get()
    new = files_in("default") - before
    assert obj.file.name in new and not any(".partial-" in name for name in new)
    assert obj.file.storage.open(obj.file.name).read() == content
    assert obj.file_size == len(content) and obj.file_hash


@pytest.mark.parametrize("kind", MEDIA)
def test_replacing_a_media_file_on_a_full_disk_keeps_the_old_one(client, monkeypatch, kind):
    model, upload, app = MEDIA[kind]
    world = World()
    client.force_login(world.ministry_user)
    first = upload()
    obj = model()(title="最初のファイル", file=ContentFile(first.read(), name=first.name))
    if kind == "image":
        obj._set_image_file_metadata()
    else:
        obj._set_document_file_metadata()
    obj.save()
    old_name, old_bytes = obj.file.name, obj.file.storage.open(obj.file.name).read()
    url = reverse(f"{app}:edit", args=[obj.pk])
    assert (
        client.get(url).status_code == 200
    )  # the user opens the edit page first (an image's preview is made)
    before = files_in("default")

    fill_disk(monkeypatch)
    response = client.post(
        url,
        {
            "title": "差し替えたファイル",
            "file": upload(),
            "collection": str(obj.collection_id),
        },
    )

    assert response.status_code == 200
    assert FULL in response.content.decode() and "差し替えたファイル" in response.content.decode()
    obj.refresh_from_db()
    assert obj.title == "最初のファイル" and obj.file.name == old_name
    assert obj.file.storage.open(old_name).read() == old_bytes  # the old file is still there, whole
    assert files_in("default") == before


# --------------------------------------------------------------------------------------------- the upload's temporary file


def fill_temp_dir(monkeypatch, settings) -> list[str]:
    """Uploads are spooled to a temporary file (as above FILE_UPLOAD_MAX_MEMORY_SIZE), which fills the disk half-way."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    real = uploadedfile.tempfile.NamedTemporaryFile
    paths: list[str] = []

    class FullTemp:
        def __init__(self, *args, **kwargs):
            self.real = real(*args, **kwargs)
            paths.append(self.real.name)

        def write(self, data):
            self.real.write(data[:16])
            self.real.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(uploadedfile.tempfile, "NamedTemporaryFile", FullTemp)
    return paths


@pytest.mark.parametrize("prefix,message", [("", FULL), ("/en", FULL_EN)], ids=["ja", "en"])
def test_a_full_disk_while_an_upload_is_received_is_a_507_page_not_a_500(
    client, monkeypatch, settings, prefix, message
):
    world = World()
    application = world.draft()
    client.force_login(world.user_a)
    before = private_files()

    paths = fill_temp_dir(monkeypatch, settings)
    response = client.post(
        prefix + reverse("applications:attachment_upload", args=[application.pk]),
        {"file": pdf_upload("大きい.pdf")},
    )

    assert response.status_code == 507
    assert message in response.content.decode()
    assert paths and not any(os.path.exists(p) for p in paths)  # the half-written temporary file is gone
    assert not ApplicationAttachment.objects.filter(application=application).exists()
    assert private_files() == before


def test_a_full_disk_while_the_multiple_uploader_sends_a_file_is_a_json_error(client, monkeypatch, settings):
    world = World()
    client.force_login(world.ministry_user)
    count = get_image_model().objects.count()

    paths = fill_temp_dir(monkeypatch, settings)
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": png()},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )

    assert response.status_code == 507
    assert response.json()["success"] is False and FULL in response.json()["error_message"]
    assert paths and not any(os.path.exists(p) for p in paths)
    assert get_image_model().objects.count() == count


# --------------------------------------------------------------------------------------------- rendered reports


def test_a_report_that_cannot_be_stored_fails_with_the_message_and_renders_again_later(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    world = World()
    year = current_fiscal_year()
    url = reverse("reports_admin:annual", args=[year])
    client.force_login(world.ministry_user)
    before = private_files()

    with monkeypatch.context() as patched:
        fill_disk(patched)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url).status_code == 302

    failed = ReportFile.objects.get()
    assert failed.status == ReportFile.Status.FAILED and FULL in failed.error and not failed.file
    assert FULL in client.get(url).content.decode()  # "The last rendering failed: …" for the ministry
    assert private_files() == before  # no partial PDF

    with django_capture_on_commit_callbacks(execute=True):  # room again: asking again renders it
        client.post(url)
    failed.refresh_from_db()
    assert failed.status == ReportFile.Status.DONE and private_files() == before | {failed.file.name}


# --------------------------------------------------------------------------------------------- any other write


def test_a_resized_image_that_cannot_be_written_is_a_507_page_not_a_500(client, monkeypatch):
    world = World()
    client.force_login(world.ministry_user)
    first = png()
    image = get_image_model()(title="除雪車", file=ContentFile(first.read(), name=first.name))
    image._set_image_file_metadata()
    image.save()
    before = files_in("default")
    url = reverse("wagtailimages:index")  # the listing makes a thumbnail (rendition) of each image

    with monkeypatch.context() as patched:
        fill_disk(patched)
        response = client.get(url)
        assert response.status_code == 507
        assert FULL in response.content.decode()
        assert files_in("default") == before  # no half-written thumbnail

    assert client.get(url).status_code == 200  # room again: the thumbnail is made


@pytest.mark.parametrize("kind", MEDIA)
def test_replacing_a_media_file_with_room_swaps_the_files(client, kind):
    model, upload, app = MEDIA[kind]
    world = World()
    client.force_login(world.ministry_user)
    first = upload()
    obj = model()(title="最初のファイル", file=ContentFile(first.read(), name=first.name))
    obj.save()
    old_name = obj.file.name
    replacement = upload("差し替え." + old_name.rsplit(".", 1)[1])

    response = client.post(
        reverse(f"{app}:edit", args=[obj.pk]),
        {
            "title": "差し替えたファイル",
            "file": replacement,
            "collection": str(obj.collection_id),
        },
    )

    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.title == "差し替えたファイル" and obj.file.name != old_name
    assert obj.file.storage.exists(obj.file.name) and not obj.file.storage.exists(old_name)
