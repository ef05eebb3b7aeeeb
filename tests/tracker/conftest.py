import pytest

from tests import factories
from tests.tracker import factories as tf


@pytest.fixture
def ministry(db):
    return tf.ministry_user()


@pytest.fixture
def muni_org(db):
    return tf.municipality()


@pytest.fixture
def muni_user(muni_org):
    return factories.staff(muni_org)


@pytest.fixture
def su_org(db):
    return tf.startup()


@pytest.fixture
def su_user(su_org):
    return factories.member(su_org)


@pytest.fixture
def engagement(muni_org, su_org, ministry):
    return tf.engagement(municipality_org=muni_org, startup_org=su_org, actor=ministry)


@pytest.fixture
def budget(ministry):
    return tf.budget(1_000_000, actor=ministry)
