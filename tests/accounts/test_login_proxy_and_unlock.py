"""Issue #16, item 8: behind a trusted proxy clients are counted apart; a stranger cannot lock the owner out
(beyond the per-account ceiling, which the owner lifts with a one-time e-mailed link); counters are atomic."""

import re
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.test import RequestFactory, override_settings

from portal.accounts.backends import EmailBackend
from portal.core.clientip import client_ip
from portal.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
OWNER_IP = "203.0.113.5"
STRANGER_IP = "198.51.100.9"
LOCKED = "ログインの失敗が続いたため"


def login(
    client, email, password=factories.PASSWORD, *, ip=None, forwarded=None, url="/accounts/login/", **extra
):
    meta = {}
    if ip:
        meta["REMOTE_ADDR"] = ip
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(url, {"username": email, "password": password}, **meta, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# ---------------------------------------------------------------------------------------------- client_ip


def meta_request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    "proxies, count, remote, forwarded, expected",
    [
        # No trusted proxy configured: the header is the client's word and is ignored.
        ([], 0, "192.0.2.1", "203.0.113.5", "192.0.2.1"),
        # From a trusted proxy: the rightmost address that is not a proxy.
        (["10.0.0.0/8"], 0, PROXY, "203.0.113.5", "203.0.113.5"),
        (["10.0.0.0/8"], 0, PROXY, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # 6.6.6.6 is forged by the client
        (["10.0.0.0/8"], 0, PROXY, "203.0.113.5, 10.1.1.1", "203.0.113.5"),  # two proxies
        # The header from a client that is not a trusted proxy is ignored.
        (["10.0.0.0/8"], 0, "198.51.100.9", "203.0.113.5", "198.51.100.9"),
        # Garbage in the header: stop at the last trusted hop.
        (["10.0.0.0/8"], 0, PROXY, "not-an-ip", PROXY),
        # A number of proxies instead of their addresses.
        ([], 1, PROXY, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        ([], 2, PROXY, "6.6.6.6, 203.0.113.5, 10.9.9.9", "203.0.113.5"),
        ([], 1, PROXY, None, PROXY),
        (["2001:db8::/32"], 0, "2001:db8::1", "[2001:db8:ffff::7]:443, 203.0.113.5:51000", "203.0.113.5"),
    ],
)
def test_client_ip_honours_x_forwarded_for_only_from_trusted_proxies(
    settings, proxies, count, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(meta_request(remote, forwarded)) == expected


# ---------------------------------------------------------------------------------------------- counted apart


@override_settings(
    TRUSTED_PROXIES=["10.0.0.0/8"],
    LOGIN_THROTTLE_FAILURES=3,
    LOGIN_THROTTLE_IP_FAILURES=4,
    LOGIN_THROTTLE_WINDOW_S=600,
)
def test_behind_a_trusted_proxy_two_clients_are_counted_separately(client, startup_user):
    # Four clients behind the same proxy each fail with unknown addresses: the proxy's address is never counted.
    for n in range(4):
        for _ in range(3):
            login(client, f"nobody{n}@example.jp", "wrong", ip=PROXY, forwarded=f"192.0.2.{n + 1}")
    # Someone at another address behind the same proxy logs in at once.
    response = login(client, startup_user.email, ip=PROXY, forwarded=OWNER_IP, follow=True)
    assert response.redirect_chain[-1][0] == "/mypage/"
    # The first client is stopped for its own address.
    client.logout()
    response = login(client, "nobody0@example.jp", "wrong", ip=PROXY, forwarded="192.0.2.1")
    assert LOCKED in response.content.decode()


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], LOGIN_THROTTLE_FAILURES=3, LOGIN_THROTTLE_WINDOW_S=600)
def test_an_untrusted_x_forwarded_for_is_ignored(client, startup_user):
    # A guesser who is not behind our proxy sets a new X-Forwarded-For on every try: still one address.
    for n in range(3):
        login(client, startup_user.email, "wrong", ip=STRANGER_IP, forwarded=f"192.0.2.{n + 1}")
    response = login(client, startup_user.email, "wrong", ip=STRANGER_IP, forwarded="192.0.2.77")
    assert LOCKED in response.content.decode()
    # The same trick through the proxy: the forged part (left of what the proxy appended) is ignored too.
    for n in range(3):
        login(client, "victim@example.jp", "wrong", ip=PROXY, forwarded=f"192.0.2.{n + 1}, {STRANGER_IP}")
    response = login(client, "victim@example.jp", "wrong", ip=PROXY, forwarded=f"192.0.2.99, {STRANGER_IP}")
    assert LOCKED in response.content.decode()


@override_settings(
    LOGIN_THROTTLE_FAILURES=5,
    LOGIN_THROTTLE_IP_FAILURES=20,
    LOGIN_THROTTLE_ACCOUNT_FAILURES=12,
    LOGIN_THROTTLE_WINDOW_S=900,
)
def test_a_strangers_failures_do_not_lock_the_owner_out_below_the_ceiling(client, startup_user):
    # Five bad passwords from a stranger's address lock that address for this account, not the owner's.
    for _ in range(5):
        login(client, startup_user.email, "wrong", ip=STRANGER_IP)
    assert LOCKED in login(client, startup_user.email, ip=STRANGER_IP).content.decode()
    response = login(client, startup_user.email, ip=OWNER_IP, follow=True)
    assert response.redirect_chain[-1][0] == "/mypage/"
    client.logout()
    # Guessing spread over addresses: up to the documented ceiling (12 failures over all addresses) the owner
    # still gets in from their own address.
    for n in range(6):
        login(client, startup_user.email, "wrong", ip=f"192.0.2.{n + 1}")
    assert logged_in(client) is False
    response = login(client, startup_user.email, ip=OWNER_IP, follow=True)
    assert response.redirect_chain[-1][0] == "/mypage/"
    client.logout()
    # Past the ceiling the account is locked everywhere, and the page offers the unlock link.
    login(client, startup_user.email, "wrong", ip="192.0.2.50")
    response = login(client, startup_user.email, ip=OWNER_IP)
    body = response.content.decode()
    assert not logged_in(client) and LOCKED in body
    assert "/accounts/login/unlock/" in body


def unlock_link(outbox) -> str:
    return re.search(r"http://testserver(/accounts/login/unlock/[^/\s]+/)", outbox[-1].body).group(1)


@override_settings(LOGIN_THROTTLE_FAILURES=5, LOGIN_THROTTLE_ACCOUNT_FAILURES=6, LOGIN_THROTTLE_WINDOW_S=900)
def test_the_unlock_link_lets_the_owner_in_once_and_is_audited(client, startup_user):
    for n in range(6):
        login(client, startup_user.email, "wrong", ip=f"192.0.2.{n + 1}")
    assert LOCKED in login(client, startup_user.email, ip=OWNER_IP).content.decode()
    # The request answers the same for a known and an unknown address; only the owner gets a mail.
    for email in ("nobody@example.jp", startup_user.email):
        response = client.post("/accounts/login/unlock/", {"email": email}, REMOTE_ADDR=OWNER_IP, follow=True)
        assert "ロックを解除するリンクを送信しました" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[startup_user.email]]
    path = unlock_link(mail.outbox)
    # Opening the link (a mail scanner may) does not use it; the button does.
    assert client.get(path, REMOTE_ADDR=OWNER_IP).status_code == 200
    response = client.post(path, REMOTE_ADDR=OWNER_IP, follow=True)
    assert "このブラウザでアカウントのロックを解除しました" in response.content.decode()
    assert (
        AuditEvent.objects.filter(action="accounts.login_unlocked", object_id=str(startup_user.pk)).count()
        == 1
    )
    assert AuditEvent.objects.filter(
        action="accounts.login_unlock_sent", object_id=str(startup_user.pk)
    ).exists()
    # Once only.
    assert client.post(path, REMOTE_ADDR=OWNER_IP).status_code == 400
    assert client.get(path, REMOTE_ADDR=OWNER_IP).status_code == 400
    # The stranger keeps guessing from new addresses, but this browser stays exempt from the account's ceiling.
    for n in range(8):
        login(client, startup_user.email, "wrong", ip=f"192.0.2.{n + 10}")
    response = login(client, startup_user.email, ip=OWNER_IP, follow=True)
    assert response.redirect_chain[-1][0] == "/mypage/"


def test_a_tampered_or_expired_unlock_link_is_refused(client, startup_user, settings):
    client.post("/accounts/login/unlock/", {"email": startup_user.email})
    path = unlock_link(mail.outbox)
    assert client.get(path[:-3] + "xx/").status_code == 400
    settings.LOGIN_UNLOCK_MAX_AGE = -1
    response = client.post(path)
    assert response.status_code == 400 and "有効期限が切れています" in response.content.decode()


def test_the_unlock_request_is_rate_limited_per_account(client, startup_user, settings):
    settings.RATE_LIMIT_LOGIN_UNLOCK = "2/h"
    for n in range(3):
        response = client.post(
            "/accounts/login/unlock/", {"email": startup_user.email}, REMOTE_ADDR=f"192.0.2.{n + 1}"
        )
        assert response.status_code == 302
    assert len(mail.outbox) == 2


# ---------------------------------------------------------------------------------------------- concurrency


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(LOGIN_THROTTLE_FAILURES=5, LOGIN_THROTTLE_IP_FAILURES=1000, LOGIN_THROTTLE_WINDOW_S=900)
def test_concurrent_guesses_get_no_more_tries_than_allowed():
    user = factories.user(email="target@example.jp")
    n = 30
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess() -> None:
        try:
            request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=STRANGER_IP)
            barrier.wait(timeout=60)
            try:
                # The backend itself: authenticate() turns its PermissionDenied into None.
                result = EmailBackend().authenticate(request, username=user.email, password="wrong")
                outcome = "checked" if result is None else "in"
            except PermissionDenied:
                outcome = "refused"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == n
    assert outcomes.count("checked") == 5
    assert outcomes.count("refused") == n - 5
