"""Names follow each language's order: 田中 誠 (さん) in Japanese, Makoto Tanaka in English when given."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories


@pytest.fixture
def tanaka(db):
    org = factories.organisation("startup", name="データクレイドル")
    return factories.member(
        org,
        email="tanaka@example.jp",
        family_name="田中",
        given_name="誠",
        family_name_en="Tanaka",
        given_name_en="Makoto",
        email_verified_at=timezone.now(),
    )


def test_the_name_in_each_languages_order(tanaka):
    with translation.override("ja"):
        assert tanaka.get_full_name() == "田中 誠"
    with translation.override("en"):
        assert tanaka.get_full_name() == "Makoto Tanaka"


def test_without_an_english_name_english_keeps_the_japanese_order(db):
    sato = factories.user(email="sato@example.jp", family_name="佐藤", given_name="花子")
    with translation.override("en"):
        assert sato.get_full_name() == "佐藤 花子"  # never "花子 佐藤"


def test_my_page_greets_in_each_language(client, tanaka):
    client.force_login(tanaka)
    page = client.get(reverse("startups:mypage")).content.decode()
    assert "ようこそ、田中 誠 さん。" in page
    with translation.override("en"):
        url = reverse("startups:mypage")
    page = client.get(url).content.decode()
    assert "Welcome, Makoto Tanaka." in page
