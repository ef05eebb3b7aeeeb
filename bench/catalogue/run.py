"""Serve the portal with gunicorn on the benchmark database and measure filtered catalogue pages against a bare
Django view, with the same server, the same clients and in the same run.

    .venv/bin/python bench/catalogue/generate.py          # once: 10,000 challenges in /tmp/xact-bench-catalogue
    .venv/bin/python bench/catalogue/run.py [--seconds 20] [--clients 8] [--workers 2]

Prints p50/p95 latency (ms) and throughput (requests/s) for each, and the ratio of throughputs.
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = _free_port()

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


def wait_ready(timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", "/bench/bare/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def warm(urls):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    for url in urls:
        conn.request("GET", url)
        conn.getresponse().read()
    conn.close()


def _run(urls, seconds, clients):
    """8 keep-alive clients for `seconds`; returns (latencies, errors, wall time)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine = []
        i = offset
        while time.perf_counter() < stop:
            url = urls[i % len(urls)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", url)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                ok = False
            elapsed = time.perf_counter() - t0
            if ok:
                mine.append(elapsed)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.perf_counter() - started


def summary(latencies, errors, wall):
    latencies = sorted(latencies)
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "rps": len(latencies) / wall,
    }


def interleaved(workloads: dict, seconds: float, clients: int, slice_s: float = 3.0) -> dict:
    """Alternate the workloads in short slices, so a change in the machine's load hits both alike."""
    totals = {name: ([], 0, 0.0) for name in workloads}
    rounds = max(1, round(seconds / slice_s))
    for _ in range(rounds):
        for name, urls in workloads.items():
            lat, err, wall = _run(urls, slice_s, clients)
            acc = totals[name]
            totals[name] = (acc[0] + lat, acc[1] + err, acc[2] + wall)
    return {name: summary(*acc) for name, acc in totals.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache", choices=["redis", "database", "locmem", "none"], default="redis")
    args = parser.parse_args()
    redis_server = None
    cache_env = {}
    if args.cache == "redis":
        # A private Redis for this run, as production would have one shared by every worker.
        redis_port = _free_port()
        redis_server = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        cache_env = {"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    elif args.cache == "locmem":
        cache_env = {"BENCH_LOCMEM_CACHE": "1"}
    elif args.cache == "none":
        cache_env = {"CHALLENGES_CACHE_SECONDS": "0"}  # every catalogue page rendered from the database
    env = {
        **cache_env,
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "catalogue_bench_settings",
        "PYTHONPATH": f"{HERE}:{ROOT}",
        "XACT_VAR_DIR": os.environ.get("XACT_VAR_DIR", "/tmp/xact-bench-catalogue"),
    }
    gunicorn = [
        str(Path(sys.executable).parent / "gunicorn"),
        "portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(gunicorn, env=env, cwd=ROOT)
    try:
        wait_ready()
        # Warm-up: imports and templates in every worker, and each catalogue URL once into the shared cache.
        warm(CATALOGUE_URLS)
        _run(CATALOGUE_URLS + ["/bench/bare/"], 3, args.clients)
        results = interleaved(
            {"bare": ["/bench/bare/"], "catalogue": CATALOGUE_URLS}, args.seconds, args.clients
        )
        bare, catalogue = results["bare"], results["catalogue"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if redis_server is not None:
            redis_server.terminate()
            redis_server.wait(timeout=30)
    for name, r in (("bare view", bare), ("catalogue", catalogue)):
        print(
            f"{name:<10} requests={r['requests']:>6} errors={r['errors']} p50={r['p50_ms']:.1f} ms "
            f"p95={r['p95_ms']:.1f} ms throughput={r['rps']:.1f} req/s"
        )
    print(f"catalogue/bare throughput: {catalogue['rps'] / bare['rps']:.1%} (cache: {args.cache})")


if __name__ == "__main__":
    main()
