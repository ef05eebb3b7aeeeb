"""Failed-login throttling per e-mail address and per client IP, counted by portal/core/counters.py (Redis when
configured, else the database, and the database while Redis is away: never unthrottled).

A fixed window starts at the first failure: after `LOGIN_THROTTLE_FAILURES` failures for one e-mail address
(or `LOGIN_THROTTLE_IP_FAILURES` from one IP address) within `LOGIN_THROTTLE_WINDOW_S` seconds, further attempts
are refused until the window ends, even with the right password. The authentication backend applies it, so the
site's login and the Wagtail admin's login are covered alike.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from portal.core import counters

_PREFIX = "xact:login-fail"


@dataclass(frozen=True)
class Lock:
    until: float  # epoch seconds

    @property
    def until_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.until, tz=timezone.get_current_timezone())

    @property
    def minutes_left(self) -> int:
        return max(1, int((self.until - time.time() + 59) // 60))


def _window() -> int:
    return int(settings.LOGIN_THROTTLE_WINDOW_S)


def _limit_email() -> int:
    return int(settings.LOGIN_THROTTLE_FAILURES)


def _limit_ip() -> int:
    return int(getattr(settings, "LOGIN_THROTTLE_IP_FAILURES", 4 * settings.LOGIN_THROTTLE_FAILURES))


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"{_PREFIX}:{kind}:{digest}"


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


def lock_for(email: str | None, request=None) -> Lock | None:
    """The lock in force for this e-mail address or this client's IP, or None."""
    checks = []
    if normalise_email(email):
        checks.append((_key("email", normalise_email(email)), _limit_email()))
    ip = client_ip(request)
    if ip:
        checks.append((_key("ip", ip), _limit_ip()))
    until = 0.0
    for key, limit in checks:
        window = counters.peek(key, _window())
        if window.count >= limit:
            until = max(until, window.ends(_window()))
    return Lock(until) if until else None


def register_failure(email: str | None, request=None) -> None:
    if normalise_email(email):
        counters.hit(_key("email", normalise_email(email)), _window())
    ip = client_ip(request)
    if ip:
        counters.hit(_key("ip", ip), _window())


def register_success(email: str | None) -> None:
    """A successful login clears the e-mail address's count (the IP's count runs out with its window)."""
    if normalise_email(email):
        counters.clear(_key("email", normalise_email(email)))
