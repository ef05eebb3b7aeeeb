"""Create the load benchmark's data in its own PostgreSQL database (bench/load/settings.py): the demo programme
(`seed_demo`), then, at scale, the people and things the simulated users work on:

- open, published challenges of generated municipalities (two staff each, who review applications to them);
- startups with one member each (they apply), some of them with applications already submitted (to review);
- ministry staff (they approve travel), engagements with requested trips in the current fiscal year, and that
  year's travel budget set so that only part of the requests fit (`--budget-share`), so approvals run into it.

Every write goes through the apps' services (audit events, notifications, ledger), as the portal makes them.
Everyone generated has an e-mail `load-…@bench.example.jp` and the password `LOAD_PASSWORD`.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE xact_load"
    .venv/bin/python bench/load/generate.py                  # about 2 minutes on 2 cores
    .venv/bin/python bench/load/generate.py --small --no-demo # the CI test's few rows, seconds
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal.accounts.models import Membership, Organisation, StartupProfile, User  # noqa: E402
from portal.accounts.roles import group_for_organisation  # noqa: E402
from portal.applications import services as applications  # noqa: E402
from portal.challenges.models import ChallengeIndexPage  # noqa: E402
from portal.challenges.services import challenge_create  # noqa: E402
from portal.core.calendar import current_fiscal_year, today_jst  # noqa: E402
from portal.core.fiscal import fiscal_year_bounds  # noqa: E402
from portal.core.models import Theme  # noqa: E402
from portal.geo.models import LocalGovernment  # noqa: E402
from portal.tracker import services as tracker  # noqa: E402
from portal.tracker.models import Engagement, FiscalBudget, TravelRequest, TravelState  # noqa: E402

LOAD_PASSWORD = "load-bench-2026!"
DOMAIN = "bench.example.jp"
TOPICS = [
    ("除雪", "除雪車の位置情報を住民に公開したい", "snow-removal"),
    ("子育て", "子育て世帯への情報提供を一か所にまとめたい", "childcare"),
    ("観光", "インバウンド観光客の動きを知りたい", "tourism"),
    ("見守り", "高齢者の見守りを地域で続けたい", "elderly-care"),
    ("避難所", "避難所の混雑状況を知らせたい", "disaster-prevention"),
    ("農地", "耕作放棄地を手間をかけずに把握したい", "agriculture"),
    ("ドローン", "ドローンで橋梁点検を効率化したい", "infrastructure"),
    ("AI", "AIで窓口の問い合わせに答えたい", "administration-dx"),
]
PROPOSAL = {
    "approach": "現地で職員の方と課題を整理し、既存の仕組みを小さく試します。",
    "expected_outcome": "三か月で効果と費用を比べられる数字を出します。",
    "timeline": "1か月目に準備、2か月目に実証、3か月目に評価。",
    "cost_estimate_yen": 1_200_000,
    "needs_from_municipality": "担当課の方との週一回の打ち合わせ",
}


def _users(specs: list[tuple[str, str, bool]], password_hash: str) -> dict[str, User]:
    """Create (e-mail, family name, is_staff) users with one shared password hash, verified and active."""
    now = timezone.now()
    made = User.objects.bulk_create(
        User(
            email=email,
            family_name=family,
            is_staff=staff,
            password=password_hash,
            email_verified_at=now,
            is_active=True,
        )
        for email, family, staff in specs
    )
    return {u.email: u for u in made}


def _join(users, org: Organisation, group: Group | None) -> None:
    Membership.objects.bulk_create(
        Membership(user=u, organisation=org, role=Membership.Role.ADMIN) for u in users
    )
    # bulk_create sends no signals: put the users in their municipality's own group too (portal/accounts/workspaces.py).
    for g in (group, org.staff_group):
        if g is not None:
            g.user_set.add(*users)


def generate(args) -> dict:
    rng = random.Random(2026)
    password_hash = make_password(LOAD_PASSWORD)
    now = timezone.now()
    fy = current_fiscal_year()
    first_day, last_day = fiscal_year_bounds(fy)
    groups = {g.name: g for g in Group.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    index = ChallengeIndexPage.objects.first()

    # Ministry staff (approve travel).
    ministry = Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).first()
    if ministry is None:
        ministry = Organisation.objects.create(kind=Organisation.Kind.MINISTRY, name="総務省", slug="mic")
    specs = [(f"load-ministry{i}@{DOMAIN}", "総務", True) for i in range(args.ministry_users)]
    ministry_users = list(_users(specs, password_hash).values())
    _join(ministry_users, ministry, groups.get(group_for_organisation(ministry)))
    actor = ministry_users[0]

    # Municipalities with staff (review) and open challenges.
    taken = set(
        Organisation.objects.exclude(local_government=None).values_list("local_government_id", flat=True)
    )
    lgs = [lg for lg in LocalGovernment.objects.filter(kind="city").order_by("code") if lg.pk not in taken]
    rng.shuffle(lgs)
    municipalities = []
    for n, lg in enumerate(lgs[: args.municipalities]):
        org = Organisation.objects.create(
            kind=Organisation.Kind.MUNICIPALITY,
            name=lg.name_ja,
            slug=f"load-m{n}",
            local_government=lg,
            prefecture=lg.prefecture,
        )
        specs = [
            (f"load-m{n}-staff{k}@{DOMAIN}", lg.name_ja[:20], True)
            for k in range(args.staff_per_municipality)
        ]
        _join(list(_users(specs, password_hash).values()), org, groups.get(group_for_organisation(org)))
        municipalities.append(org)
    challenges = []
    for n in range(args.challenges):
        word, title, theme = TOPICS[n % len(TOPICS)]
        org = municipalities[n % len(municipalities)]
        challenges.append(
            challenge_create(
                index_page=index,
                municipality=org,
                title=f"{title}（{org.name}）",
                summary=f"{org.name}の{word}に関する課題です。",
                background=f"{word}の担当者が少なく、手作業が多い。",
                desired_outcome=f"{word}の作業時間を半分にしたい。",
                themes=[themes[theme]] if theme in themes else [],
                application_opens=now - dt.timedelta(days=10),
                application_closes=now + dt.timedelta(days=60),
                publish=True,
                slug=f"load-{n}",
                budget_min_yen=500_000,
                budget_max_yen=3_000_000,
            )
        )

    # Startups with one member each (apply, and request travel).
    startups = []
    tokyo = LocalGovernment.objects.get(code="130001")
    for n in range(args.startups):
        org = Organisation.objects.create(
            kind=Organisation.Kind.STARTUP,
            name=f"株式会社ロード{n:03d}",
            slug=f"load-s{n}",
            prefecture=tokyo.prefecture,
        )
        StartupProfile.objects.create(
            organisation=org, is_public=True, description="負荷試験用のスタートアップ"
        )
        startups.append(org)
    specs = [(f"load-s{n}@{DOMAIN}", f"創業者{n}", False) for n in range(args.startups)]
    members = list(_users(specs, password_hash).values())
    Membership.objects.bulk_create(
        Membership(user=u, organisation=org, role=Membership.Role.ADMIN)
        for u, org in zip(members, startups, strict=True)
    )

    # Applications already submitted, for the reviewers (each startup to different challenges).
    submitted = 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        pairs = set()
        for n in range(args.applications):
            pair = (n % len(members), (n * 7 + n // len(members)) % len(challenges))
            if pair in pairs:
                continue
            pairs.add(pair)
            member, challenge = members[pair[0]], challenges[pair[1]]
            application = applications.application_start(challenge=challenge, actor=member, **PROPOSAL)
            applications.application_submit(application=application, actor=member)
            submitted += 1

        # Engagements with up to three requested trips each in this fiscal year (ministry approves them).
        departure = max(first_day, min(today_jst(), last_day) - dt.timedelta(days=2))
        trips = []
        for n in range(args.engagements):
            org, member = startups[n % len(startups)], members[n % len(members)]
            engagement = tracker.engagement_open(
                municipality=municipalities[n % len(municipalities)],
                startup=org,
                source=Engagement.Source.OUTSIDE,
                actor=actor,
                reason="負荷試験",
                title=f"ロード{n}",
            )
            if n == 0:
                _ensure_budget(fy, actor)
            for _k in range(args.trips_per_engagement):
                trips.append(
                    tracker.travel_request_create(
                        engagement=engagement,
                        actor=member,
                        origin=tokyo,
                        departure_date=departure,
                        return_date=departure + dt.timedelta(days=1),
                        travellers=1,
                        traveller_names="担当者",
                        purpose="現地での打ち合わせ",
                        transport="express",
                        fares_yen=rng.randrange(20_000, 60_000, 100),
                        lodging_yen=11_800,
                        allowance_yen=4_400,
                    )
                )
    # The year's budget: what is already committed plus a share of everything requested, so it runs out.
    budget = FiscalBudget.objects.get(fiscal_year=fy)
    requested = sum(
        TravelRequest.objects.filter(fiscal_year=fy, state=TravelState.REQUESTED).values_list(
            "estimate_total_yen", flat=True
        )
    )
    committed = budget.reserved_yen + budget.settled_yen + budget.paid_yen
    amount = committed + int(requested * args.budget_share)
    tracker.fiscal_budget_set(fiscal_year=fy, amount_yen=amount, actor=actor, note="負荷試験")
    return {
        "ministry_users": len(ministry_users),
        "municipalities": len(municipalities),
        "challenges": len(challenges),
        "startups": len(startups),
        "submitted_applications": submitted,
        "requested_trips": len(trips),
        "fiscal_year": fy,
        "budget_yen": amount,
        "requested_yen": requested,
        "committed_before_yen": committed,
    }


def _ensure_budget(fy: int, actor) -> None:
    """Trips can only be requested in a year with a budget; the real amount is set at the end."""
    if not FiscalBudget.objects.filter(fiscal_year=fy).exists():
        tracker.fiscal_budget_set(fiscal_year=fy, amount_yen=1, actor=actor, note="負荷試験")


PRESETS = {
    # 20 municipalities × 2 staff, 60 challenges, 200 startups, 150 submitted applications, 300 trips; the budget
    # covers a quarter of the trips.
    "full": dict(
        budget_share=0.25,
        ministry_users=3,
        municipalities=20,
        staff_per_municipality=2,
        challenges=60,
        startups=200,
        applications=150,
        engagements=100,
        trips_per_engagement=3,
    ),
    "small": dict(
        budget_share=0.3,
        ministry_users=1,
        municipalities=2,
        staff_per_municipality=1,
        challenges=6,
        startups=6,
        applications=6,
        engagements=4,
        trips_per_engagement=3,
    ),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="the CI test's few rows")
    parser.add_argument("--no-demo", action="store_true", help="skip seed_demo (the demo programme)")
    parser.add_argument("--skip-migrate", action="store_true", help="the database is migrated already")
    parser.add_argument(
        "--budget-share",
        type=float,
        default=None,
        help="share of the requested trips' total that the year's budget covers (default 0.25; "
        "--small 0.3): approvals run into the budget within a run",
    )
    for name, default in PRESETS["full"].items():
        if name == "budget_share":
            continue
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=None, help=f"default {default}")
    args = parser.parse_args(argv)
    preset = PRESETS["small" if args.small else "full"]
    for name, default in preset.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    started = time.perf_counter()
    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    if User.objects.filter(email__endswith=f"@{DOMAIN}", email__startswith="load-").exists():
        print("already generated (drop and re-create the database to start again)")
        return
    if not args.no_demo:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
    with transaction.atomic():
        figures = generate(args)
    # The site search reads the Whoosh index in BENCH_DIR: build it from what is now in the database.
    call_command("update_index", verbosity=0, stdout=open(os.devnull, "w"))
    print(", ".join(f"{k}={v}" for k, v in figures.items()))
    print(f"generated in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
