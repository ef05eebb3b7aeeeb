"""Builders for the portal side of matching: two municipalities with staff and challenges, startups with profiles,
an application, ministry staff. Used by tests/matching/test_portal_*.py and the browser test."""

from __future__ import annotations

from portal.accounts.models import Organisation, StartupProfile
from portal.applications import services as application_services
from portal.core.models import Theme
from tests import factories
from tests.challenges import factories as challenge_factories

PROPOSAL = {
    "approach": "除雪車にGPSを付け、位置情報を地図で市民に公開します。",
    "expected_outcome": "除雪の問い合わせ電話を減らします。",
    "timeline": "4か月",
    "cost_estimate_yen": 1_200_000,
    "needs_from_municipality": "除雪車の運行データ",
}


def startup(
    slug: str, name: str, *, pref: str, description: str, themes=(), stage: str = "early"
) -> Organisation:
    org = factories.organisation(
        Organisation.Kind.STARTUP, name=name, slug=slug, prefecture=factories.prefecture(pref)
    )
    profile = StartupProfile.objects.get(organisation=org)
    profile.description = description
    profile.stage = stage
    profile.save()
    profile.themes.set(Theme.objects.filter(slug__in=themes))
    return org


class World:
    """Everyone a matching test needs."""

    def __init__(self):
        self.ministry = challenge_factories.ministry()
        self.ministry_user = challenge_factories.staff(self.ministry, email="staff@mic.example.jp")
        self.muni_x = challenge_factories.municipality("372013", "高松市", slug="takamatsu")
        self.muni_y = challenge_factories.municipality("014877", "天塩町", slug="teshio")
        self.staff_x = challenge_factories.staff(self.muni_x, email="staff@takamatsu.example.jp")
        self.staff_y = challenge_factories.staff(self.muni_y, email="staff@teshio.example.jp")
        self.challenge_x = challenge_factories.challenge(
            municipality_org=self.muni_x,
            title="除雪車の位置情報を市民に届けたい",
            summary="除雪車がいまどこを走っているかを市民に知らせたい。",
            background="大雪の日は除雪の問い合わせ電話が市役所に集中する。",
            themes=["snow-removal", "administration-dx"],
        )
        self.challenge_y = challenge_factories.challenge(
            municipality_org=self.muni_y,
            title="遠隔で妊婦健診を受けられるようにしたい",
            summary="産婦人科のない町で妊婦健診を遠隔で行いたい。",
            background="町内に産婦人科がなく、妊婦は片道2時間かけて通院している。",
            themes=["health", "childcare"],
        )
        self.snow = startup(
            "snow-tech",
            "株式会社スノーテック",
            pref="37",
            description="除雪車の位置情報をGPSで集め、地図で市民に公開するサービス。",
            themes=["snow-removal"],
        )
        self.medical = startup(
            "melody",
            "メロディ・インターナショナル株式会社",
            pref="37",
            description="遠隔で妊婦健診を行う胎児モニターとクラウドのサービス。",
            themes=["health", "childcare"],
        )
        self.other = startup(
            "tourism-lab",
            "株式会社観光ラボ",
            pref="13",
            description="観光客の人の流れを分析するダッシュボード。",
            themes=["tourism"],
        )
        self.snow_user = factories.member(self.snow, email="founder@snow.example.jp")
        self.medical_user = factories.member(self.medical, email="founder@melody.example.jp")

    def apply(self, startup_user, challenge, *, shortlist: bool = False):
        application = application_services.application_start(
            challenge=challenge, actor=startup_user, **PROPOSAL
        )
        application_services.application_submit(application=application, actor=startup_user)
        if shortlist:
            staff = self.staff_x if challenge.municipality_id == self.muni_x.pk else self.staff_y
            application_services.application_shortlist(application=application, actor=staff)
        application.refresh_from_db()
        return application

    def reasons_case(self):
        """A finished run whose proposals for challenge x carry every kind of reason: the shortlisted first choice
        with a track record in the challenge's theme (assigned), a scouted look-alike (the first alternate), an
        applicant that fits poorly, and a startup the municipality declared a conflict of interest with."""
        from matching import services as matching_services
        from portal.applications.services.conflicts import conflict_declare
        from portal.applications.services.preferences import application_set_preference
        from portal.applications.services.profile import track_record_add

        self.lookalike = startup(
            "yukimichi",
            "株式会社ユキミチ",
            pref="37",
            description="除雪車の位置を地図で市民に知らせるアプリ。",
            themes=["snow-removal"],
        )
        track_record_add(
            organisation=self.snow,
            actor=self.snow_user,
            local_government=self.muni_x.local_government,
            year=2024,
            theme=Theme.objects.get(slug="snow-removal"),
            outcome="poc",
            summary="除雪車GPSの実証実験",
        )
        application = self.apply(self.snow_user, self.challenge_x, shortlist=True)
        application_set_preference(application=application, rank=1, by=self.snow_user)
        self.apply(self.medical_user, self.challenge_x)
        conflict_declare(person=self.staff_x, startup=self.other, reason="代表者が市の審査委員")
        run = matching_services.match_run_create(actor=self.ministry_user)
        return matching_services.match_run_execute(run=run)
