"""Search benchmark: the portal's backend vs Wagtail's database backend on the same documents, in the same run.

    .venv/bin/python -m bench.search.run --docs 5000                          # Whoosh vs SQLite FTS5
    DJANGO_SETTINGS_MODULE=bench.search.settings_postgres \
        .venv/bin/python -m bench.search.run --docs 100000                    # PostgreSQL vs stock PostgreSQL

A results page is count + first 10 + the facet counts of one field (``category``).

Measures: full rebuild (``update_index``), indexing one changed document, p50/p95 latency of a results page
(count + first 10) over a fixed query mix — the first round (cold caches) on its own, then ``--rounds`` more —
and how many of the expected documents each backend finds. A document
is expected for a query when its normalised text contains every part of the query (substring truth).
"""

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.search.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models.signals import post_save  # noqa: E402
from modelsearch.backends import get_search_backend  # noqa: E402
from modelsearch.signal_handlers import post_save_signal_handler  # noqa: E402

from bench.search.generate import QUERIES, generate  # noqa: E402
from portal.search.analysis import normalize  # noqa: E402
from tests.search.testapp.models import Article  # noqa: E402

POSTGRES = connection.vendor == "postgresql"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn):
    """(wall seconds, CPU seconds of this process): on a shared machine the CPU time shows what the code costs
    when the wall time is inflated by other people's work."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def latency(backend_name, rounds):
    samples, cpu_samples = [], []
    for _ in range(rounds):
        for q in QUERIES:
            start, cpu = time.perf_counter(), time.process_time()
            results = Article.objects.search(q, backend=backend_name)
            results.count()
            list(results[:10])
            if backend_name == "default":  # the stock backends have no facets
                results.facet("category")
            samples.append((time.perf_counter() - start) * 1000)
            cpu_samples.append((time.process_time() - cpu) * 1000)
    return samples, cpu_samples


def recall(backend_name, truth):
    found_total = expected_total = 0
    per_query = {}
    for q in QUERIES:
        found = {a.pk for a in Article.objects.search(q, backend=backend_name)}
        hit = len(truth[q] & found)
        per_query[q] = (hit, len(truth[q]))
        found_total += hit
        expected_total += len(truth[q])
    return found_total, expected_total, per_query


def measure_updates():
    """20 updates of a random document: save + index, against the same save without search."""
    backend = get_search_backend("default")
    updates, updates_cpu, saves, saves_cpu = [], [], [], []
    for obj in Article.objects.order_by("?")[:20]:
        obj.title = obj.title + "（更新）"

        def save_only(o=obj):
            with transaction.atomic():
                Article.objects.filter(pk=o.pk).update(title=o.title)

        def save_and_index(o=obj):
            with transaction.atomic():
                Article.objects.filter(pk=o.pk).update(title=o.title)
                backend.add(o)  # PostgreSQL: in this transaction; Whoosh: when it commits (inside the timing)

        wall, cpu = timed(save_only)
        saves.append(wall * 1000)
        saves_cpu.append(cpu * 1000)
        wall, cpu = timed(save_and_index)
        updates.append(wall * 1000)
        updates_cpu.append(cpu * 1000)
    print(
        f"one update (save + index): median {statistics.median(updates):.1f} ms "
        f"(CPU {statistics.median(updates_cpu):.1f} ms), max {max(updates):.0f} ms; "
        f"the same save without search: median {statistics.median(saves):.1f} ms; "
        f"ratio {statistics.median(updates) / statistics.median(saves):.1f}×"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--updates-only", action="store_true", help="only the updates, on the documents there"
    )
    args = parser.parse_args()
    if args.updates_only:
        measure_updates()
        return

    call_command("migrate", verbosity=0)
    post_save.disconnect(post_save_signal_handler, sender=Article)  # bulk load without per-row indexing
    Article.objects.all().delete()
    docs = list(generate(args.docs))
    categories = ("snow", "flow", "kids", "watch", "tour", "line", "ai", "other")
    Article.objects.bulk_create(
        [Article(title=t, body=b, category=categories[i % len(categories)]) for i, (t, b) in enumerate(docs)],
        batch_size=2000,
    )
    chars = sum(len(t) + len(b) for t, b in docs)
    print(f"documents: {args.docs}, average {chars / args.docs:.0f} characters")

    print("load average before:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rebuild, rebuild_cpu = timed(lambda: call_command("update_index", backend_name="default", verbosity=0))
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rebuild_db, rebuild_db_cpu = timed(
        lambda: call_command("update_index", backend_name="database", verbosity=0)
    )
    print(
        f"rebuild: {'postgres' if POSTGRES else 'whoosh'} {rebuild:.1f} s (CPU {rebuild_cpu:.1f} s), "
        f"database {rebuild_db:.1f} s (CPU {rebuild_db_cpu:.1f} s); "
        f"portal / database = {rebuild / rebuild_db:.2f}"
    )
    print(f"rebuild: peak resident memory {rss_peak / 1024:.0f} MiB (before it {rss_before / 1024:.0f} MiB)")
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_indexentry')")
            size = cursor.fetchone()[0]
    else:
        index_dir = Path(settings.SEARCH_INDEX_DIR)
        size = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    print(f"index size: {size / 2**20:.1f} MiB ({size / chars:.1f} bytes per character of text)")

    measure_updates()

    truth = {}
    normalised = {a.pk: normalize(a.title + " " + a.body) for a in Article.objects.all()}
    for q in QUERIES:
        parts = normalize(q).split()
        truth[q] = {pk for pk, text in normalised.items() if all(p in text for p in parts)}

    p95 = {}
    for name in ("default", "database"):
        if POSTGRES:
            label = "postgres (portal)" if name == "default" else "database (Wagtail's stock PostgreSQL)"
        else:
            label = "whoosh" if name == "default" else "database (SQLite FTS5)"
        # The first round is also the warm-up; for Whoosh it is the round that decodes every posting list
        # (the engine's postings cache starts empty), so it is reported on its own.
        cold, cold_cpu = latency(name, 1)
        print(
            f"{label}, first round (cold caches): p50 {pct(cold, 50):.1f} ms, p95 {pct(cold, 95):.1f} ms, "
            f"max {max(cold):.1f} ms (CPU p50 {pct(cold_cpu, 50):.1f} ms, p95 {pct(cold_cpu, 95):.1f} ms)"
        )
        samples, cpu_samples = latency(name, args.rounds)
        found, expected, per_query = recall(name, truth)
        print(
            f"{label}: p50 {pct(samples, 50):.1f} ms, p95 {pct(samples, 95):.1f} ms, "
            f"max {max(samples):.1f} ms (CPU p50 {pct(cpu_samples, 50):.1f} ms, p95 {pct(cpu_samples, 95):.1f} ms); "
            f"expected documents found {found}/{expected}"
        )
        p95[name] = (pct(cold, 95), pct(samples, 95))
        misses = {q: f"{h}/{e}" for q, (h, e) in per_query.items() if h < e}
        if misses:
            print("  queries missing documents:", misses)
    print(
        "p95, portal / database (the same machine, the same moment): "
        f"first round {p95['default'][0] / p95['database'][0]:.2f}×, "
        f"further rounds {p95['default'][1] / p95['database'][1]:.2f}×"
    )
    print("load average after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
