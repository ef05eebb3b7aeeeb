"""MEDIA_STORAGE=s3: public media and private uploads in two buckets of an S3-compatible store (moto's server on
this machine, tests/ops/s3.py) — what a deployment with several web servers uses instead of local folders.

Private files land in the private bucket and reach only those who may see them, streamed by the permission-checked
views (any URL the storage would make is signed and expires within a minute); images keep their unguessable names in
the media bucket; the backup archive holds both buckets and a restore puts every object back.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image

from portal.applications import services as application_services
from portal.applications.models import ApplicationAttachment
from portal.settings.media import s3_storages
from tests.applications.factories import PDF, World, pdf_upload
from tests.ops import s3 as store
from tests.ops.test_backup import build_world, empty_database, snapshot  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def endpoint():
    with store.object_store() as url:
        yield url


@pytest.fixture
def buckets(endpoint, settings, monkeypatch):
    """Fresh buckets, and the settings a deployment with MEDIA_STORAGE=s3 gets for them."""
    buckets = store.new_buckets(endpoint)
    environ = buckets.environ()
    for name, value in store.CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {**settings.STORAGES, **s3_storages(environ)}
    return buckets


def test_an_application_file_lives_in_the_private_bucket_and_reaches_only_those_who_may_see_it(
    buckets, client
):
    world = World()
    application = world.draft()
    attachment = application_services.attachment_add(
        application=application, actor=world.user_a, uploaded=pdf_upload("提案書.pdf")
    )
    name = ApplicationAttachment.objects.get(pk=attachment.pk).file.name
    assert buckets.keys(buckets.private) == {name: PDF}
    assert buckets.keys(buckets.media) == {}

    url = reverse("applications:attachment_download", args=[application.pk, attachment.pk])
    client.force_login(world.user_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert buckets.private not in page and buckets.endpoint not in page  # linked through the view only

    client.force_login(world.user_b)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404

    # Should anything ask the private storage for a URL, it is signed and short-lived, never a plain public one.
    signed = urlparse(storages["private"].url(name))
    query = parse_qs(signed.query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query


def test_public_images_keep_unguessable_names_and_plain_urls_in_the_media_bucket(buckets):
    png = io.BytesIO()
    PILImage.new("RGB", (4, 3), (0, 120, 200)).save(png, "PNG")
    image = Image.objects.create(
        title="除雪車", file=ContentFile(png.getvalue(), name="snowplough.png"), width=4, height=3
    )
    name = image.file.name
    folder, _, filename = name.partition("/")
    assert folder == "original_images" and filename.endswith("_snowplough.png") and len(filename) > 40
    assert buckets.keys(buckets.media) == {name: png.getvalue()}
    assert buckets.keys(buckets.private) == {}
    url = urlparse(image.file.url)
    assert url.path == f"/{buckets.media}/{name}" and not url.query  # public media: a plain, cacheable URL


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_holds_both_buckets_and_restore_puts_every_object_back(
    endpoint,
    buckets,
    settings,
    tmp_path,
    empty_database,  # noqa: F811 - the fixture imported above
):
    build_world()
    source = {"media": buckets.keys(buckets.media), "private": buckets.keys(buckets.private)}
    assert any(n.endswith(".png") for n in source["media"]) and len(source["private"]) >= 3
    rows = snapshot("default")

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO(), stderr=io.StringIO())

    target = store.new_buckets(endpoint)  # a new deployment's empty buckets
    settings.STORAGES = {**settings.STORAGES, **s3_storages(target.environ())}
    out = io.StringIO()
    call_command("restore", str(archive), database=empty_database, no_index=True, stdout=out)
    assert "verified" in out.getvalue()
    assert {"media": target.keys(target.media), "private": target.keys(target.private)} == source
    assert snapshot(empty_database) == rows
