import pytest

from tests.search.testapp.models import Article

pytestmark = pytest.mark.django_db


def test_article_found_by_bigram(committed):
    with committed():
        a = Article.objects.create(title="除雪車の位置情報", body="札幌市の冬")
        Article.objects.create(title="除去と雪", body="関係ない")
    assert list(Article.objects.search("除雪")) == [a]
    assert list(Article.objects.search("雪車")) == [a]
    assert Article.objects.search("除雪").count() == 1
