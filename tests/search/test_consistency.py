"""The index follows the database: publish, edit, unpublish, delete, rollback, rebuild (both backends); for Whoosh's
index folder also two writing processes, a writer killed in the middle of a commit, stale and busy locks."""

import io
import multiprocessing
import os
import signal
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from modelsearch.backends import get_search_backend
from wagtail.models import Page
from whoosh.filedb.filestore import FileStorage

from portal.search.backend.index import WhooshRebuilder
from portal.search.backend.mapping import Mapping
from tests.search.conftest import index_pks
from tests.search.testapp.models import Article, NewsPage

pytestmark = pytest.mark.django_db

FORK = multiprocessing.get_context("fork")


@pytest.fixture
def root():
    return Page.objects.get(depth=1)


def test_publish_edit_unpublish_delete(root, committed):
    with committed():
        page = root.add_child(instance=NewsPage(title="見守りタグの配布", body="登下校", live=False))
    assert NewsPage.objects.live().search("見守り").count() == 0

    with committed():
        page.save_revision().publish()
    assert [p.pk for p in NewsPage.objects.live().search("見守り")] == [page.pk]

    with committed():
        page.title = "除雪車の位置情報"
        page.save_revision().publish()
    assert NewsPage.objects.live().search("見守り").count() == 0
    assert [p.pk for p in NewsPage.objects.live().search("除雪車")] == [page.pk]

    page = NewsPage.objects.get(pk=page.pk)
    with committed():
        page.unpublish()
    # Gone from live results by the index's own count, not only by the database check.
    assert NewsPage.objects.live().search("除雪車").count() == 0
    assert [p.pk for p in NewsPage.objects.search("除雪車")] == [page.pk]  # still findable in the admin

    with committed():
        page.delete()
    assert index_pks(NewsPage, "除雪車") == set()


def test_rolled_back_change_never_reaches_the_index(committed):
    with committed():
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                Article.objects.create(title="取り消された除雪の記事")
                raise RuntimeError
    assert index_pks(Article, "除雪") == set()


def test_write_waits_for_commit(whoosh, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = Article.objects.create(title="人流データ")
        assert index_pks(Article, "人流") == set()
    for callback in callbacks:
        callback()
    assert index_pks(Article, "人流") == {str(article.pk)}


def test_rebuild_replaces_the_index_in_one_step(whoosh, committed):
    with committed():
        old = Article.objects.create(title="古い観光記事")
    Article.objects.filter(pk=old.pk).update(title="新しいインバウンド記事")
    index = get_search_backend().get_index_for_model(Article)
    rebuilder = WhooshRebuilder(index)
    session = rebuilder.start()
    session.add_items(Article, list(Article.objects.all()))
    # Until the rebuild commits, searches see the old index.
    assert index_pks(Article, "観光") == {str(old.pk)}
    rebuilder.finish()
    assert index_pks(Article, "観光") == set()
    assert index_pks(Article, "インバウンド") == {str(old.pk)}


def _docs(start, count):
    mapping = Mapping(Article)
    return [
        mapping.document(Article(pk=i, title=f"観光記事{i}", body="人流"))
        for i in range(start, start + count)
    ]


def _writer_process(path, start, count):
    """Add documents one commit at a time, to interleave with another process."""
    from django.conf import settings

    settings.SEARCH_INDEX_DIR = path
    index = get_search_backend().get_index_for_model(Article)
    for doc in _docs(start, count):
        index.write(lambda w, d=doc: w.update_document(**d))
    os._exit(0)


def test_two_writer_processes_both_land(whoosh, search_index_dir):
    index = get_search_backend().get_index_for_model(Article)
    index.open()
    procs = [FORK.Process(target=_writer_process, args=(search_index_dir, s, 25)) for s in (1000, 2000)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert index_pks(Article, "観光") == {str(i) for i in [*range(1000, 1025), *range(2000, 2025)]}


def _crashing_writer(path):
    """Write a segment, then die (SIGKILL) just before the new table of contents is renamed into place."""
    from django.conf import settings

    settings.SEARCH_INDEX_DIR = path
    real_rename = FileStorage.rename_file

    def rename_then_die(self, old, new, safe=False):
        if new.endswith(".toc"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real_rename(self, old, new, safe)

    FileStorage.rename_file = rename_then_die
    index = get_search_backend().get_index_for_model(Article)
    index.write(lambda w: [w.update_document(**d) for d in _docs(5000, 10)])
    os._exit(0)  # not reached


def _lock_holder(path, seconds):
    from django.conf import settings

    settings.SEARCH_INDEX_DIR = path
    writer = get_search_backend().get_index_for_model(Article).writer()
    time.sleep(seconds)
    writer.cancel()
    os._exit(0)


def test_writer_killed_mid_commit_leaves_a_usable_index(whoosh, search_index_dir):
    index = get_search_backend().get_index_for_model(Article)
    index.write(lambda w: [w.update_document(**d) for d in _docs(1, 5)])

    proc = FORK.Process(target=_crashing_writer, args=(search_index_dir,))
    proc.start()
    proc.join(60)
    assert proc.exitcode == -signal.SIGKILL

    # The old generation is intact and the lock died with the process.
    assert index_pks(Article, "観光") == {str(i) for i in range(1, 6)}
    index.write(lambda w: [w.update_document(**d) for d in _docs(6, 2)], timeout=5)
    assert index_pks(Article, "観光") == {str(i) for i in range(1, 8)}


def test_stale_lock_file_does_not_block(whoosh, search_index_dir):
    index = get_search_backend().get_index_for_model(Article)
    index.open()
    # A lock file left behind by a dead process: flock locks are gone with their process.
    (search_index_dir / Article._meta.app_label.lower()).mkdir(exist_ok=True)
    (index.path / "MAIN_WRITELOCK").touch()
    index.write(lambda w: [w.update_document(**d) for d in _docs(1, 1)], timeout=2)
    assert index_pks(Article, "観光") == {"1"}


def test_writer_waits_for_a_busy_lock(whoosh, search_index_dir):
    index = get_search_backend().get_index_for_model(Article)
    index.open()
    holder = FORK.Process(target=_lock_holder, args=(search_index_dir, 1.0))
    holder.start()
    time.sleep(0.3)
    started = time.monotonic()
    index.write(lambda w: [w.update_document(**d) for d in _docs(1, 1)], timeout=30)
    waited = time.monotonic() - started
    holder.join(10)
    assert waited > 0.2  # it did wait for the other process instead of failing or writing alongside
    assert index_pks(Article, "観光") == {"1"}


def test_index_of_an_earlier_version_is_replaced_not_a_crash(whoosh, committed, monkeypatch):
    """An index whose pickled schema names classes this version no longer has (the earlier custom posting format)
    is replaced by an empty one: searches find nothing (the site search queues a rebuild) instead of failing."""
    from whoosh import index as wi

    with committed():
        Article.objects.create(title="古い索引の記事")
    index = get_search_backend().get_index_for_model(Article)
    real_open_dir, real_create_in = wi.open_dir, wi.create_in
    replaced = []

    def old_schema(*args, **kwargs):
        if not replaced:  # every read of the old table of contents fails, until the index is created anew
            raise AttributeError(
                "Can't get attribute 'JapanesePositions' on <module 'portal.search.whoosh_analysis'>"
            )
        return real_open_dir(*args, **kwargs)

    def create_in(*args, **kwargs):
        replaced.append(1)
        return real_create_in(*args, **kwargs)

    monkeypatch.setattr(wi, "create_in", create_in)
    monkeypatch.setattr(wi, "open_dir", old_schema)
    index.open()
    assert index.is_empty()
    call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
    assert index_pks(Article, "古い索引") != set()
