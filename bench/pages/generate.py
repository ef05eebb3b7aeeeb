"""Create the page benchmark's data (bench/pages/settings.py: a SQLite file in BENCH_DIR, or DATABASE_URL):
the demo programme (`seed_demo`: site tree, content pages, themes), then in bulk

- live challenges over 300 municipalities (default 10,000; pages and their rows written with bulk inserts, the
  page tree's paths computed here — `add_child` per page would take minutes),
- startups with a profile and one member each (default 50,000),
- submitted, shortlisted and declined applications (default 200,000), unique per startup and challenge,
- engagements of the benchmark startup, and two finished matching runs of 730 proposals each (the second compared
  with the first on its review page),
- the people the measured pages are seen as: a startup member, municipality staff, ministry staff
  (e-mail `pages-…@bench.example.jp`, password PASSWORD),

then the search index (`update_index`). `--scale 0.1` makes a tenth of every count except the 730 proposals.

    .venv/bin/python -m bench.pages.generate [--scale 1.0]                 # SQLite in /tmp/xact-bench-pages
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xact_bench .venv/bin/python -m bench.pages.generate
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.pages.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page  # noqa: E402

from bench.load.generate import _join, _users  # noqa: E402
from matching.models import MatchProposal, MatchRun  # noqa: E402
from portal.accounts.models import Membership, Organisation, StartupProfile, User  # noqa: E402
from portal.accounts.roles import group_for_organisation  # noqa: E402
from portal.applications.models import Application, ApplicationState  # noqa: E402
from portal.challenges.models import ChallengeIndexPage, ChallengePage  # noqa: E402
from portal.core.models import Theme  # noqa: E402
from portal.geo.models import LocalGovernment  # noqa: E402
from portal.tracker import services as tracker  # noqa: E402
from portal.tracker.models import Engagement  # noqa: E402

PASSWORD = "pages-bench-2026!"
DOMAIN = "bench.example.jp"
WORDS = [
    "除雪",
    "観光",
    "見守り",
    "子育て",
    "避難所",
    "レンタサイクル",
    "農地",
    "橋梁点検",
    "チャットボット",
    "電力",
]
PROPOSALS = 730
BATCH = 2000
STARTUP_USER = f"pages-startup@{DOMAIN}"
MUNICIPALITY_USER = f"pages-municipality@{DOMAIN}"
MINISTRY_USER = f"pages-ministry@{DOMAIN}"
ALPHABET = Page.alphabet  # treebeard's path alphabet; each level is Page.steplen characters


def _step(n: int) -> str:
    digits = ""
    while True:
        n, r = divmod(n, len(ALPHABET))
        digits = ALPHABET[r] + digits
        if n == 0:
            return digits.rjust(Page.steplen, ALPHABET[0])


def _insert_child_rows(model, objects) -> None:
    """Insert the rows of a multi-table child model (Django's bulk_create refuses those) for parents that exist."""
    fields = model._meta.local_concrete_fields
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608


def challenges(n: int, municipalities, themes, rng) -> list[int]:
    """n live challenges under the challenge index, in bulk: Page rows, then the challenge rows and themes."""
    index = ChallengeIndexPage.objects.get()
    last = index.get_last_child()
    first = 1 + (int(last.path[-Page.steplen :], len(ALPHABET)) if last else 0)
    content_type = ContentType.objects.get_for_model(ChallengePage)
    through = ChallengePage.themes.through
    now = timezone.now()
    ids = []
    for start in range(0, n, BATCH):
        pages, specifics = [], []
        for i in range(start, min(start + BATCH, n)):
            opens = now + dt.timedelta(days=rng.randint(-200, 60))
            word = rng.choice(WORDS)
            low = rng.choice([None, 500_000, 1_000_000, 3_000_000])
            slug = f"b{i}"
            fields = dict(
                title=f"{word}の課題 {i}",
                draft_title=f"{word}の課題 {i}",
                slug=slug,
                content_type=content_type,
                live=True,
                has_unpublished_changes=False,
                depth=index.depth + 1,
                path=index.path + _step(first + i),
                numchild=0,
                url_path=f"{index.url_path}{slug}/",
                locale_id=index.locale_id,
                translation_key=uuid.uuid4(),
                first_published_at=opens - dt.timedelta(days=7),
                last_published_at=opens - dt.timedelta(days=7),
            )
            pages.append(Page(**fields))
            specifics.append(
                dict(
                    municipality=rng.choice(municipalities),
                    summary=f"{word}に関する地域の課題です。",
                    background=f"{word}について、職員の手作業が多く負担になっている。" * 3,
                    desired_outcome="効果を測れる小さな実証から始めたい。",
                    application_opens=opens,
                    application_closes=opens + dt.timedelta(days=rng.randint(14, 90)),
                    budget_min_yen=low,
                    budget_max_yen=(low * 3) if low else None,
                    outcome=rng.choice(["", "", "", "matched", "no_match"]),
                )
            )
        with transaction.atomic():
            Page.objects.bulk_create(pages)
            rows = [ChallengePage(page_ptr_id=p.pk, **s) for p, s in zip(pages, specifics, strict=True)]
            _insert_child_rows(ChallengePage, rows)
            through.objects.bulk_create(
                through(challengepage_id=p.pk, theme_id=t.pk)
                for p in pages
                for t in rng.sample(themes, rng.randint(1, 3))
            )
            Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + len(pages))
        ids += [p.pk for p in pages]
        print(f"\r  challenges {start + len(pages)}/{n}", end="", flush=True)
    print()
    return ids


def startups(n: int, password_hash: str, prefecture) -> list[Organisation]:
    orgs = Organisation.objects.bulk_create(
        (
            Organisation(
                kind=Organisation.Kind.STARTUP,
                name=f"株式会社ベンチ{i:05d}",
                slug=f"pages-s{i}",
                prefecture=prefecture,
            )
            for i in range(n)
        ),
        batch_size=BATCH,
    )
    StartupProfile.objects.bulk_create(
        (
            StartupProfile(organisation=o, is_public=True, description="性能測定用のスタートアップ")
            for o in orgs
        ),
        batch_size=BATCH,
    )
    members = User.objects.bulk_create(
        (
            User(
                email=f"pages-s{i}@{DOMAIN}",
                family_name=f"創業者{i}",
                password=password_hash,
                is_active=True,
                email_verified_at=timezone.now(),
            )
            for i in range(n)
        ),
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        (
            Membership(user=u, organisation=o, role=Membership.Role.ADMIN)
            for u, o in zip(members, orgs, strict=True)
        ),
        batch_size=BATCH,
    )
    return orgs


def applications(n: int, startup_ids: list[int], challenge_ids: list[int], rng) -> None:
    """n sent applications, each (startup, challenge) pair once; the benchmark startup (the first) has 30."""
    states = (
        [ApplicationState.SUBMITTED] * 6 + [ApplicationState.SHORTLISTED] * 2 + [ApplicationState.DECLINED]
    )
    now = timezone.now()
    pairs = {(startup_ids[0], c) for c in rng.sample(challenge_ids, min(30, len(challenge_ids)))}
    while len(pairs) < n:
        pairs.add((rng.choice(startup_ids), rng.choice(challenge_ids)))
    rows = sorted(pairs)
    for start in range(0, len(rows), BATCH * 5):
        Application.objects.bulk_create(
            (
                Application(
                    startup_id=s,
                    challenge_id=c,
                    state=rng.choice(states),
                    approach="現地で職員の方と課題を整理し、既存の仕組みを小さく試します。",
                    expected_outcome="三か月で効果と費用を比べられる数字を出します。",
                    cost_estimate_yen=1_200_000,
                    submitted_at=now - dt.timedelta(minutes=rng.randint(1, 200_000)),
                )
                for s, c in rows[start : start + BATCH * 5]
            ),
            batch_size=BATCH,
        )
        print(f"\r  applications {min(start + BATCH * 5, len(rows))}/{len(rows)}", end="", flush=True)
    print()


def matching_runs(ministry_user, startup_ids, challenge_ids, rng) -> MatchRun:
    """Two finished runs of PROPOSALS proposals each; the second names the first as its previous run."""
    now = timezone.now()
    previous = None
    for k in range(2):
        run = MatchRun.objects.create(
            status=MatchRun.Status.DONE,
            started_by=ministry_user,
            previous=previous,
            started_at=now - dt.timedelta(hours=2 - k),
            finished_at=now - dt.timedelta(hours=2 - k, minutes=-5),
            progress=100,
        )
        chosen = rng.sample(challenge_ids, PROPOSALS // 5 + 1)
        pairs = set()
        while len(pairs) < PROPOSALS:
            pairs.add((rng.choice(chosen), rng.choice(startup_ids[:2000])))
        proposals = []
        ranks: dict[int, int] = {}
        for challenge_id, startup_id in sorted(pairs):
            ranks[challenge_id] = ranks.get(challenge_id, 0) + 1
            proposals.append(
                MatchProposal(
                    run=run,
                    challenge_id=challenge_id,
                    startup_id=startup_id,
                    score=rng.random(),
                    rank=ranks[challenge_id],
                    assigned=ranks[challenge_id] == 1,
                    travel_cost_yen=rng.randrange(0, 80_000, 100),
                    factors={"text": rng.random(), "theme": rng.random(), "travel": rng.random()},
                    keywords=["除雪", "位置情報"],
                    reason="課題の要件とスタートアップの技術が合っている。",
                )
            )
        MatchProposal.objects.bulk_create(proposals, batch_size=BATCH)
        previous = run
    return previous


def generate(args) -> dict:
    rng = random.Random(20)
    scale = args.scale
    n_challenges, n_startups, n_applications = (
        int(10_000 * scale),
        int(50_000 * scale),
        int(200_000 * scale),
    )
    password_hash = make_password(PASSWORD)
    groups = {g.name: g for g in Group.objects.all()}
    themes = list(Theme.objects.all())
    # 300 municipalities (those of the demo first), one staff user for the first.
    taken = set(
        Organisation.objects.exclude(local_government=None).values_list("local_government_id", flat=True)
    )
    lgs = list(LocalGovernment.objects.exclude(kind="prefecture").exclude(pk__in=taken).order_by("code"))
    municipalities = list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY))
    municipalities += Organisation.objects.bulk_create(
        Organisation(
            kind=Organisation.Kind.MUNICIPALITY,
            name=lg.name_ja,
            slug=f"pages-m{lg.code}",
            local_government=lg,
            prefecture_id=lg.prefecture_id,
        )
        for lg in lgs[: max(0, 300 - len(municipalities))]
    )
    with transaction.atomic():
        challenge_ids = challenges(n_challenges, municipalities, themes, rng)
    started = time.perf_counter()
    with transaction.atomic():
        tokyo = LocalGovernment.objects.get(code="130001")
        orgs = startups(n_startups, password_hash, tokyo.prefecture)
        startup_ids = [o.pk for o in orgs]
        applications(n_applications, startup_ids, challenge_ids, rng)
    print(f"  startups and applications: {time.perf_counter() - started:.0f} s")
    # The people the pages are seen as.
    ministry = Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).first()
    (ministry_user,) = _users([(MINISTRY_USER, "総務", True)], password_hash).values()
    _join([ministry_user], ministry, groups.get(group_for_organisation(ministry)))
    busiest = ChallengePage.objects.get(pk=challenge_ids[0]).municipality
    (muni_user,) = _users([(MUNICIPALITY_USER, "市役所", True)], password_hash).values()
    _join([muni_user], busiest, groups.get(group_for_organisation(busiest)))
    startup_user = User.objects.get(email=f"pages-s0@{DOMAIN}")
    User.objects.filter(pk=startup_user.pk).update(email=STARTUP_USER)
    # Engagements of the benchmark startup (My page lists them) and across municipalities (the tracker dashboard).
    for k in range(max(5, int(200 * scale))):
        tracker.engagement_open(
            municipality=municipalities[k % len(municipalities)],
            startup=orgs[0] if k < 5 else orgs[k],
            source=Engagement.Source.OUTSIDE,
            actor=ministry_user,
            reason="性能測定",
            title=f"ベンチ{k}",
        )
    run = matching_runs(ministry_user, startup_ids, challenge_ids, rng)
    return {
        "challenges": len(challenge_ids),
        "startups": len(orgs),
        "applications": n_applications,
        "matching_run": run.pk,
        "municipality": busiest.slug,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="share of the full size (10,000 challenges …)"
    )
    parser.add_argument("--no-index", action="store_true", help="skip update_index")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if User.objects.filter(email=MINISTRY_USER).exists():
        print("already generated (remove BENCH_DIR or re-create the database to start again)")
        return
    if not Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).exists():
        call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
    print(f"  demo: {time.perf_counter() - started:.0f} s")
    figures = generate(args)
    if not args.no_index:
        t0 = time.perf_counter()
        call_command("update_index", verbosity=0, stdout=open(os.devnull, "w"))
        print(f"  search index: {time.perf_counter() - t0:.0f} s")
    print(", ".join(f"{k}={v}" for k, v in figures.items()))
    print(f"generated in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
