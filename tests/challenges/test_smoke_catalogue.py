import pytest

from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db


def test_catalogue_and_detail_render(client):
    page = cf.challenge(title="除雪車の位置情報を住民に知らせたい")
    response = client.get("/challenges/")
    assert response.status_code == 200
    assert "除雪車の位置情報" in response.content.decode()
    detail = client.get(page.url)
    assert detail.status_code == 200
