"""Every page of issue 20 against a bare Django view (`HttpResponse("ok")` through the same middleware), in the
same run, on the data of bench/pages/generate.py:

1. in-process: Django's test client, each page request preceded by a bare-view request (interleaved, so a change
   in the machine's load hits both alike); CPU time of this process per request (`time.process_time`: the
   portal's Python work, and SQLite's, which runs in this process; PostgreSQL's work is in its own processes),
   median over the rounds, and the ratio to the bare view's median;
2. through gunicorn (`--workers 2 --threads 4`, a private redis-server as the shared cache, as production would
   have) with 8 keep-alive clients: each page and the bare view alternating in short slices; wall p50/p95 per
   request and the gunicorn processes' CPU per request (from /proc), with its ratio to the bare view's;
3. (`--mixed-load`, PostgreSQL) bench/load/run.py with 30 users on the same database, its gunicorn CPU per
   request against the bare view's from part 2.

    .venv/bin/python -m bench.pages.generate --scale 0.5        # once (SQLite in /tmp/xact-bench-pages)
    .venv/bin/python -m bench.pages.run [--rounds 20] [--seconds 6] [--pages catalogue_logged_in,search]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xact_bench .venv/bin/python -m bench.pages.run --mixed-load

"Uncached" catalogue requests each follow a publish (Wagtail's `page_published` signal for a random live
challenge, sent outside the measured time), as the first visitor after a publication would find it.
Ports: PORT_BASE (default 8200) for gunicorn, +99 for redis-server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.pages.settings")
PORT_BASE = int(os.environ.get("PORT_BASE", "8200"))
REDIS_PORT = PORT_BASE + 99


def _start_redis():
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return server


# The harness shares the server's cache (its publishes must reach the gunicorn workers), so Redis comes first.
_redis = _start_redis() if "--no-redis" not in sys.argv else None
if _redis is not None:
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.signals import page_published  # noqa: E402

from bench.pages.generate import MINISTRY_USER, MUNICIPALITY_USER, STARTUP_USER  # noqa: E402
from matching.models import MatchRun  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from portal.challenges.models import ChallengePage  # noqa: E402
from portal.core.calendar import current_fiscal_year  # noqa: E402
from portal.core.models import Theme  # noqa: E402
from portal.programme.models import ContentPage  # noqa: E402

CATALOGUE_URLS = [
    "/challenges/",
    "/challenges/?theme=snow-removal",
    "/challenges/?theme=tourism&status=open",
    "/challenges/?prefecture=01",
    "/challenges/?status=closed&sort=deadline",
    "/challenges/?budget_min=1000000&budget_max=3000000",
    "/challenges/?deadline_before=2027-01-31&sort=deadline",
    "/challenges/?theme=childcare&page=3",
]
SEARCH_URLS = ["/search/?q=除雪", "/search/?q=チャットボット"]


def search_urls() -> list[str]:
    """The two queries, and the first with a theme chosen as the page's own theme links choose it: the type and
    the theme's number (a slug is not a choice of the search form, and would measure an empty page)."""
    snow = Theme.objects.get(slug="snow-removal")
    return [*SEARCH_URLS, f"/search/?q=除雪&type=challenges.challengepage&theme={snow.pk}"]


@dataclass
class Workload:
    name: str
    urls: list[str]
    user: str | None = None  # e-mail of the user it is seen as; None = anonymous
    target: str = ""
    before_each: object = None  # called before each request, outside the measured time
    in_process: dict = field(default_factory=dict)
    served: dict = field(default_factory=dict)


_live_ids: list[int] = []


def publish_one() -> None:
    """What a publication does to the catalogue's caches: the signal Wagtail sends, for a random live challenge."""
    if not _live_ids:
        _live_ids.extend(ChallengePage.objects.live().values_list("pk", flat=True)[:2000])
    page = ChallengePage.objects.get(pk=random.choice(_live_ids))
    page_published.send(sender=ChallengePage, instance=page, revision=None)


def workloads() -> list[Workload]:
    run = MatchRun.objects.filter(previous__isnull=False).order_by("-pk").first()
    content = ContentPage.objects.live().order_by("pk").first()
    fy = current_fiscal_year()
    backend = settings.SEARCH_BACKEND
    return [
        Workload("catalogue, logged in (facets cached)", CATALOGUE_URLS, STARTUP_USER, "≤ 8×"),
        Workload(
            "catalogue, uncached (first visit after a publish)", ["/challenges/"], None, "≤ 25×", publish_one
        ),
        Workload(
            f"site search /search/ with facets ({backend})",
            search_urls(),
            None,
            "≤ 15× (PostgreSQL); Whoosh at 5,000 no slower than before at 10,000",
        ),
        Workload(
            f"site search, uncached (first search after a publish, {backend})",
            search_urls(),
            None,
            "—",
            publish_one,
        ),
        Workload("plain Wagtail content page", [content.url], None, "≤ 10×"),
        Workload("plain Wagtail content page, logged in", [content.url], STARTUP_USER, "≤ 10×"),
        Workload("startup's My page", ["/mypage/"], STARTUP_USER, "≤ 12×"),
        Workload(
            "admin: application review list",
            ["/admin/application/?state=submitted"],
            MUNICIPALITY_USER,
            "≤ 30×",
        ),
        Workload("admin: tracker dashboard", [f"/admin/tracker/dashboard/?fy={fy}"], MINISTRY_USER, "≤ 30×"),
        Workload("admin home", ["/admin/"], MINISTRY_USER, "≤ 30×"),
        Workload(
            f"matching run review page ({run.proposals.count()} proposals)",
            [f"/admin/matching/runs/{run.pk}/", f"/admin/matching/runs/{run.pk}/?page=2"],
            MINISTRY_USER,
            "≤ 30×, flat in proposals",
        ),
    ]


def _clients() -> dict[str | None, Client]:
    clients = {None: Client()}
    for email in (STARTUP_USER, MUNICIPALITY_USER, MINISTRY_USER):
        client = Client()
        client.force_login(User.objects.get(email=email))
        clients[email] = client
    return clients


def in_process(loads: list[Workload], rounds: int) -> dict:
    """CPU of this process per request, each page request right after a bare-view request."""
    clients = _clients()
    bare_cpu: list[float] = []
    for load in loads:  # warm-up: imports, templates, caches
        for url in load.urls:
            response = clients[load.user].get(url)
            assert response.status_code == 200, (load.name, url, response.status_code)
    for load in loads:
        cpu, wall = [], []
        for _ in range(rounds):
            for url in load.urls:
                t0 = time.process_time()
                clients[None].get("/bench/bare/")
                bare_cpu.append(time.process_time() - t0)
                if load.before_each:
                    load.before_each()
                t0, w0 = time.process_time(), time.perf_counter()
                response = clients[load.user].get(url)
                cpu.append(time.process_time() - t0)
                wall.append(time.perf_counter() - w0)
                assert response.status_code == 200, (load.name, url, response.status_code)
        load.in_process = {"cpu_ms": 1000 * statistics.median(cpu), "wall_ms": 1000 * statistics.median(wall)}
        print(f"  {load.name}: CPU {load.in_process['cpu_ms']:.1f} ms", flush=True)
    bare = 1000 * statistics.median(bare_cpu)
    for load in loads:
        load.in_process["ratio"] = load.in_process["cpu_ms"] / bare
    return {"bare_cpu_ms": bare}


def _proc_cpu(pids) -> float:
    """CPU seconds (user + system) of these processes so far, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return [pid, *out]


def _drive(port, urls, cookie, seconds, clients, before_each=None):
    """`clients` keep-alive connections for `seconds`; returns (latencies, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    headers = {"Cookie": cookie} if cookie else {}
    urls = [urllib.parse.quote(url, safe="/?=&") for url in urls]

    def client(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, i = [], offset
        while time.perf_counter() < stop:
            url = urls[i % len(urls)]
            i += 1
            if before_each:
                before_each()
            t0 = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            if ok:
                mine.append(time.perf_counter() - t0)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def served(loads: list[Workload], seconds: float, clients: int, workers: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    gunicorn = [
        str(Path(sys.executable).parent / "gunicorn"),
        "portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT_BASE}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(gunicorn, env=env, cwd=ROOT)
    cookies = {}
    for email, client in _clients().items():
        cookies[email] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            if email
            else ""
        )
    connection.close()
    bare_lat, bare_cpu, bare_n, bare_err = [], 0.0, 0, 0
    try:
        deadline = time.time() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT_BASE, timeout=5)
                conn.request("GET", "/bench/bare/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.5)
        pids = _children(server.pid)
        for load in loads:  # warm-up in every worker
            _drive(PORT_BASE, load.urls, cookies[load.user], 1.0, clients)
        slice_s = min(3.0, seconds)
        for load in loads:
            lat, cpu, n, err = [], 0.0, 0, 0
            for _ in range(max(1, round(seconds / slice_s))):
                c0 = _proc_cpu(pids)
                la, e = _drive(PORT_BASE, ["/bench/bare/"], "", slice_s, clients)
                c1 = _proc_cpu(pids)
                bare_lat += la
                bare_cpu += c1 - c0
                bare_n += len(la)
                bare_err += e
                lb, e = _drive(PORT_BASE, load.urls, cookies[load.user], slice_s, clients, load.before_each)
                cpu += _proc_cpu(pids) - c1
                lat += lb
                n += len(lb)
                err += e
            load.served = {
                "p50_ms": 1000 * _pct(lat, 50),
                "p95_ms": 1000 * _pct(lat, 95),
                "cpu_ms": 1000 * cpu / max(1, n),
                "requests": n,
                "errors": err,
            }
            print(
                f"  {load.name}: p50 {load.served['p50_ms']:.0f} ms, CPU {load.served['cpu_ms']:.1f} ms",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    bare = {
        "p50_ms": 1000 * _pct(bare_lat, 50),
        "p95_ms": 1000 * _pct(bare_lat, 95),
        "cpu_ms": 1000 * bare_cpu / max(1, bare_n),
        "requests": bare_n,
        "errors": bare_err,
    }
    for load in loads:
        load.served["ratio"] = load.served["cpu_ms"] / bare["cpu_ms"]
    return bare


def mixed_load(seconds: float, users: int) -> dict:
    """bench/load/run.py (30 users) on this database; its data generated on first use."""
    env = {
        **os.environ,
        "LOAD_DATABASE_URL": os.environ["DATABASE_URL"],
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "BENCH_DIR": str(Path(settings.BENCH_DIR) / "load"),
    }
    env.pop("REDIS_URL", None)
    python = sys.executable
    subprocess.run(
        [python, "bench/load/generate.py", "--no-demo", "--skip-migrate"], env=env, cwd=ROOT, check=True
    )
    out = Path(settings.BENCH_DIR) / "load.json"
    subprocess.run(
        [python, "bench/load/run.py", "--seconds", str(seconds), "--users", str(users), "--json", str(out)],
        env=env,
        cwd=ROOT,
    )
    figures = json.loads(out.read_text())
    measured = figures["measured"]
    return {
        "requests": measured["requests"],
        "errors": measured["errors"],
        "cpu_ms": 1000 * figures["run"]["cpu_s"]["server"] / max(1, measured["requests"]),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="in-process requests per page URL")
    parser.add_argument(
        "--seconds", type=float, default=6, help="gunicorn: seconds per page (and as many bare)"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default="", help="comma-separated words: only pages whose name has one")
    parser.add_argument("--no-gunicorn", action="store_true")
    parser.add_argument(
        "--no-redis", action="store_true", help="memory cache in each process (no gunicorn part)"
    )
    parser.add_argument(
        "--mixed-load", action="store_true", help="also bench/load with 30 users (PostgreSQL)"
    )
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)
    loads = workloads()
    if args.pages:
        words = [w.strip() for w in args.pages.split(",") if w.strip()]
        loads = [w for w in loads if any(word in w.name for word in words)]
    machine = {
        "cpus": os.cpu_count(),
        "database": f"{connection.vendor}",
        "search_backend": settings.SEARCH_BACKEND,
        "challenges": ChallengePage.objects.live().count(),
        "load_before": os.getloadavg(),
    }
    print(f"machine: {machine}", flush=True)
    print("in-process:", flush=True)
    results = {"machine": machine, "in_process": in_process(loads, args.rounds)}
    if not args.no_gunicorn and not args.no_redis:
        print("gunicorn:", flush=True)
        results["served_bare"] = served(loads, args.seconds, args.clients, args.workers)
    if args.mixed_load:
        results["mixed_load"] = mixed = mixed_load(args.load_seconds, 30)
        if "served_bare" in results:
            mixed["ratio"] = mixed["cpu_ms"] / results["served_bare"]["cpu_ms"]
    machine["load_after"] = os.getloadavg()
    results["pages"] = [
        {"name": w.name, "target": w.target, "in_process": w.in_process, "served": w.served} for w in loads
    ]
    print(f"\nbare view: in-process CPU {results['in_process']['bare_cpu_ms']:.2f} ms", end="")
    if "served_bare" in results:
        b = results["served_bare"]
        print(
            f"; gunicorn CPU {b['cpu_ms']:.2f} ms, p50 {b['p50_ms']:.1f} / p95 {b['p95_ms']:.1f} ms", end=""
        )
    print()
    print("| page | target | in-process CPU (× bare) | gunicorn CPU (× bare) | p50 / p95 | errors |")
    print("|---|---|---|---|---|---|")
    for w in loads:
        s = w.served
        served_cols = (
            f"{s['cpu_ms']:.1f} ms ({s['ratio']:.1f}×) | {s['p50_ms']:.0f} / {s['p95_ms']:.0f} ms | {s['errors']}"
            if s
            else "– | – | –"
        )
        print(
            f"| {w.name} | {w.target} | {w.in_process['cpu_ms']:.1f} ms ({w.in_process['ratio']:.1f}×) | {served_cols} |"
        )
    if args.mixed_load:
        m = results["mixed_load"]
        print(
            f"| mixed load, 30 users | ≤ 10×, no errors | – | {m['cpu_ms']:.1f} ms ({m.get('ratio', 0):.1f}×) | – | {m['errors']} |"
        )
    print(f"load average before {machine['load_before']}, after {machine['load_after']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        if _redis is not None:
            _redis.terminate()
            _redis.wait(timeout=30)
