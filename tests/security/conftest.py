import pytest

from tests import factories


@pytest.fixture
def ministry_user(db):
    org = factories.organisation("ministry", name="総務省", name_en="Ministry")
    return factories.staff(org, email="officer@soumu.example.jp")


@pytest.fixture
def municipality_user(db):
    org = factories.organisation(
        "municipality", name="高松市", local_government=factories.local_government("372013")
    )
    return factories.staff(org, email="staff@city.takamatsu.example.jp")
