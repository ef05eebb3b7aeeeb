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
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "portal.search.backend"}
    }  # Whoosh's index folder
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


def test_a_search_that_finds_the_index_gone_queues_one_rebuild_and_the_worker_brings_it_back(
    client, index_dir, settings, django_capture_on_commit_callbacks
):
    """Without an operator: the first search after the index vanished queues one rebuild for the task worker (not
    one per search), the page says the index is being rebuilt until the worker has done it."""
    from django_tasks import default_task_backend

    from portal.search import tasks

    settings.SEARCH_AUTO_REBUILD_SECONDS = 600
    with django_capture_on_commit_callbacks(execute=True):
        cf.challenge(title="除雪車の位置情報を住民に知らせたい")
    assert "位置情報を住民に知らせたい" in client.get(URL, {"q": "除雪"}).content.decode()
    shutil.rmtree(index_dir)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # a worker's queue

    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            page = client.get(URL, {"q": "除雪"}).content.decode()
        assert REBUILDING in page
    queued = [
        r for r in default_task_backend.results if r.task.module_path == tasks.rebuild_index.module_path
    ]
    assert len(queued) == 1, "one rebuild queued, not one per search"

    tasks.rebuild_index.call()  # what the task worker runs
    page = client.get(URL, {"q": "除雪"}).content.decode()
    assert "位置情報を住民に知らせたい" in page and REBUILDING not in page
