"""The PostgreSQL backend: the analyzer's terms stored as they are, phrases across the parts of a long text, index
rows in the publish's own transaction, the same documents found as with Whoosh, a constant number of queries."""

import pytest
from django.db import connection, transaction
from modelsearch.backends import get_search_backend
from wagtail.models import Page

from portal.search import postgres as pgsearch
from portal.search.models import IndexEntry
from tests.search.relevance_data import DOCS, QUERIES
from tests.search.testapp.models import Article, NewsPage

pytestmark = pytest.mark.django_db


def test_tsvector_literal_holds_the_analyzers_terms_and_positions():
    # No database needed: the literal is built in Python from portal.search.analysis.
    assert pgsearch.tsvectors("除雪車") == ["'除雪':1 '雪車':2 '車':3"]
    assert pgsearch.tsvectors("AI除雪 it's") == ["'ai':1 '除雪':2 '雪':3 'it':4 's':5"]
    assert pgsearch.phrase_tsquery(["除雪", "雪車"]) == "'除雪' <-> '雪車'"
    assert pgsearch.phrase_tsquery(["ai", "車"]) == "'ai' <-> '車':*"
    assert pgsearch.phrase_tsquery(["o'neil"]) == "'o''neil'"


def test_long_text_is_split_in_overlapping_parts():
    text = "あ" * (pgsearch.CHUNK * 2 + 10)
    parts = pgsearch.tsvectors(text)
    assert len(parts) == 3
    # Every position of a part is within PostgreSQL's limit, and parts overlap by the longest query phrase.
    assert parts[0].endswith(f",{pgsearch.CHUNK + pgsearch.OVERLAP}")
    assert parts[2].endswith("'あ':10")


def test_postgres_stores_the_literal_unchanged(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector::text", ["'除雪':1 '雪車':2 '車':3 'ai':4"])
        assert cursor.fetchone()[0] == "'ai':4 '車':3 '除雪':1 '雪車':2"
        cursor.execute("SELECT %s::tsvector @@ %s::tsquery", ["'ai':1 '車両':2 '両':3", "'ai' <-> '車':*"])
        assert cursor.fetchone()[0] is True


def test_phrase_far_into_a_long_body_and_across_parts(postgres):
    filler = "あい" * 10000  # 20,000 positions: beyond PostgreSQL's 16,383
    boundary = "う" * (pgsearch.CHUNK - 2)
    far = Article.objects.create(title="長文", body=filler + "除雪車の位置")
    across = Article.objects.create(title="境目", body=boundary + "東京都の観光")
    assert [a.pk for a in Article.objects.search("除雪車")] == [far.pk]
    assert [a.pk for a in Article.objects.search("東京都の観光")] == [across.pk]
    assert IndexEntry.objects.filter(object_id=str(far.pk), field="t__body").count() > 1


def test_index_rows_are_written_in_the_publishing_transaction(postgres):
    root = Page.objects.get(depth=1)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            page = root.add_child(instance=NewsPage(title="見守りタグの配布", body="登下校", live=False))
            page.save_revision().publish()
            # Inside the transaction, before any commit: the rows are there and the search finds the page.
            assert IndexEntry.objects.filter(object_id=str(page.pk)).exists()
            assert [p.pk for p in NewsPage.objects.live().search("見守り")] == [page.pk]
            raise RuntimeError  # the publish rolls back, and its index rows with it
    assert not IndexEntry.objects.filter(index_name="wagtailcore_page").exists()
    assert NewsPage.objects.search("見守り").count() == 0


def test_finds_exactly_what_whoosh_finds(postgres, search_index_dir, django_capture_on_commit_callbacks):
    objs = Article.objects.bulk_create([Article(title=t, body=b, category=k) for k, (t, b) in DOCS.items()])
    pg = get_search_backend()
    pg.add_bulk(Article, objs)
    whoosh = get_search_backend("portal.search.backend")
    with django_capture_on_commit_callbacks(execute=True):
        whoosh.add_bulk(Article, objs)
    queries = [q for q, _, _ in QUERIES] + ["除", "AI車", "東京都", "snow removal", "人流 子育て"]
    for query in queries:
        for operator in ("and", "or"):
            found_pg = {a.pk for a in pg.search(query, Article, operator=operator)}
            found_whoosh = {a.pk for a in whoosh.search(query, Article, operator=operator)}
            assert found_pg == found_whoosh, (query, operator)
        assert {a.pk for a in pg.autocomplete(query, Article)} == {
            a.pk for a in whoosh.autocomplete(query, Article)
        }


def test_count_page_and_facets_take_a_constant_number_of_queries(postgres, django_assert_max_num_queries):
    Article.objects.bulk_create(
        [Article(title=f"除雪の記事{i}", body="道路", category=("snow", "road")[i % 2]) for i in range(30)]
    )
    get_search_backend().add_bulk(Article, list(Article.objects.all()))
    results = Article.objects.search("除雪")
    with django_assert_max_num_queries(4):
        assert results.count() == 30
        assert len(list(results[:10])) == 10
        assert dict(results.facet("category")) == {"snow": 15, "road": 15}


def test_a_write_takes_the_objects_lock_even_for_a_new_object(postgres):
    """The advisory lock that makes two writers of one object take turns is taken before the delete reads any row
    (a constant condition), also when the object has no rows yet."""
    article = Article(pk=987654, title="新しい記事")
    with transaction.atomic():
        get_search_backend().get_index_for_model(Article).add_items(Article, [article])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            )
            assert cursor.fetchone()[0] == 1
        assert (
            IndexEntry.objects.filter(object_id="987654").count() == 2
        )  # title (search) + title (autocomplete)
