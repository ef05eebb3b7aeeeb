"""Builders for reports tests: the world a test starts from."""

from __future__ import annotations

from portal.core.calendar import today_jst
from portal.tracker import services
from tests import factories
from tests.tracker import factories as tf


class World:
    def __init__(self):
        self.ministry = tf.ministry_user()
        self.muni_a = tf.municipality()  # 高松市
        self.muni_b = tf.municipality("014877", "天塩町")
        self.staff_a = factories.staff(self.muni_a)
        self.staff_b = factories.staff(self.muni_b)
        self.startup_a = tf.startup(name="株式会社データクレイドル")
        self.startup_b = tf.startup(name="株式会社メロディ")
        self.user_a = factories.member(self.startup_a)
        self.user_b = factories.member(self.startup_b)
        self.eng_a = tf.engagement(
            municipality_org=self.muni_a,
            startup_org=self.startup_a,
            actor=self.ministry,
            title="レンタサイクルの利用分析",
        )
        self.eng_b = tf.engagement(
            municipality_org=self.muni_b,
            startup_org=self.startup_b,
            actor=self.ministry,
            title="遠隔妊婦健診",
        )
        self.budget = tf.budget(1_000_000, actor=self.ministry)

    def paid_trip(self, engagement=None, user=None, *, actual=(38_000, 11_800, 4_400)):
        engagement = engagement or self.eng_a
        user = user or self.user_a
        trip = tf.travel_request(engagement, user)
        services.travel_request_approve(request=trip, actor=self.ministry)
        services.travel_trip_done(request=trip, actor=user)
        fares, lodging, allowance = actual
        trip = tf.settle(trip, user, fares=fares, lodging=lodging, allowance=allowance)
        return services.travel_request_pay(request=trip, actor=self.ministry, paid_on=today_jst())
