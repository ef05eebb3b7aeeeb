"""Generate FY2017 programme data for the reports benchmark: 300 engagements (default) across 40 municipalities and
120 startups in varied stages, with progress reports, stage histories, and a paid trip for every other engagement.

    .venv/bin/python bench/reports/generate.py [--engagements 300]    # into $BENCH_DIR (/tmp/xact-bench-reports)

Everything goes through the tracker's services (audit events, ledger entries and all), then engagements are dated
into FY2017 as the demo data does.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.reports.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from portal.accounts.models import Membership, Organisation, StartupProfile, User  # noqa: E402
from portal.core.calendar import today_jst  # noqa: E402
from portal.geo.models import LocalGovernment  # noqa: E402
from portal.tracker import services  # noqa: E402
from portal.tracker.models import Engagement, StageChange  # noqa: E402

JST = ZoneInfo("Asia/Tokyo")
FY = 2017
RECEIPT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PATHS = [
    (),
    (("consult", "協議開始"),),
    (("consult", "協議開始"), ("plan_poc", "実証計画を策定")),
    (("consult", "協議開始"), ("plan_poc", "実証計画"), ("start_poc", "実証開始")),
    (
        ("consult", "協議開始"),
        ("plan_poc", "実証計画"),
        ("start_poc", "実証開始"),
        ("finish_poc", "実証完了"),
    ),
    (
        ("consult", "協議"),
        ("plan_poc", "計画"),
        ("start_poc", "開始"),
        ("finish_poc", "完了"),
        ("contract", "契約締結"),
    ),
    (("consult", "協議"), ("contract", "随意契約"), ("deploy", "全庁で本格導入")),
    (("consult", "協議"), ("stall", "予算化を待って保留")),
    (("consult", "協議"), ("end", "他の手段で解決したため終了")),
]
TITLES = [
    "除雪車の位置情報の公開",
    "レンタサイクルの利用分析",
    "遠隔妊婦健診",
    "見守りタグによる登下校の見守り",
    "LINEでごみ収集日を通知",
    "避難所の混雑状況の公開",
    "デマンドバスの運行",
    "鳥獣被害対策",
    "図書館の蔵書検索",
    "インバウンド観光の動向分析",
]


def _user(email, **extra):
    user = User.objects.create_user(email=email, password=None, **extra)
    return user


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engagements", type=int, default=300)
    args = parser.parse_args()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Engagement.objects.exists():
        print(f"already generated: {Engagement.objects.count()} engagements")
        return
    rng = random.Random(2017)
    ministry = Organisation.objects.create(kind=Organisation.Kind.MINISTRY, name="総務省", slug="mic")
    ministry_user = _user("ministry@bench.example.jp", is_staff=True, family_name="総務")
    Membership.objects.create(user=ministry_user, organisation=ministry, role=Membership.Role.ADMIN)
    services.fiscal_budget_set(fiscal_year=FY, amount_yen=100_000_000, actor=ministry_user, note="bench")
    lgs = list(LocalGovernment.objects.filter(kind="city").order_by("code")[:400])
    rng.shuffle(lgs)
    municipalities = []
    for n, lg in enumerate(lgs[:40]):
        org = Organisation.objects.create(
            kind=Organisation.Kind.MUNICIPALITY,
            name=lg.name_ja,
            slug=f"m{n}",
            local_government=lg,
            prefecture=lg.prefecture,
        )
        staff = _user(f"m{n}@bench.example.jp", is_staff=True, family_name=lg.name_ja[:10])
        Membership.objects.create(user=staff, organisation=org, role=Membership.Role.ADMIN)
        municipalities.append((org, staff))
    startups = []
    tokyo = LocalGovernment.objects.get(code="130001")
    for n in range(120):
        org = Organisation.objects.create(
            kind=Organisation.Kind.STARTUP,
            name=f"株式会社ベンチ{n:03d}",
            slug=f"s{n}",
            prefecture=tokyo.prefecture,
        )
        StartupProfile.objects.create(organisation=org)
        member = _user(f"s{n}@bench.example.jp", family_name=f"創業者{n}")
        Membership.objects.create(user=member, organisation=org, role=Membership.Role.ADMIN)
        startups.append((org, member))
    for n in range(args.engagements):
        (muni, staff), (startup, member) = rng.choice(municipalities), startups[n % len(startups)]
        with transaction.atomic():
            eng = services.engagement_open(
                municipality=muni,
                startup=startup,
                source=Engagement.Source.OUTSIDE,
                actor=ministry_user,
                reason="ベンチマーク",
                title=rng.choice(TITLES),
            )
            opened = dt.datetime(2017, 6, 1, 10, tzinfo=JST) + dt.timedelta(hours=n)
            Engagement.objects.filter(pk=eng.pk).update(
                opened_at=opened, fiscal_year=FY, stage_changed_at=opened
            )
            eng.refresh_from_db()
            if n % 2 == 0:
                day = dt.date(2017, 7, 1) + dt.timedelta(days=n % 200)
                trip = services.travel_request_create(
                    engagement=eng,
                    actor=member,
                    origin=tokyo,
                    departure_date=day,
                    return_date=day + dt.timedelta(days=1),
                    travellers=1,
                    traveller_names="担当者",
                    purpose="現地訪問",
                    transport="express",
                    fares_yen=30_000 + n * 10,
                    lodging_yen=11_800,
                    allowance_yen=4_400,
                )
                services.travel_request_approve(request=trip, actor=ministry_user)
                services.travel_request_settle(
                    request=trip,
                    actor=member,
                    fares_yen=29_000 + n * 10,
                    lodging_yen=11_800,
                    allowance_yen=4_400,
                    receipts=[SimpleUploadedFile("r.pdf", RECEIPT, content_type="application/pdf")],
                )
                services.travel_request_pay(request=trip, actor=ministry_user, paid_on=today_jst())
            for transition, reason in PATHS[n % len(PATHS)]:
                actor = staff if transition in {"start_poc", "contract", "deploy"} else member
                services.engagement_transition(
                    engagement=eng, transition=transition, actor=actor, reason=reason
                )
            services.progress_report_create(
                engagement=eng,
                actor=staff,
                text=f"{eng.title}の進捗を報告します。住民の利用が広がっています。" * 2,
                residents_served=rng.randrange(0, 20_000),
                cost_saved_yen=rng.randrange(0, 5_000_000),
                contract_value_yen=rng.choice([None, 1_200_000, 9_600_000]),
            )
    StageChange.objects.filter(engagement__fiscal_year=FY).update(at=dt.datetime(2018, 3, 1, tzinfo=JST))
    print(f"generated {Engagement.objects.count()} engagements in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
