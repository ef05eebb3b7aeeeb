"""The database restarts under the portal (what clients see: their connections are terminated).

PostgreSQL only: pg_terminate_backend is how a restart or fail-over looks to the portal's connections. The WSGI
application called as a server calls it, with persistent connections (CONN_MAX_AGE) and health checks: the request
after the restart succeeds, a confirmed write is there exactly once, and a write cut off half-way gets a 503 page in
Japanese with nothing of it saved.
"""

from __future__ import annotations

import io
import re
import urllib.parse

import psycopg
import pytest
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections

from portal.applications import services as application_services
from portal.applications.models import Application
from portal.core.models import AuditEvent
from tests.applications.factories import PROPOSAL, World

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_terminate_backend: the restart is simulated on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _admin_connection():
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=s["USER"],
        password=s["PASSWORD"],
        dbname=s["NAME"],
        autocommit=True,
    )


def terminate_app_connections() -> int:
    """Terminate every connection to the test database but the one doing it, as a database restart does."""
    with _admin_connection() as admin:
        row = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return row[0]


class Server:
    """The portal's WSGI application called as a WSGI server calls it (request_started/finished included, so
    Django's per-request connection handling and health checks run), with a browser's cookies and CSRF token."""

    def __init__(self, cookies: dict[str, str]):
        self.app = get_wsgi_application()
        self.cookies = dict(cookies)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else b""
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "POST" if data is not None else "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = int(status.split()[0]), headers

        result = self.app(environ, start_response)
        try:
            text = b"".join(result).decode()
        finally:
            result.close()  # request_finished: what the server does at the end of every request
        location = None
        for name, value in started["headers"]:
            if name.lower() == "set-cookie":
                key, val = value.split(";", 1)[0].split("=", 1)
                self.cookies[key] = val
            elif name.lower() == "location":
                location = value
        if started["status"] in (301, 302, 303):
            return self.request(urllib.parse.urljoin(path, location))
        return started["status"], text

    def post_form(self, path: str, fields: dict) -> tuple[int, str]:
        _, page = self.request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(path, {"csrfmiddlewaretoken": token, **fields})


def test_database_restart_between_and_during_writes(client, monkeypatch):
    # Persistent connections, as in production with DB_CONN_MAX_AGE: the restart has something to break, and the
    # health check (CONN_HEALTH_CHECKS) must notice it.
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 600)
    assert connections["default"].settings_dict["CONN_HEALTH_CHECKS"] is True
    world = World()
    client.force_login(world.user_a)
    browser = Server({settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value})

    # A confirmed write, then the database restarts before the next request.
    status, page = browser.post_form(f"/applications/new/{world.challenge_x.pk}/", PROPOSAL)
    assert status == 200 and "下書きを保存しました" in page
    assert terminate_app_connections() >= 1  # the portal's persistent connection was cut

    status, page = browser.request("/applications/")
    assert status == 200 and world.challenge_x.title in page  # the next request just works
    application = Application.objects.get(
        challenge=world.challenge_x, startup=world.startup_a
    )  # exactly once
    edits_before = AuditEvent.objects.filter(action="application.update").count()

    # A write cut off half-way: the row is updated, then the database goes away before the audit event and COMMIT.
    real_record = application_services.applications.record

    def record_then_restart(**kwargs):
        terminate_app_connections()
        return real_record(**kwargs)

    monkeypatch.setattr(application_services.applications, "record", record_then_restart)
    status, page = browser.post_form(
        f"/applications/{application.pk}/edit/", PROPOSAL | {"approach": "変更した内容"}
    )
    assert status == 503
    assert "今送信した内容は保存されていません" in page and "Traceback" not in page
    application.refresh_from_db()
    assert application.approach == PROPOSAL["approach"]  # nothing half-written
    assert AuditEvent.objects.filter(action="application.update").count() == edits_before

    # The database is back: sending it again works, once.
    monkeypatch.setattr(application_services.applications, "record", real_record)
    status, page = browser.post_form(
        f"/applications/{application.pk}/edit/", PROPOSAL | {"approach": "変更した内容"}
    )
    assert status == 200 and "下書きを保存しました" in page
    application.refresh_from_db()
    assert application.approach == "変更した内容"
    assert AuditEvent.objects.filter(action="application.update").count() == edits_before + 1
