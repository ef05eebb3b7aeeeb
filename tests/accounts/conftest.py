import pytest

from tests import factories


@pytest.fixture
def tokyo(db):
    return factories.prefecture("13")


@pytest.fixture
def ministry(db):
    return factories.organisation(
        "ministry", name="総務省", name_en="Ministry of Internal Affairs and Communications"
    )


@pytest.fixture
def takamatsu(db):
    return factories.organisation(
        "municipality", name="高松市", local_government=factories.local_government("372013")
    )


@pytest.fixture
def teshio(db):
    lg = factories.local_government("014877", name_ja="天塩町")
    return factories.organisation(
        "municipality", name="天塩町", local_government=lg, prefecture=lg.prefecture
    )
