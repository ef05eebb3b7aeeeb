"""Rate limits for busy or abusable actions (sign-up, applying, search), counted by portal/core/counters.py (Redis
when configured, else the database, and the database while Redis is away).

The one rate limiter: a fixed window per scope and client, on counters named by `counter_key`. The failed-login
throttle (portal/accounts/throttle.py) is its login policy (three counters, a slot reserved before the password is
checked and given back on success), on the same counters and keys. A setting per scope gives the limit as "COUNT/PERIOD" with PERIOD one of s, m, h, d or a number of
seconds ("10/h", "60/m", "5/600"); an empty value or "0" turns the limit off. A refused request gets a 429 page in
the user's language saying when to retry, with a Retry-After header — never an error.

    @rate_limited("search", key="ip")          # settings.RATE_LIMIT_SEARCH
    def search(request): ...
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from . import counters
from .clientip import client_ip

_PREFIX = "xact:rate"
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    count: int
    window_s: int


@dataclass(frozen=True)
class Refusal:
    retry_after_s: int

    @property
    def minutes(self) -> int:
        return max(1, (self.retry_after_s + 59) // 60)

    @property
    def until(self) -> datetime:
        return datetime.fromtimestamp(time.time() + self.retry_after_s, tz=timezone.get_current_timezone())


def parse(value: str | None) -> Limit | None:
    """'10/h' → Limit(10, 3600); '' or '0' → None (no limit). A malformed value raises ValueError at once."""
    value = (value or "").strip()
    if not value or value == "0":
        return None
    count, _, period = value.partition("/")
    period = period.strip() or "m"
    window = _PERIODS[period] if period in _PERIODS else int(period)
    if int(count) <= 0 or window <= 0:
        raise ValueError(f"bad rate limit {value!r}")
    return Limit(int(count), window)


def limit_for(scope: str) -> Limit | None:
    return parse(getattr(settings, f"RATE_LIMIT_{scope.upper()}", ""))


def client_key(request, key: str) -> str:
    if key == "user" and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    # The client's address, forwarded by a trusted proxy or REMOTE_ADDR (portal/core/clientip.py).
    return f"ip:{client_ip(request) or 'unknown'}"


def counter_key(scope: str, ident: str) -> str:
    """The counter of `ident` (an address, an account, …) in `scope`; hashed, so no address or e-mail is stored.
    Every rate limit of the portal names its counters here (the failed-login throttle too)."""
    return f"{_PREFIX}:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}"


def hit(scope: str, ident: str, limit: Limit | None = None) -> Refusal | None:
    """Count one request of `ident` in `scope`; a Refusal when it is over the limit (the refused one counts too)."""
    limit = limit or limit_for(scope)
    if limit is None:
        return None
    now = time.time()
    bucket = int(now // limit.window_s)
    count = counters.hit(f"{counter_key(scope, ident)}:{bucket}", limit.window_s).count
    if count <= limit.count:
        return None
    return Refusal(retry_after_s=max(1, int((bucket + 1) * limit.window_s - now + 0.999)))


def refused_response(request, refusal: Refusal):
    response = render(
        request,
        "core/rate_limited.html",
        {"minutes": refusal.minutes, "until": refusal.until},
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after_s)
    return response


def check(request, scope: str, *, key: str = "ip"):
    """The 429 response if this request goes over the scope's limit, else None (for views that limit one branch)."""
    refusal = hit(scope, client_key(request, key))
    return refused_response(request, refusal) if refusal else None


def rate_limited(scope: str, *, key: str = "ip", methods: tuple[str, ...] = ("POST",)):
    """Limit a view's requests with these methods, per client IP (key="ip") or signed-in user (key="user")."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                refused = check(request, scope, key=key)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
