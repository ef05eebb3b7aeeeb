import pytest

from tests import factories


@pytest.fixture
def startup_org(db):
    return factories.organisation("startup", name="株式会社テスト")


@pytest.fixture
def startup_user(startup_org):
    return factories.member(startup_org, email="founder@startup.example.jp")
