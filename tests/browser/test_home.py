import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_home_page_renders_in_chromium(page):
    page.goto("/")
    assert "自治体の課題" in page.content()
