"""Failed-login throttling: per account and client address, per client address, and per account.

Three counters, each a fixed window of `LOGIN_THROTTLE_WINDOW_S` seconds that starts with its first failure:

- **account × address** (`LOGIN_THROTTLE_FAILURES`, 5): someone guessing one account's password from one address
  is stopped there. Other addresses (the owner's) are not affected.
- **address** (`LOGIN_THROTTLE_IP_FAILURES`, 20): one address trying many accounts.
- **account, over all addresses** (`LOGIN_THROTTLE_ACCOUNT_FAILURES`, 50): the ceiling that slows guessing spread
  over many addresses. Reaching it locks the account for every address — so a stranger could lock the owner out;
  the owner can always get a one-time unlock link by e-mail (`services.login_unlock_*`), and the browser that
  followed it is exempt from this ceiling (a signed cookie for that account), never from the other two.

The client address comes from `portal.core.clientip.client_ip` (X-Forwarded-For only from trusted proxies). This is
the login policy of the portal's one rate limiter (portal/core/ratelimit.py): the same counters, named the same way.

Counting is atomic: an attempt *reserves* a slot in the account × address and address counters before the password
is checked, so concurrent guesses cannot get past the limit; a successful login gives its slot back. The
authentication backend applies all this, so the site's and the admin's logins are covered alike. The counts live
where portal/core/counters.py keeps them (Redis, or the database — also while Redis is unreachable, so throttling
never lifts); all access goes through `_incr`, `_decr`, `_read` and `_forget`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone

from portal.core import counters, ratelimit
from portal.core.clientip import client_ip

from .models import User

__all__ = [
    "Lock",
    "client_ip",
    "lock_for",
    "normalise_email",
    "reserve",
    "register_failure",
    "register_success",
]

_SCOPE = "login-fail"  # its counters: ratelimit.counter_key("login-fail-<kind>", …)
UNLOCK_COOKIE = "xact_login_unlock"
UNLOCK_COOKIE_SALT = "xact.accounts.login-unlock-cookie"


@dataclass(frozen=True)
class Lock:
    until: float  # epoch seconds
    account_wide: bool = False  # the per-account ceiling: the owner may ask for an unlock link

    @property
    def until_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.until, tz=timezone.get_current_timezone())

    @property
    def minutes_left(self) -> int:
        return max(1, int((self.until - time.time() + 59) // 60))


def _window() -> int:
    return int(settings.LOGIN_THROTTLE_WINDOW_S)


def _limit_pair() -> int:
    return int(settings.LOGIN_THROTTLE_FAILURES)


def _limit_ip() -> int:
    return int(getattr(settings, "LOGIN_THROTTLE_IP_FAILURES", 4 * settings.LOGIN_THROTTLE_FAILURES))


def _limit_account() -> int:
    return int(getattr(settings, "LOGIN_THROTTLE_ACCOUNT_FAILURES", 10 * settings.LOGIN_THROTTLE_FAILURES))


def _key(kind: str, value: str) -> str:
    return ratelimit.counter_key(f"{_SCOPE}-{kind}", value)


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


# ---------------------------------------------------------------------------------------------- the counters


def _incr(key: str) -> tuple[int, float]:
    """Atomically add one to the counter `key`; its new value and when its window started (epoch seconds)."""
    window = counters.hit(key, _window())
    return window.count, window.started


def _decr(key: str) -> None:
    counters.give_back(key)


def _read(key: str) -> tuple[int, float]:
    """The counter's value and window start without changing it (0 when its window has ended)."""
    window = counters.peek(key, _window())
    return window.count, window.started


def _forget(key: str) -> None:
    counters.clear(key)


# ---------------------------------------------------------------------------------------------- the rules


def _keys(email: str, request) -> list[tuple[str, int]]:
    """The reserved counters for an attempt: account × address, and address."""
    ip = client_ip(request)
    keys = []
    if email:
        keys.append((_key("pair", f"{email}|{ip}"), _limit_pair()))
    if ip:
        keys.append((_key("ip", ip), _limit_ip()))
    return keys


def unlock_cookie_value(user_pk: int) -> str:
    return signing.dumps(int(user_pk), salt=UNLOCK_COOKIE_SALT)


def _exempt_from_ceiling(email: str, request) -> bool:
    """The browser followed this account's unlock link: the per-account ceiling does not apply to it."""
    value = request.COOKIES.get(UNLOCK_COOKIE) if request is not None else None
    if not value:
        return False
    try:
        user_pk = signing.loads(value, salt=UNLOCK_COOKIE_SALT, max_age=settings.LOGIN_UNLOCK_COOKIE_AGE)
    except signing.BadSignature:
        return False
    return User.objects.filter(pk=user_pk, email__iexact=email).exists()


def _account_lock(email: str, request) -> Lock | None:
    if not email:
        return None
    count, start = _read(_key("account", email))
    if count >= _limit_account() and not _exempt_from_ceiling(email, request):
        return Lock(start + _window(), account_wide=True)
    return None


def lock_for(email: str | None, request=None) -> Lock | None:
    """The lock in force for this account from this client (address and browser), or None."""
    email = normalise_email(email)
    until = 0.0
    for key, limit in _keys(email, request):
        count, start = _read(key)
        if count >= limit:
            until = max(until, start + _window())
    if until:
        return Lock(until)
    return _account_lock(email, request)


def reserve(email: str | None, request=None) -> Lock | None:
    """Take a slot for one password check, atomically; the Lock instead when a limit is reached (nothing taken).

    Call `register_failure` or `register_success` after the check.
    """
    email = normalise_email(email)
    taken: list[str] = []
    for key, limit in _keys(email, request):
        count, start = _incr(key)
        taken.append(key)
        if count > limit:
            for done in taken:
                _decr(done)
            return Lock(start + _window())
    lock = _account_lock(email, request)
    if lock is not None:
        for done in taken:
            _decr(done)
    return lock


def register_failure(email: str | None, request=None) -> None:
    """The password was wrong: the reserved slots stay counted, and the account's ceiling counts one more."""
    email = normalise_email(email)
    if email:
        _incr(_key("account", email))


def register_success(email: str | None, request=None) -> None:
    """A successful login clears this account's count from this address and gives the address's slot back."""
    email = normalise_email(email)
    ip = client_ip(request)
    if email:
        _forget(_key("pair", f"{email}|{ip}"))
    if ip:
        _decr(_key("ip", ip))


def forget_account(email: str | None, request=None) -> None:
    """The owner unlocked the account: its ceiling and the count from the owner's address start again."""
    email = normalise_email(email)
    if email:
        _forget(_key("account", email))
        _forget(_key("pair", f"{email}|{client_ip(request)}"))
