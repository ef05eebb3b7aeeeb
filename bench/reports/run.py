"""Time the reports on the generated data (bench/reports/generate.py): the annual results report of FY2017 with its
300 engagements (target ≤ 10 s) and one trip's claim form through its view (target ≤ 0.5 s); medians of several runs.

    .venv/bin/python bench/reports/run.py [--annual-runs 5] [--claim-runs 15]

Prints the machine's load (uptime) before and after, each run's time, and the medians against the targets.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.reports.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from portal.accounts.models import User  # noqa: E402
from portal.reports.rendering import annual_report_pdf  # noqa: E402
from portal.tracker.models import Engagement, TravelRequest  # noqa: E402

FY = 2017
ANNUAL_TARGET_S = 10.0
CLAIM_TARGET_S = 0.5


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--annual-runs", type=int, default=5)
    parser.add_argument("--claim-runs", type=int, default=15)
    args = parser.parse_args()
    engagements = Engagement.objects.filter(fiscal_year=FY).count()
    if not engagements:
        raise SystemExit("no data: run bench/reports/generate.py first")
    print(f"load before: {load()}")
    print(f"FY{FY}: {engagements} engagements, {TravelRequest.objects.filter(fiscal_year=FY).count()} trips")

    sizes = []

    def annual():
        with translation.override("ja"):
            sizes.append(len(annual_report_pdf(fiscal_year=FY)))

    annual()  # warm-up: imports, fontconfig, font subsetting caches
    annual_times = timed(annual, args.annual_runs)

    trip = TravelRequest.objects.filter(fiscal_year=FY, state="paid").order_by("pk").first()
    client = Client()
    client.force_login(User.objects.get(email="ministry@bench.example.jp"))
    url = reverse("reports:claim_form", args=[trip.pk])

    def claim():
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    claim()
    claim_times = timed(claim, args.claim_runs)
    print(f"load after:  {load()}")
    annual_median, claim_median = statistics.median(annual_times), statistics.median(claim_times)
    print(
        "annual report runs (s): "
        + ", ".join(f"{t:.2f}" for t in annual_times)
        + f"; PDF {sizes[-1]:,} bytes"
    )
    print("claim form runs (s):    " + ", ".join(f"{t:.3f}" for t in claim_times))
    print(
        f"annual report median {annual_median:.2f} s (target ≤ {ANNUAL_TARGET_S:.0f} s): "
        f"{'OK' if annual_median <= ANNUAL_TARGET_S else 'OVER'}"
    )
    print(
        f"claim form median    {claim_median:.3f} s (target ≤ {CLAIM_TARGET_S} s): "
        f"{'OK' if claim_median <= CLAIM_TARGET_S else 'OVER'}"
    )


if __name__ == "__main__":
    main()
