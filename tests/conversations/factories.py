"""Builders for conversations tests: the world a test starts from."""

from __future__ import annotations

from portal.accounts.models import Membership, Organisation
from portal.applications import services as application_services
from tests import factories
from tests.applications.factories import PROPOSAL
from tests.challenges import factories as challenge_factories
from tests.tracker import factories as tracker_factories


class World:
    def __init__(self):
        self.startup_a = factories.organisation(
            Organisation.Kind.STARTUP, name="株式会社エー", slug="startup-a"
        )
        self.startup_b = factories.organisation(
            Organisation.Kind.STARTUP, name="株式会社ビー", slug="startup-b"
        )
        self.user_a = factories.member(self.startup_a, email="a@startup.example.jp")
        self.user_a2 = factories.member(
            self.startup_a, email="a2@startup.example.jp", role=Membership.Role.MEMBER
        )
        self.user_b = factories.member(self.startup_b, email="b@startup.example.jp")
        self.muni_x = challenge_factories.municipality("372013", "高松市", slug="takamatsu")
        self.muni_y = challenge_factories.municipality("014877", "天塩町", slug="teshio")
        self.staff_x = challenge_factories.staff(self.muni_x, email="staff@takamatsu.example.jp")
        self.staff_y = challenge_factories.staff(self.muni_y, email="staff@teshio.example.jp")
        self.ministry = challenge_factories.ministry()
        self.ministry_user = challenge_factories.staff(self.ministry, email="staff@mic.example.jp")
        self.challenge_x = challenge_factories.challenge(municipality_org=self.muni_x, title="除雪の見える化")
        self.challenge_y = challenge_factories.challenge(municipality_org=self.muni_y, title="遠隔妊婦健診")
        self.app_ax = self.submitted(self.user_a, self.challenge_x)
        self.app_by = self.submitted(self.user_b, self.challenge_y)
        self.engagement_xa = tracker_factories.engagement(
            municipality_org=self.muni_x,
            startup_org=self.startup_a,
            actor=self.ministry_user,
            title="除雪の連携",
        )

    def submitted(self, user, challenge):
        application = application_services.application_start(challenge=challenge, actor=user, **PROPOSAL)
        application_services.application_submit(application=application, actor=user)
        return application

    @property
    def everyone(self) -> dict:
        return {
            "A": self.user_a,
            "B": self.user_b,
            "X": self.staff_x,
            "Y": self.staff_y,
            "M": self.ministry_user,
        }
