"""The site search page measured, not only the engine: GET /search/?q=… (counts per type, theme facets, the first
page with highlighted snippets) over N challenges, with the portal's backend and, in the same run, Wagtail's stock
database backend (the baseline: it answers, but finds nothing inside Japanese words).

    XACT_VAR_DIR=/tmp/xact-bench-site .venv/bin/python bench/search/site.py [N, default 5000]

Challenges come from bench/catalogue/generate.py. With DATABASE_URL=postgres://… the portal's backend is PostgreSQL.
"""

import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "catalogue"), str(HERE.parent.parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalogue_bench_settings")
os.environ.setdefault("RATE_LIMIT_SEARCH", "1000000/m")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from generate import main as generate  # noqa: E402

QUERIES = [
    "除雪",
    "人流",
    "子育て",
    "見守り",
    "観光",
    "AI",
    "除雪 課題",
    "職員",
    "手作業",
    "実証",
    "雪",
    "負担",
]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(client, rounds=3):
    for q in QUERIES:  # warm-up
        client.get("/search/", {"q": q})
    samples = []
    for _ in range(rounds):
        for q in QUERIES:
            start = time.perf_counter()
            response = client.get("/search/", {"q": q})
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
    return samples


def main(n: int):
    generate(n)
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    portal = dict(settings.WAGTAILSEARCH_BACKENDS)
    start = time.perf_counter()
    call_command("update_index", verbosity=0)
    print(f"{n} challenges; rebuild with {portal['default']['BACKEND']}: {time.perf_counter() - start:.1f} s")
    found = client.get("/search/", {"q": "除雪"}).content.decode()
    assert "<mark>除雪</mark>の課題" in found, "the portal's backend finds nothing"
    ours = measure(client)
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "modelsearch.backends.database"}}
    call_command("update_index", verbosity=0)
    base = measure(client)
    settings.WAGTAILSEARCH_BACKENDS = portal
    print(
        f"/search/ with facets, portal backend: p50 {statistics.median(ours):.0f} ms, p95 {pct(ours, 95):.0f} ms; "
        f"stock database backend: p50 {statistics.median(base):.0f} ms, p95 {pct(base, 95):.0f} ms; "
        f"p95 ratio {pct(ours, 95) / pct(base, 95):.2f}×"
    )
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
