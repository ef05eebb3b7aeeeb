"""Mixed load against the real server: gunicorn on the benchmark's PostgreSQL database (bench/load/generate.py),
many simulated users at once for a fixed time, then a check that every write the server confirmed is in the
database exactly once.

    .venv/bin/python bench/load/run.py [--seconds 90] [--users 30] [--workers 3] [--threads 4] [--json out.json]

Who the users are (`--mix`, shares of `--users`; each logged-in user has an account of their own where there are
enough, and logs in through the real login form with its CSRF token before the measured time starts):

- browse:  home page, catalogue with filters, a challenge page, results, the startup list (anonymous);
- search:  /search/?q=除雪 and other terms (anonymous);
- startup: opens a challenge, starts an application (POST, redirected to the draft: its id is recorded), submits
  it (the success message on the page it is sent to confirms it); now and then clicks "submit" again or starts the
  same application again in a second tab, which must change nothing;
- review:  municipality staff in the Wagtail admin: the review list, one application, scores on the rubric (POST,
  confirmed by the success message), sometimes shortlists it (two staff of a town may race for the same one);
- approve: ministry staff: requested trips, one trip, "approve and reserve" (302 = confirmed, 400 = refused because
  the budget is spent or another approver was first); sometimes approves the same trip twice, sometimes opens the
  dashboard.

Afterwards, in the database: each confirmed write exists exactly once, nothing was written that the server did not
confirm, the audit trail has one event per confirmed state change, and the year's travel budget is not overspent
(its counters equal the ledger's sums). Errors are 5xx answers, connection failures and timeouts, and any status a
step did not expect. Exit status 1 when there are errors or a check fails.

Only HTML is fetched (no static files: a proxy or CDN serves those). The client threads share the machine's cores
with the server: on 2 cores the figures are those of the whole system, clients included.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal.accounts.models import User  # noqa: E402
from portal.applications.models import Application, ApplicationState, Review  # noqa: E402
from portal.challenges.models import ChallengePage  # noqa: E402
from portal.core.calendar import current_fiscal_year  # noqa: E402
from portal.core.models import AuditEvent  # noqa: E402
from portal.tracker.models import FiscalBudget, LedgerEntry, TravelRequest, TravelState  # noqa: E402
from portal.tracker.services import balances  # noqa: E402

PASSWORD = "load-bench-2026!"  # bench/load/generate.py
TIMEOUT_S = 30
MIX = {"browse": 0.35, "search": 0.2, "startup": 0.25, "review": 0.12, "approve": 0.08}
SEARCH_TERMS = [
    "除雪",
    "子育て",
    "観光",
    "見守り",
    "避難所",
    "ドローン",
    "AI",
    "農地",
    "除雪車",
    "高齢者",
    "インバウンド",
]
CATALOGUE = [
    "/challenges/",
    "/challenges/?theme=snow-removal",
    "/challenges/?status=open",
    "/challenges/?theme=tourism&status=open",
    "/challenges/?sort=deadline",
    "/challenges/?prefecture=13",
    "/challenges/?page=2",
]
PROPOSAL = {
    "approach": "現地で職員の方と課題を整理し、既存の仕組みを小さく試します。",
    "expected_outcome": "三か月で効果と費用を比べられる数字を出します。",
    "timeline": "1か月目に準備、2か月目に実証、3か月目に評価。",
    "cost_estimate_yen": "1200000",
    "needs_from_municipality": "担当課の方との週一回の打ち合わせ",
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SCORE_FIELD = re.compile(r'name="(review-score_\d+)"')
REVIEW_LINK = re.compile(r'href="/admin/applications/review/(\d+)/"')
TRIP_LINK = re.compile(r'href="/admin/tracker/travel/(\d+)/"')
AMOUNT = re.compile(r'name="amount_yen"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="amount_yen"')
SITE_SUCCESS, SITE_INFO = "message-success", "message-info"
ADMIN_SUCCESS = '<li class="success'
BUDGET_REFUSAL = "旅費予算の残りは"


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> dict[int, float]:
    """utime + stime of each process (Linux /proc), in seconds; processes gone meanwhile are left out."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return out


def gunicorn_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == master:  # pgid
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return pids


def database_pids() -> list[int]:
    """PostgreSQL backends serving the benchmark's database (same machine)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


class CpuMeter:
    """CPU seconds used by gunicorn (master and workers) and by the database's backends over the measured time."""

    def __init__(self, master: int):
        self.master = master
        self.before: dict[str, dict[int, float]] = {}

    def start(self):
        self.before = {
            "server": cpu_seconds(gunicorn_pids(self.master)),
            "database": cpu_seconds(database_pids()),
        }

    def stop(self) -> dict[str, float]:
        now = {"server": cpu_seconds(gunicorn_pids(self.master)), "database": cpu_seconds(database_pids())}
        return {k: round(sum(v - self.before[k].get(pid, 0.0) for pid, v in now[k].items()), 2) for k in now}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------------- what happened


class Stats:
    """Latency per request kind, outcomes (ok / refused / errors by kind), and every write the server confirmed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.outcomes: collections.Counter = collections.Counter()  # (kind, outcome)
        self.errors: list[str] = []
        self.flags: collections.Counter = collections.Counter()  # kind → wrong-but-2xx/3xx answers
        self.started = self.finished = 0.0
        # confirmed writes
        self.app_starts: set[int] = set()
        self.submits: set[int] = set()
        self.reviews: collections.Counter = collections.Counter()  # (application, reviewer) → confirmed posts
        self.shortlists: set[int] = set()
        self.approvals: dict[int, int] = {}  # trip → amount
        self.repeats: collections.Counter = collections.Counter()  # second clicks and second tabs, by kind

    def add(self, kind: str, seconds: float, outcome: str, detail: str = "") -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.outcomes[(kind, outcome)] += 1
            if outcome not in {"ok", "refused"} and len(self.errors) < 30:
                self.errors.append(f"{kind}: {outcome} {detail}"[:300])

    def flag(self, kind: str, detail: str) -> None:
        """An answer that was a success on the wire but wrong for the step (a second submission accepted, …)."""
        with self.lock:
            self.flags[kind] += 1
            self.errors.append(f"{kind}: unexpected {detail}"[:300])

    def confirm(self, what: str, value, amount: int | None = None) -> None:
        with self.lock:
            if what == "start":
                self.app_starts.add(value)
            elif what == "submit":
                self.submits.add(value)
            elif what == "review":
                self.reviews[value] += 1
            elif what == "shortlist":
                self.shortlists.add(value)
            elif what == "approve":
                self.approvals[value] = amount

    def repeat(self, kind: str) -> None:
        with self.lock:
            self.repeats[kind] += 1


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


# --------------------------------------------------------------------------------------------- simulated users


class TimeUp(Exception):
    """The measured time is over."""


class Visitor:
    """One person with a browser session (cookies, CSRF token), doing their kind of work until the deadline."""

    def __init__(
        self,
        kind: str,
        base: str,
        stats: Stats,
        rng: random.Random,
        think: float,
        world: dict,
        account: User | None = None,
    ):
        self.kind, self.base, self.stats, self.rng, self.think, self.world = (
            kind,
            base,
            stats,
            rng,
            think,
            world,
        )
        self.account = account
        self.deadline = float("inf")
        self.finish_steps = False  # --finish-steps: a step under way at the deadline runs to its end
        self.first = True  # the first step of a logged-in user is their write (apply, review, approve)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"xact-load/{kind}"

    # one HTTP request, timed and classified
    def call(self, kind: str, method: str, path: str, *, data=None, ok=(200,), refused=(), confirming=False):
        """`confirming`: the page after a write, which says whether it succeeded; fetched even after the time."""
        started = time.perf_counter()
        if started > self.deadline and not confirming and not self.finish_steps:
            raise TimeUp  # no request starts after the measured time; a step may stop half-way
        try:
            response = self.session.request(
                method, self.base + path, data=data, allow_redirects=False, timeout=TIMEOUT_S
            )
            body = response.text
        except requests.RequestException as exc:
            self.stats.add(
                kind, time.perf_counter() - started, "connection", f"{path} {type(exc).__name__} {exc}"
            )
            return None
        elapsed = time.perf_counter() - started
        status = response.status_code
        if status >= 500:
            self.stats.add(kind, elapsed, "5xx", f"{path} {status}")
            return None
        if status in ok:
            self.stats.add(kind, elapsed, "ok")
            response.body = body
            return response
        if status in refused:
            self.stats.add(kind, elapsed, "refused")
            response.body = body
            return response
        self.stats.add(
            kind, elapsed, "unexpected", f"{method} {path} {status} {response.headers.get('Location', '')}"
        )
        return None

    def pause(self):
        if self.think:
            time.sleep(self.rng.uniform(0, 2 * self.think))

    def login(self) -> bool:
        page = self.call("login_page", "GET", "/accounts/login/")
        if page is None:
            return False
        token = CSRF.search(page.body)
        done = self.call(
            "login_post",
            "POST",
            "/accounts/login/",
            ok=(302,),
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": self.account.email,
                "password": PASSWORD,
            },
        )
        if done is None:
            return False
        landing = self.call("login_landing", "GET", "/accounts/after-login/", ok=(302,))
        if landing is None:
            return False
        return self.call("login_landing", "GET", landing.headers["Location"]) is not None

    def run(self, deadline: float) -> None:
        step = getattr(self, f"step_{self.kind}")
        self.deadline = deadline
        try:
            while not (self.finish_steps and time.perf_counter() >= deadline):
                step()
                self.first = False
                self.pause()
        except TimeUp:
            pass
        finally:
            self.session.close()

    # -- anonymous
    def step_browse(self):
        roll = self.rng.random()
        if roll < 0.35:
            self.call("catalogue", "GET", self.rng.choice(CATALOGUE))
        elif roll < 0.7:
            self.call("challenge", "GET", self.rng.choice(self.world["challenge_urls"]))
        elif roll < 0.8:
            self.call("home", "GET", "/")
        elif roll < 0.9:
            self.call("results", "GET", "/results/")
        else:
            self.call("startups", "GET", "/startups/")

    def step_search(self):
        page = self.call("search", "GET", f"/search/?q={requests.utils.quote(self.rng.choice(SEARCH_TERMS))}")
        if page is not None and 'href="/challenges/' not in page.body.split("<main", 1)[-1]:
            self.stats.repeat("search_without_results")  # with the full data every term has results

    # -- startup member
    def step_startup(self):
        todo = self.todo
        roll = 1.0 if self.first else self.rng.random()
        if not todo or roll < 0.2:
            self.call("mypage", "GET", "/mypage/")
            return
        if roll < 0.3:
            self.call("my_applications", "GET", "/applications/")
            return
        challenge_id, url = todo.pop()
        if self.call("challenge", "GET", url) is None:
            return
        form = self.call("apply_form", "GET", f"/applications/new/{challenge_id}/")
        if form is None:
            return
        token = CSRF.search(form.body).group(1)
        started = self.call(
            "apply_post",
            "POST",
            f"/applications/new/{challenge_id}/",
            ok=(302,),
            data={"csrfmiddlewaretoken": token, **PROPOSAL},
        )
        if started is None:
            return
        found = re.match(r"^/applications/(\d+)/edit/$", started.headers.get("Location", ""))
        if found is None:
            self.stats.flag("apply_post", f"redirected to {started.headers.get('Location')}")
            return
        pk = int(found.group(1))
        self.stats.confirm("start", pk)
        edit = self.call("apply_edit", "GET", f"/applications/{pk}/edit/")
        if edit is None:
            return
        token = CSRF.search(edit.body).group(1)
        clicks = 2 if self.rng.random() < 0.2 else 1  # a double click on "submit"
        for click in range(clicks):
            sent = self.call(
                "submit_post",
                "POST",
                f"/applications/{pk}/submit/",
                ok=(302,),
                data={"csrfmiddlewaretoken": token},
            )
            if sent is None:
                return
            detail = self.call("application", "GET", sent.headers["Location"], confirming=True)
            if detail is None:
                return
            if click == 0 and SITE_SUCCESS in detail.body:
                self.stats.confirm("submit", pk)
            elif click == 1:
                self.stats.repeat("submit_again")
                if SITE_SUCCESS in detail.body:  # a second submission would be a bug: the check counts events
                    self.stats.flag("submit_post", f"second submit of {pk} succeeded")
        if self.rng.random() < 0.1:  # the same challenge again in a second tab: must lead to the existing one
            again = self.call(
                "apply_post",
                "POST",
                f"/applications/new/{challenge_id}/",
                ok=(302,),
                data={"csrfmiddlewaretoken": token, **PROPOSAL},
            )
            self.stats.repeat("apply_again")
            if again is not None and again.headers.get("Location") != f"/applications/{pk}/":
                self.stats.flag("apply_post", f"second start went to {again.headers['Location']}")

    def plan(self) -> None:
        """The open challenges this startup has not applied to yet, in a random order (read before the run)."""
        done = set(
            Application.objects.filter(startup__memberships__user=self.account).values_list(
                "challenge_id", flat=True
            )
        )
        self.todo = [(pk, url) for pk, url in self.world["open_challenges"] if pk not in done]
        self.rng.shuffle(self.todo)

    # -- municipality staff
    def step_review(self):
        listing = self.call("review_list", "GET", "/admin/application/?state=submitted")
        if listing is None:
            return
        ids = REVIEW_LINK.findall(listing.body)
        if not ids:
            self.call("admin_home", "GET", "/admin/")
            return
        pk = int(self.rng.choice(ids))
        page = self.call("review_page", "GET", f"/admin/applications/review/{pk}/")
        if page is None:
            return
        token = CSRF.search(page.body).group(1)
        data = {"csrfmiddlewaretoken": token, "score": "1", "review-comment": "現場をよく理解している"}
        data |= {name: str(self.rng.randint(1, 5)) for name in SCORE_FIELD.findall(page.body)}
        if (
            self.call("review_post", "POST", f"/admin/applications/review/{pk}/", data=data, ok=(302,))
            is None
        ):
            return
        after = self.call("review_page", "GET", f"/admin/applications/review/{pk}/", confirming=True)
        if after is None:
            return
        if ADMIN_SUCCESS in after.body:
            self.stats.confirm("review", (pk, self.account.pk))
        else:
            self.stats.repeat("review_not_confirmed")
        if self.rng.random() < 0.5:
            decided = self.call(
                "decide_post",
                "POST",
                f"/admin/applications/review/{pk}/",
                ok=(302,),
                data={
                    "csrfmiddlewaretoken": token,
                    "decide": "1",
                    "decision-action": "shortlist",
                    "decision-reason": "実証をお願いしたい",
                },
            )
            if decided is None:
                return
            after = self.call("review_page", "GET", f"/admin/applications/review/{pk}/", confirming=True)
            if after is not None and ADMIN_SUCCESS in after.body:
                self.stats.confirm("shortlist", pk)
            elif after is not None:
                self.stats.repeat("shortlist_lost_race")

    # -- ministry staff
    def step_approve(self):
        if not self.first and self.rng.random() < 0.15:
            self.call("dashboard", "GET", f"/admin/tracker/dashboard/?fy={self.world['fiscal_year']}")
            return
        listing = self.call(
            "travel_list",
            "GET",
            f"/admin/tracker/travel/?state=requested&fiscal_year={self.world['fiscal_year']}",
        )
        if listing is None:
            return
        ids = TRIP_LINK.findall(listing.body)
        if not ids:
            self.call("budgets", "GET", "/admin/tracker/budgets/")
            return
        pk = int(self.rng.choice(ids))
        page = self.call("travel_page", "GET", f"/admin/tracker/travel/{pk}/")
        if page is None:
            return
        form = CSRF.search(page.body)
        if (
            form is None
        ):  # the other approver was first: the trip is no longer requested, the page has no form
            self.stats.repeat("approve_lost_race")
            return
        token = form.group(1)
        amount = AMOUNT.search(page.body)
        amount = int(amount.group(1) or amount.group(2))
        clicks = 2 if self.rng.random() < 0.2 else 1
        for click in range(clicks):
            done = self.call(
                "approve_post",
                "POST",
                f"/admin/tracker/travel/{pk}/approve/",
                ok=(302,),
                refused=(400,),
                data={
                    "csrfmiddlewaretoken": token,
                    "amount_yen": str(amount),
                    "note": "",
                },
            )
            if done is None:
                return
            if click == 1:
                self.stats.repeat("approve_again")
                if done.status_code == 302:
                    self.stats.flag("approve_post", f"trip {pk} approved twice")
            elif done.status_code == 302:
                self.stats.confirm("approve", pk, amount)
            else:
                self.stats.repeat(
                    "approve_refused_budget" if BUDGET_REFUSAL in done.body else "approve_lost_race"
                )
                return


# --------------------------------------------------------------------------------------------- the check


def check(stats: Stats, since, budget_before: dict) -> list[dict]:
    """Compare what the server confirmed with what the database holds, written since `since`."""

    def events(action: str) -> collections.Counter:
        return collections.Counter(
            AuditEvent.objects.filter(action=action, at__gte=since).values_list("object_id", flat=True)
        )

    def exactly_once(name: str, confirmed: set, counted: collections.Counter, rows_ok: int) -> dict:
        seen = {int(k) for k in counted}
        missing, unconfirmed = confirmed - seen, seen - confirmed
        twice = sorted(int(k) for k, n in counted.items() if n > 1)
        ok = not missing and not unconfirmed and not twice and rows_ok == len(confirmed)
        return {
            "check": name,
            "ok": ok,
            "confirmed": len(confirmed),
            "events": sum(counted.values()),
            "missing": sorted(missing)[:10],
            "unconfirmed": sorted(unconfirmed)[:10],
            "twice": twice[:10],
            "rows_ok": rows_ok,
        }

    results = []
    starts = stats.app_starts
    rows = Application.objects.filter(pk__in=starts, created_at__gte=since).count()
    results.append(exactly_once("application started", starts, events("application.start"), rows))
    duplicates = (
        Application.objects.values("startup_id", "challenge_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    results.append(
        {
            "check": "one application per startup and challenge",
            "ok": duplicates == 0,
            "duplicates": duplicates,
        }
    )
    rows = (
        Application.objects.filter(pk__in=stats.submits, submitted_at__gte=since)
        .exclude(state=ApplicationState.DRAFT)
        .count()
    )
    results.append(exactly_once("application submitted", stats.submits, events("application.submit"), rows))

    review_events = collections.Counter(
        (int(o), a)
        for o, a in AuditEvent.objects.filter(action="application.review", at__gte=since).values_list(
            "object_id", "actor_id"
        )
    )
    pairs = set(stats.reviews)
    rows = sum(Review.objects.filter(application_id=a, reviewer_id=r).count() == 1 for a, r in pairs)
    mismatched = [p for p in pairs | set(review_events) if review_events[p] != stats.reviews[p]]
    results.append(
        {
            "check": "review saved (one event per confirmed save, one row per reviewer)",
            "ok": not mismatched and rows == len(pairs),
            "confirmed": sum(stats.reviews.values()),
            "events": sum(review_events.values()),
            "pairs": len(pairs),
            "rows_ok": rows,
            "mismatched": mismatched[:10],
        }
    )
    rows = Application.objects.filter(pk__in=stats.shortlists, state=ApplicationState.SHORTLISTED).count()
    results.append(
        exactly_once("application shortlisted", stats.shortlists, events("application.shortlist"), rows)
    )

    approved = set(stats.approvals)
    rows = sum(
        1
        for t in TravelRequest.objects.filter(pk__in=approved)
        if t.state == TravelState.APPROVED
        and t.approved_yen == stats.approvals[t.pk]
        and LedgerEntry.objects.filter(request=t, kind=LedgerEntry.Kind.RESERVE).count() == 1
    )
    results.append(
        exactly_once(
            "travel approved (one reserve entry each)", approved, events("tracker.travel_approved"), rows
        )
    )
    budget = FiscalBudget.objects.get(fiscal_year=budget_before["fiscal_year"])
    sums = balances(budget)
    reserved_now = budget.reserved_yen
    counters_match = (sums["reserved"], sums["settled"], sums["paid"]) == (
        budget.reserved_yen,
        budget.settled_yen,
        budget.paid_yen,
    )
    grew_by = reserved_now - budget_before["reserved_yen"]
    results.append(
        {
            "check": "travel budget not overspent, counters equal the ledger",
            "ok": sums["free"] >= 0 and counters_match and grew_by == sum(stats.approvals.values()),
            "budget_yen": budget.amount_yen,
            "free_yen": sums["free"],
            "reserved_during_run_yen": grew_by,
            "confirmed_yen": sum(stats.approvals.values()),
            "counters_match_ledger": counters_match,
        }
    )
    return results


# --------------------------------------------------------------------------------------------- the run


def assign(users: int, mix: dict[str, float]) -> list[str]:
    """`users` kinds by the mix's shares (largest remainders), at least one of each kind with a share."""
    raw = {k: users * v for k, v in mix.items()}
    counts = {k: (max(1, int(raw[k])) if v > 0 else 0) for k, v in mix.items()}
    while sum(counts.values()) < users:
        k = max(raw, key=lambda k: raw[k] - counts[k])
        counts[k] += 1
    return [k for k, n in counts.items() for _ in range(n)]


def world_of() -> dict:
    live = ChallengePage.objects.live().specific()
    load = [c for c in live.filter(slug__startswith="load-")]
    return {
        "challenge_urls": [c.get_url() for c in live[:200]],
        "open_challenges": [(c.pk, c.get_url()) for c in load],
        "fiscal_year": current_fiscal_year(),
    }


def accounts() -> dict[str, list[User]]:
    load = User.objects.filter(email__startswith="load-", email__endswith="@bench.example.jp").order_by("pk")
    return {
        "startup": list(load.filter(email__regex=r"^load-s\d+@")),
        "review": list(load.filter(email__contains="-staff")),
        "approve": list(load.filter(email__startswith="load-ministry")),
    }


def launch(args, tmp: Path) -> tuple[list[subprocess.Popen], str, str]:
    """Start redis-server (unless --cache locmem) and gunicorn; `wait_ready` waits for the latter."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.load.settings", "PYTHONPATH": str(ROOT)}
    processes = []
    cache = "locmem (one per worker process)"
    if args.cache == "redis" and shutil.which("redis-server"):
        redis_port = free_port()
        processes.append(
            subprocess.Popen(
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
                    "--dir",
                    str(tmp),
                    "--logfile",
                    str(tmp / "redis.log"),
                ],
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        cache = f"Redis (private redis-server on port {redis_port})"
    port = free_port()
    processes.append(
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(args.threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
                "--keep-alive",
                str(args.keep_alive),
                "--log-level",
                "warning",
                "--preload",
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
    )
    return processes, f"http://127.0.0.1:{port}", cache


def wait_ready(processes: list[subprocess.Popen], base: str) -> None:
    deadline = time.time() + 90
    while time.time() < deadline:
        if processes[-1].poll() is not None:
            raise SystemExit("gunicorn exited at start")
        try:
            if requests.get(base + "/accounts/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 90 s")


def stop(processes: list[subprocess.Popen]) -> None:
    """Stop gunicorn and redis: SIGTERM to each, then SIGKILL to their process groups after 3 s.

    Every client has finished and every response was sent after its transaction committed, so nothing is lost;
    gunicorn's workers log their exit at once but can take 10 s and more to finish the interpreter's shutdown.
    """
    for p in reversed(processes):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in reversed(processes):
        try:
            p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(p.pid, signal.SIGKILL)  # the workers too, whatever the master did
        except ProcessLookupError:
            pass
        p.wait(timeout=10)


def drive(args, base: str, master: int, stats: Stats, ramp: Stats) -> dict:
    world = world_of()
    people = accounts()
    kinds = assign(args.users, parse_mix(args.mix))
    used = collections.Counter()
    visitors = []
    for n, kind in enumerate(kinds):
        account = None
        if kind in people:
            pool = people[kind]
            if not pool:
                raise SystemExit(f"no accounts for {kind}: run bench/load/generate.py")
            account = pool[used[kind] % len(pool)]
            used[kind] += 1
        visitors.append(
            Visitor(kind, base, ramp, random.Random(args.seed * 1000 + n), args.think, world, account)
        )
        if kind == "startup":
            visitors[-1].plan()
    connection.close()
    # Ramp-up (not measured): log in, then warm every worker with the anonymous pages once.
    failed = []

    def login(v):
        if v.account is not None and not v.login():
            failed.append(v.account.email)

    threads = [threading.Thread(target=login, args=(v,)) for v in visitors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise SystemExit(f"login failed for {failed[:3]} …")
    if args.warm_up:
        warm = Visitor("browse", base, ramp, random.Random(0), 0, world)
        for url in ["/", "/results/", "/startups/", *CATALOGUE, *world["challenge_urls"][:5]]:
            warm.call("warm-up", "GET", url)
        for term in SEARCH_TERMS:
            warm.call("warm-up", "GET", f"/search/?q={requests.utils.quote(term)}")
    for v in visitors:
        v.stats = stats
        v.finish_steps = args.finish_steps
    meter = CpuMeter(master)
    meter.start()
    own = time.process_time()
    stats.started = time.perf_counter()
    deadline = stats.started + args.seconds
    threads = [threading.Thread(target=v.run, args=(deadline,)) for v in visitors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats.finished = time.perf_counter()
    cpu = meter.stop() | {"clients": round(time.process_time() - own, 2)}
    return {"users": dict(collections.Counter(kinds)), "accounts_used": dict(used), "cpu_s": cpu}


def parse_mix(text: str) -> dict[str, float]:
    mix = dict(MIX)
    if text:
        for part in text.split(","):
            name, _, share = part.partition("=")
            if name not in MIX:
                raise SystemExit(f"unknown user kind {name!r} (one of {', '.join(MIX)})")
            mix[name] = float(share)
    return mix


def summarise(stats: Stats) -> dict:
    wall = stats.finished - stats.started
    rows = {}
    for kind in sorted(stats.latency):
        lat = stats.latency[kind]
        outcomes = {o: n for (k, o), n in stats.outcomes.items() if k == kind}
        rows[kind] = {
            "requests": len(lat),
            **{o: outcomes.get(o, 0) for o in ("ok", "refused")},
            "errors": sum(n for o, n in outcomes.items() if o not in {"ok", "refused"}),
            "p50_ms": percentile(lat, 50) * 1000,
            "p95_ms": percentile(lat, 95) * 1000,
            "max_ms": max(lat) * 1000,
        }
    everything = [x for lat in stats.latency.values() for x in lat]
    errors = collections.Counter()
    for (_kind, outcome), n in stats.outcomes.items():
        if outcome not in {"ok", "refused"}:
            errors[outcome] += n
    if stats.flags:
        errors["unexpected"] += sum(stats.flags.values())
    return {
        "seconds": wall,
        "requests": len(everything),
        "throughput_rps": len(everything) / wall if wall else 0.0,
        "p50_ms": percentile(everything, 50) * 1000,
        "p95_ms": percentile(everything, 95) * 1000,
        "max_ms": max(everything, default=0.0) * 1000,
        "errors": dict(errors),
        "by_kind": rows,
    }


def print_table(title: str, summary: dict) -> None:
    print(f"\n{title}")
    print(
        f"{'request kind':<16}{'requests':>9}{'ok':>7}{'refused':>8}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'max ms':>9}"
    )
    for kind, r in summary["by_kind"].items():
        print(
            f"{kind:<16}{r['requests']:>9}{r['ok']:>7}{r['refused']:>8}{r['errors']:>7}{r['p50_ms']:>9.1f}"
            f"{r['p95_ms']:>9.1f}{r['max_ms']:>9.1f}"
        )
    print(
        f"{'all':<16}{summary['requests']:>9}{'':>7}{'':>8}{sum(summary['errors'].values()):>7}"
        f"{summary['p50_ms']:>9.1f}{summary['p95_ms']:>9.1f}{summary['max_ms']:>9.1f}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument(
        "--mix", default="", help="e.g. browse=0.4,search=0.2,startup=0.2,review=0.1,approve=0.1"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.5,
        help="mean pause between a user's steps in seconds (uniform 0..2×; default 0.5)",
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--cache", choices=["redis", "locmem"], default="redis")
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=30,
        help="gunicorn's keep-alive in seconds (default 30, as a proxy in front would hold its "
        "connections; gunicorn's own default of 2 s races the users' next request on a busy "
        "machine: the server closes as the client sends)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="measure from the first request (the CI test)",
    )
    parser.add_argument(
        "--finish-steps",
        action="store_true",
        help="let the step under way at the deadline finish (the CI test: however slow the "
        "machine, every kind of write happens at least once)",
    )
    parser.add_argument(
        "--generate-small",
        action="store_true",
        help="first generate the CI test's few rows (bench/load/generate.py --small) in this process",
    )
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="xact-load-"))
    stats, ramp = Stats(), Stats()
    processes = []
    phases = {"begin": time.perf_counter()}
    try:
        processes, base, cache = launch(args, tmp)
        if args.generate_small:  # while gunicorn boots
            from bench.load import generate

            generate.main(["--small", "--no-demo", "--skip-migrate"])
        if not User.objects.filter(email__startswith="load-").exists():
            raise SystemExit("no data: run bench/load/generate.py first")
        fy = current_fiscal_year()
        budget_before = {
            "fiscal_year": fy,
            "reserved_yen": FiscalBudget.objects.get(fiscal_year=fy).reserved_yen,
        }
        connection.close()
        load_before = load_average()
        since = timezone.now()
        wait_ready(processes, base)
        phases["server_up"] = time.perf_counter()
        users = drive(args, base, processes[-1].pid, stats, ramp)
    finally:
        phases["stopping"] = time.perf_counter()
        if len(processes) == 2 and processes[0].poll() is not None:  # redis-server ended before we stopped it
            log = tmp / "redis.log"
            print(
                f"redis-server exited with {processes[0].returncode} during the run; its log ends:\n"
                + (log.read_text()[-2000:] if log.exists() else "(no log)")
            )
        stop(processes)
        shutil.rmtree(tmp, ignore_errors=True)
    phases["stopped"] = time.perf_counter()
    load_after = load_average()
    results = check(stats, since, budget_before)
    phases["checked"] = time.perf_counter()
    timings = {
        "start_and_generate_s": phases["server_up"] - phases["begin"],
        "ramp_up_s": stats.started - phases["server_up"],
        "measured_s": stats.finished - stats.started,
        "stop_s": phases["stopped"] - phases["stopping"],
        "check_s": phases["checked"] - phases["stopped"],
    }
    summary = summarise(stats)
    figures = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "database": f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}",
            "load_before": load_before,
            "load_after": load_after,
        },
        "server": {
            "gunicorn_workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread",
            "keep_alive_s": args.keep_alive,
            "cache": cache,
            "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
        },
        "run": {"seconds": args.seconds, "think_s": args.think, **users},
        "measured": summary,
        "ramp_up": summarise(ramp) if ramp.latency else {},
        "repeats": dict(stats.repeats),
        "checks": results,
        "timings": timings,
        "error_samples": stats.errors,
    }
    print(f"load before: {load_before}")
    print(f"load after:  {load_after}")
    print(
        f"cpus {os.cpu_count()}, gunicorn {args.workers} workers × {args.threads} threads (gthread), cache: {cache}"
    )
    print(f"users: {users['users']} (accounts: {users['accounts_used']}), think {args.think} s mean")
    cpu = users["cpu_s"]
    print(
        f"CPU seconds over the measured time: gunicorn {cpu['server']}, PostgreSQL backends {cpu['database']}, "
        f"clients {cpu['clients']} (wall {summary['seconds']:.1f} s × {os.cpu_count()} cores); gunicorn "
        f"{1000 * cpu['server'] / max(1, summary['requests']):.0f} ms CPU per request"
    )
    print_table(
        f"ramp-up (logins, warm-up; not in the figures) — {figures['ramp_up'].get('requests', 0)} requests",
        figures["ramp_up"],
    ) if ramp.latency else None
    print_table(
        f"measured: {summary['seconds']:.1f} s, {summary['requests']} requests, "
        f"{summary['throughput_rps']:.1f} req/s",
        summary,
    )
    print(f"errors: {summary['errors'] or 'none'}")
    for line in stats.errors[:10]:
        print(f"  {line}")
    print(f"second clicks / lost races / refusals: {dict(stats.repeats)}")
    print("phases: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    print("\nexactly-once checks:")
    for r in results:
        details = ", ".join(f"{k}={v}" for k, v in r.items() if k not in {"check", "ok"})
        print(f"  [{'OK' if r['ok'] else 'FAIL'}] {r['check']}: {details}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
    failed = bool(summary["errors"]) or not all(r["ok"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
