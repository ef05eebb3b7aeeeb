"""The search index is deleted: the search page stays a normal page and says the index is being rebuilt, the next
write recreates the index, and `manage.py update_index` brings every result back."""

import io
import shutil

import pytest
from django.core.management import call_command

from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db

URL = "/search/"
REBUILDING = "検索索引を作り直しています"


@pytest.fixture(autouse=True)
def index_dir(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    return settings.SEARCH_INDEX_DIR


def test_deleted_index_gives_a_normal_page_then_writes_and_update_index_recover(
    client, index_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cf.challenge(title="除雪車の位置情報を住民に知らせたい")
    page = client.get(URL, {"q": "除雪"})
    assert page.status_code == 200 and "位置情報を住民に知らせたい" in page.content.decode()
    assert REBUILDING not in page.content.decode()

    shutil.rmtree(index_dir)  # someone deletes var/search-index

    page = client.get(URL, {"q": "除雪"})
    assert page.status_code == 200
    assert REBUILDING in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # a write recreates the index and lands in it
        cf.challenge(title="除雪後の観光ルート分析")
    assert index_dir.is_dir()
    page = client.get(URL, {"q": "除雪"}).content.decode()
    assert "観光ルート分析" in page and "位置情報を住民に知らせたい" not in page

    call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())  # docs/security.md: the rebuild
    page = client.get(URL, {"q": "除雪"}).content.decode()
    assert "位置情報を住民に知らせたい" in page and "観光ルート分析" in page and REBUILDING not in page


def test_an_unreadable_index_gives_a_503_page_in_japanese_not_a_server_error(client, index_dir, monkeypatch):
    cf.challenge(title="除雪車の位置情報")
    from portal.search.backend.index import WhooshIndex

    def broken(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(WhooshIndex, "searcher", broken)
    page = client.get(URL, {"q": "除雪"})
    assert page.status_code == 503
    assert "検索は現在ご利用いただけません" in page.content.decode()
