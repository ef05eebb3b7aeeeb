"""Long posting lists (several blocks per term and segment), in the packed block format and in Whoosh's own
(an index written before the packed blocks): every document containing the query is found, none other, also
after edits and deletions that leave a segment's cached postings in place."""

import pytest
from modelsearch.backends import get_search_backend
from whoosh import query as wq

from portal.search.analysis import normalize
from portal.search.backend import engine, lengths
from tests.search.testapp.models import Article

pytestmark = pytest.mark.django_db

BODIES = [
    "除雪車の運行状況を地図で公開する",  # 除雪車 together
    "除雪の作業日と車の点検を記録する",  # 除雪 and 車 apart
    "道路の除雪、除雪車の待機場所、車両の点検",  # both, twice 除雪
]
QUERIES = ["除雪車", "除雪", "車両", "除雪 点検", "雪車", "地図"]


def expected(query):
    parts = normalize(query).split()
    return {a.pk for a in Article.objects.all() if all(p in normalize(f"{a.title} {a.body}") for p in parts)}


def check_queries():
    for query in QUERIES:
        results = Article.objects.search(query)
        found = {a.pk for a in results}
        assert found == expected(query), query
        assert results.count() == len(found), query


@pytest.mark.parametrize(
    "packed,compression",
    [(True, 0), (True, 3), (False, 3)],
    ids=["packed", "packed-zlib", "whoosh-blocks"],
)
def test_long_posting_lists_find_exactly_the_documents_containing_the_query(
    committed, monkeypatch, packed, compression
):
    # packed-zlib: packed blocks compressed, as the writer made them before blocks were stored uncompressed.
    monkeypatch.setattr(lengths.FastSegmentWriter, "packed", packed)
    monkeypatch.setattr(lengths, "POSTINGS_COMPRESSION", compression)
    # 除雪 in every document: more postings than one block holds (lengths.BLOCK_LIMIT, Whoosh's 128).
    count = lengths.BLOCK_LIMIT + 100
    with committed():
        objs = Article.objects.bulk_create(
            [Article(title=f"記事{i}", body=BODIES[i % 3]) for i in range(count)]
        )
        get_search_backend().add_bulk(Article, objs)
    check_queries()

    # Edits and deletions: new small segments, deletions in the big one whose postings are cached by now.
    changed = Article.objects.order_by("pk")[:: count // 7]
    with committed():
        for i, article in enumerate(changed):
            if i % 2:
                article.delete()
            else:
                article.body = "地図で見る車両の位置"
                article.save()
    assert engine.postings_cache.items, "the first searches filled the postings cache"
    check_queries()


def test_scores_are_whooshs_bm25f_with_deleted_documents_counted_as_whoosh_counts_them(committed):
    """The engine takes each term's document frequency from the postings it read (no second look-up); the
    scores must stay exactly those of Whoosh's own BM25F matching, also once segments carry deletions."""
    with committed():
        Article.objects.bulk_create([Article(title=f"記事{i}", body=BODIES[i % 3]) for i in range(300)])
        get_search_backend().add_bulk(Article, list(Article.objects.all()))
    with committed():
        for i, article in enumerate(Article.objects.order_by("pk")[::9]):
            if i % 2:
                article.delete()
            else:
                article.body = "地図で見る車両の位置と除雪"
                article.save()
    searcher = get_search_backend().get_index_for_model(Article).searcher()
    assert len(searcher.leaf_searchers()) > 1 and searcher.doc_count() < searcher.doc_count_all()
    eng = engine.Engine.of(searcher)
    fields = [name for name in searcher.schema.names() if eng.is_text(name)]
    assert fields
    compared = 0
    for field in fields:
        for text in ("除雪", "点検", "地図", "車両"):
            q = wq.Term(field, text)
            ids, scores = eng.run(q)
            ours = dict(zip(ids.tolist(), scores.tolist(), strict=True))
            whoosh = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
            assert ours.keys() == whoosh.keys(), (field, text)
            for docnum, score in whoosh.items():
                assert ours[docnum] == pytest.approx(score, rel=1e-9), (field, text, docnum)
            compared += len(whoosh)
    assert compared > 300


def test_small_segments_merged_together_keep_every_posting(committed):
    """Each save is its own small segment; past ``index.MAX_SEGMENTS`` a write merges them (the merge feeds the
    segments' postings back through the writer's term pool)."""
    from portal.search.backend.index import MAX_SEGMENTS

    for i in range(MAX_SEGMENTS * 2):
        with committed():
            Article.objects.create(title=f"記事{i}", body=BODIES[i % 3])
    searcher = get_search_backend().get_index_for_model(Article).searcher()
    assert len(searcher.leaf_searchers()) < MAX_SEGMENTS * 2, "small segments were merged"
    check_queries()


def test_term_pool_orders_postings_that_arrive_out_of_order():
    pool = lengths.TermPool()
    for docnum in (5, 2, 9):
        pool.add(("body", b"x", docnum, 1.0, b"v%d" % docnum))
    pool.add(("body", b"a", 1, 2.0, b""))
    assert pool.unordered
    assert list(pool.iter_postings()) == [
        ("body", b"a", 1, 2.0, b""),
        ("body", b"x", 2, 1.0, b"v2"),
        ("body", b"x", 5, 1.0, b"v5"),
        ("body", b"x", 9, 1.0, b"v9"),
    ]
