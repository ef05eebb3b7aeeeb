"""Long posting lists (several blocks per term and segment), in the packed block format and in Whoosh's own
(an index written before the packed blocks): every document containing the query is found, none other, also
after edits and deletions that leave a segment's cached postings in place."""

import pytest
from modelsearch.backends import get_search_backend

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


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "whoosh-blocks"])
def test_long_posting_lists_find_exactly_the_documents_containing_the_query(committed, monkeypatch, packed):
    monkeypatch.setattr(lengths.FastSegmentWriter, "packed", packed)
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
