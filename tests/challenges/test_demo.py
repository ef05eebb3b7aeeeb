import pytest

from portal.challenges.demo import CHALLENGES, create_demo_challenges
from portal.challenges.models import ChallengePage
from portal.challenges.status import ChallengeStatus
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db


def test_demo_challenges_cover_every_state_and_are_idempotent():
    codes = {spec.code for spec in CHALLENGES}
    municipalities = {code: cf.municipality(code, f"市{code}", slug=f"demo-{code}") for code in codes}
    created = create_demo_challenges(cf.index_page(), municipalities)
    assert len(created) >= 30
    live = ChallengePage.objects.live()
    assert {c.status for c in live} == {s.value for s in ChallengeStatus}
    assert ChallengePage.objects.filter(live=False).exists()  # drafts too
    assert create_demo_challenges(cf.index_page(), municipalities) == []
