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


def test_three_character_term_is_a_phrase_not_its_bigrams_apart(committed):
    with committed():
        apart = Article.objects.create(title="東京と京都の観光", body="東京から京都へ")
        together = Article.objects.create(title="東京都の観光", body="都内")
    assert list(Article.objects.search("東京都")) == [together]
    assert Article.objects.search("東京都").count() == 1
    assert set(Article.objects.search("京都")) == {apart, together}  # 東京都 contains 京都


def test_latin_word_then_one_kanji_matches_a_longer_word(committed):
    with committed():
        longer = Article.objects.create(title="AI車両の実証", body="", views=2)
        exact = Article.objects.create(title="AI車の試験", body="", views=1)
        Article.objects.create(title="AIと車", body="AIと車両")  # ai and 車 not next to each other
        Article.objects.create(title="電車の時刻", body="AI")
    assert set(Article.objects.search("AI車")) == {longer, exact}
    assert Article.objects.search("AI車").count() == 2
    # Ordered by a field the query goes through Whoosh's own matching, which must agree.
    assert list(Article.objects.order_by("views").search("AI車", order_by_relevance=False)) == [exact, longer]
