"""Demo data for `seed_demo`: what became of the FY2017 round's 7 matches, budgets, trips, an adoption and a case study.

    from portal.tracker.demo import create_demo_tracker
    create_demo_tracker(ministry=org, municipalities={code: org}, startups={slug: org}, matches=data.FY2017_MATCHES)

Idempotent: an engagement that exists for a pair in FY2017 is left alone (and so is everything hanging from it).
Everything goes through the services (history, ledger, audit), then dates are set back to FY2017 where it matters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Membership, Organisation, User
from portal.accounts.workspaces import staff_groups_sync
from portal.challenges.models import ChallengePage
from portal.core.calendar import current_fiscal_year, today_jst
from portal.core.fiscal import JST, fiscal_year_bounds
from portal.geo.models import LocalGovernment

from . import services
from .models import CaseStudyPage, Engagement, FiscalBudget, StageChange, TravelRequest

FY = 2017


@dataclass(frozen=True)
class DemoEngagement:
    code: str
    slug: str
    challenge_slug: str
    title: str
    steps: tuple[tuple[str, str], ...]  # (transition, reason)
    report: str
    figures: tuple[int | None, int | None, int | None] = (None, None, None)  # residents, saved, contract


PLANS = [
    DemoEngagement(
        "372013",
        "data-cradle-sanuki",
        "takamatsu-rental-bicycle",
        "レンタサイクルの利用分析",
        (("consult", "初回訪問で観光課とデータの範囲を確認"),),
        "レンタサイクルの貸出データ（国籍・年代別、同意取得済み）を共有いただき、分析の試作を協議中。",
    ),
    DemoEngagement(
        "372013",
        "setouchi-ecommerce-lab",
        "takamatsu-shopping-street-inbound",
        "商店街のインバウンド対応",
        (("consult", "商店街振興組合を交えて協議開始"),),
        "商店街の多言語EC導入について、組合と月1回の協議を継続しています。",
    ),
    DemoEngagement(
        "014877",
        "melody-care-link",
        "teshio-prenatal-checkup",
        "遠隔妊婦健診",
        (
            ("consult", "保健師と運用を協議"),
            ("plan_poc", "実証計画に合意"),
            ("start_poc", "妊婦5名で開始"),
            ("finish_poc", "3か月の実証を完了"),
            ("contract", "翌年度予算で随意契約"),
            ("deploy", "町内全域で本格導入"),
        ),
        "遠隔妊婦健診を本格導入。片道2時間の通院が月1回に減りました。",
        (38, 1_200_000, 4_800_000),
    ),
    DemoEngagement(
        "014877",
        "teshio-mobility",
        "",
        "オンデマンド乗合交通",
        (("consult", "交通事業者と協議"), ("end", "既存タクシー事業者との調整がつかず終了")),
        "需要調査の結果を共有し、協議を終了しました。",
    ),
    DemoEngagement(
        "262129",
        "tango-agri-sense",
        "",
        "耕作放棄地のセンシング",
        (
            ("consult", "農林水産課と協議"),
            ("plan_poc", "対象圃場を選定"),
            ("start_poc", "センサー20基を設置"),
            ("finish_poc", "1シーズンの計測を完了"),
        ),
        "センサー計測で獣害と土壌水分の関係が見えました。導入は次年度予算で検討中。",
        (None, 300_000, None),
    ),
    DemoEngagement(
        "431001",
        "kumamoto-resilience",
        "kumamoto-shelter-status",
        "避難所の開設状況の見える化",
        (
            ("consult", "危機管理防災課と協議"),
            ("plan_poc", "訓練での実証を計画"),
            ("start_poc", "総合防災訓練で実証"),
            ("finish_poc", "訓練での実証を完了"),
            ("contract", "システム導入の契約を締結"),
        ),
        "避難所の開設・混雑状況を地図で公開する仕組みを契約しました。",
        (12_000, None, 9_600_000),
    ),
    DemoEngagement(
        "431001",
        "bousai-alert",
        "",
        "防災情報の一斉配信",
        (("consult", "協議開始"), ("stall", "市の防災システム更新を待って保留")),
        "市のシステム更新時期が決まるまで保留としています。",
    ),
]


def _member(org: Organisation, *, kind: str) -> User:
    """An existing member of the organisation, or a quiet demo account (no usable password, not printed)."""
    m = Membership.objects.filter(organisation=org).select_related("user").order_by("pk").first()
    if m is not None:
        return m.user
    user, _ = User.objects.get_or_create(
        email=f"{org.slug}@{kind}.demo.xact.example.jp",
        defaults={"family_name": str(org.name)[:60], "is_staff": kind == "municipality"},
    )
    if not user.has_usable_password():
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": Membership.Role.ADMIN})
    staff_groups_sync(user=user)
    return user


def _backdate(engagement: Engagement, opened: dt.datetime) -> None:
    Engagement.objects.filter(pk=engagement.pk).update(
        opened_at=opened, fiscal_year=FY, stage_changed_at=opened, last_activity_at=timezone.now()
    )


def create_demo_tracker(
    *,
    ministry: Organisation,
    municipalities: dict[str, Organisation],
    startups: dict[str, Organisation],
    matches: list[tuple[str, str]],
) -> list[Engagement]:
    """One engagement per FY2017 match (code, startup slug), in the stage its plan gives (consultation if none)."""
    plans = {(p.code, p.slug): p for p in PLANS}
    ministry_user = _member(ministry, kind="ministry")
    created = []
    with transaction.atomic():
        for year, amount in ((FY, 3_000_000), (current_fiscal_year(), 5_000_000)):
            if not FiscalBudget.objects.filter(fiscal_year=year).exists():
                services.fiscal_budget_set(
                    fiscal_year=year, amount_yen=amount, actor=ministry_user, note="旅費支援（デモ）"
                )
        for n, (code, slug) in enumerate(matches):
            plan = plans.get((code, slug)) or DemoEngagement(
                code, slug, "", "", (("consult", "協議開始"),), "協議中です。"
            )
            muni, startup = municipalities.get(plan.code), startups.get(plan.slug)
            if muni is None or startup is None:
                continue
            if Engagement.objects.filter(municipality=muni, startup=startup, fiscal_year=FY).exists():
                continue
            challenge = (
                ChallengePage.objects.filter(slug=plan.challenge_slug).first()
                if plan.challenge_slug
                else None
            )
            opened = dt.datetime(2017, 11, 1 + n, 10, tzinfo=JST)
            engagement = services.engagement_open(
                municipality=muni,
                startup=startup,
                challenge=challenge,
                source=Engagement.Source.OUTSIDE,
                actor=ministry_user,
                reason="平成29年度 StartupXAct のマッチング",
                title=plan.title,
            )
            _backdate(engagement, opened)
            engagement.refresh_from_db()
            su_user, muni_user = _member(startup, kind="startup"), _member(muni, kind="municipality")
            _trip_fy2017(engagement, su_user, ministry_user, day=dt.date(2017, 12, 4 + n))
            for transition, reason in plan.steps:
                actor = muni_user if transition in {"start_poc", "contract", "deploy"} else su_user
                services.engagement_transition(
                    engagement=engagement, transition=transition, actor=actor, reason=reason
                )
            residents, saved, contract = plan.figures
            services.progress_report_create(
                engagement=engagement,
                actor=muni_user,
                text=plan.report,
                residents_served=residents,
                cost_saved_yen=saved,
                contract_value_yen=contract,
            )
            engagement.refresh_from_db()
            created.append(engagement)
            if plan.code == "372013":  # Takamatsu kept consulting: trips this fiscal year
                first, _last = fiscal_year_bounds(current_fiscal_year())
                day = max(
                    first, today_jst() - dt.timedelta(days=20 - 10 * (plan.slug == "data-cradle-sanuki"))
                )
                trip = _new_trip(engagement, su_user, day)
                if plan.slug == "setouchi-ecommerce-lab":
                    services.travel_request_approve(request=trip, actor=ministry_user)
            if plan.slug == "melody-care-link":
                _adoption_and_case_study(engagement, municipalities, ministry_user, muni_user, su_user)
        StageChange.objects.filter(engagement__fiscal_year=FY).update(at=dt.datetime(2018, 3, 1, tzinfo=JST))
    return created


def _new_trip(engagement, user, day):
    origin = services.default_origin(engagement.startup) or LocalGovernment.objects.get(code="130001")
    end = day + dt.timedelta(days=1)
    est = services.travel_estimate(
        origin=origin,
        destination=engagement.municipality.local_government,
        travellers=1,
        departure_date=day,
        return_date=end,
    )
    return services.travel_request_create(
        engagement=engagement,
        actor=user,
        origin=origin,
        departure_date=day,
        return_date=end,
        travellers=1,
        traveller_names="担当エンジニア",
        purpose="継続協議と現地確認",
        transport=est.mode,
        fares_yen=est.fares,
        lodging_yen=est.lodging,
        allowance_yen=est.daily_allowance,
    )


DEMO_RECEIPT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _trip_fy2017(engagement, user, ministry_user, *, day: dt.date) -> TravelRequest:
    """The first visit in FY2017: requested, approved, settled on receipts a little below, paid."""
    trip = _new_trip(engagement, user, day)
    services.travel_request_approve(request=trip, actor=ministry_user)
    actual_fares = max(0, trip.estimate_fares_yen - 1_240)
    services.travel_request_settle(
        request=trip,
        actor=user,
        fares_yen=actual_fares,
        lodging_yen=trip.estimate_lodging_yen,
        allowance_yen=trip.estimate_allowance_yen,
        receipts=[SimpleUploadedFile("receipt.pdf", DEMO_RECEIPT, content_type="application/pdf")],
    )
    services.travel_request_pay(request=trip, actor=ministry_user, paid_on=today_jst())
    TravelRequest.objects.filter(pk=trip.pk).update(paid_on=day + dt.timedelta(days=30))
    return trip


def _adoption_and_case_study(origin, municipalities, ministry_user, muni_user, su_user) -> None:
    adopter = municipalities.get("262129")  # Kyotango adopts Teshio's remote prenatal check-ups
    if adopter is not None:
        req = services.adoption_request_create(
            origin=origin,
            municipality=adopter,
            actor=ministry_user,
            message="山間部の妊婦の通院負担が同じ課題です。",
        )
        services.adoption_link(adoption_request=req, actor=ministry_user, reason="天塩町での成果を確認")
    if not CaseStudyPage.objects.filter(engagement=origin).exists():
        page = services.case_study_draft(
            engagement=origin, actor=ministry_user, title="天塩町：遠隔妊婦健診で通院負担を減らす"
        )
        services.case_study_approve(page=page, actor=muni_user)
        services.case_study_approve(page=page, actor=su_user)
