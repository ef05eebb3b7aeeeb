"""Create the benchmark database: migrations, municipalities, and N challenges over them (default 10,000).

XACT_VAR_DIR=/tmp/xact-bench-catalogue .venv/bin/python bench/catalogue/generate.py [N]
"""

import datetime as dt
import os
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalogue_bench_settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal.accounts.models import Organisation  # noqa: E402
from portal.challenges.models import ChallengeIndexPage, ChallengePage  # noqa: E402
from portal.core.models import Theme  # noqa: E402
from portal.geo.models import LocalGovernment  # noqa: E402

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


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    existing = ChallengePage.objects.count()
    if existing >= n:
        print(f"{existing} challenges already there")
        return
    rng = random.Random(42)
    lgs = list(LocalGovernment.objects.exclude(kind="prefecture").order_by("code")[:300])
    orgs = []
    for lg in lgs:
        org, _ = Organisation.objects.get_or_create(
            local_government=lg,
            defaults={
                "kind": "municipality",
                "name": lg.name_ja,
                "slug": f"lg-{lg.code}",
                "prefecture": lg.prefecture,
            },
        )
        orgs.append(org)
    themes = list(Theme.objects.all())
    index = ChallengeIndexPage.objects.get()
    through = ChallengePage.themes.through
    now = timezone.now()
    for start in range(existing, n, 500):
        links = []
        with transaction.atomic():
            for i in range(start, min(start + 500, n)):
                opens = now + dt.timedelta(days=rng.randint(-200, 60))
                word = rng.choice(WORDS)
                low = rng.choice([None, 500_000, 1_000_000, 3_000_000])
                page = ChallengePage(
                    title=f"{word}の課題 {i}",
                    slug=f"c{i}",
                    municipality=rng.choice(orgs),
                    summary=f"{word}に関する地域の課題です。",
                    background=f"{word}について、職員の手作業が多く負担になっている。" * 3,
                    desired_outcome="効果を測れる小さな実証から始めたい。",
                    application_opens=opens,
                    application_closes=opens + dt.timedelta(days=rng.randint(14, 90)),
                    budget_min_yen=low,
                    budget_max_yen=(low * 3) if low else None,
                    live=True,
                    first_published_at=opens - dt.timedelta(days=7),
                    outcome=rng.choice(["", "", "", "matched", "no_match"]),
                )
                index.add_child(instance=page)
                for theme in rng.sample(themes, rng.randint(1, 3)):
                    links.append(through(challengepage_id=page.pk, theme_id=theme.pk))
            through.objects.bulk_create(links)
            index.refresh_from_db()
        print(f"\r{min(start + 500, n)}/{n}", end="", flush=True)
    print()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
