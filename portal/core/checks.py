"""Deployment checks of our own (`manage.py check --deploy`): what a production setting lacks and what that costs.

Registered by CoreConfig.ready() with deploy=True, so they run with --deploy only; CI runs them with production
settings at --fail-level WARNING (.ci/run). `manage.py check_deployment` runs them with the live checks
(portal/core/deployment.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register

LOCAL_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register("xact", deploy=True)
def deployment_settings(app_configs=None, **kwargs):
    issues = []
    if "redis" not in settings.CACHES.get("default", {}).get("BACKEND", "").lower():
        issues.append(
            Warning(
                "REDIS_URL is not set: the cache is the database.",
                hint="Every cached page, failed-login count and rate-limit count is then a write to the database, "
                "which slows every page under load. Set REDIS_URL=redis://host:6379/0 (docs/deployment.md).",
                id="xact.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        issues.append(
            Warning(
                "DATABASE_URL names a SQLite file.",
                hint="SQLite serves one machine with one writer at a time; use PostgreSQL "
                "(DATABASE_URL=postgres://user:password@host:5432/xact).",
                id="xact.W002",
            )
        )
    if settings.EMAIL_BACKEND in LOCAL_MAIL_BACKENDS:
        issues.append(
            Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no mail leaves this machine.",
                hint="Sign-up confirmations, invitations, password resets and notifications are never delivered. "
                "Use the SMTP backend with EMAIL_HOST (docs/deployment.md).",
                id="xact.W003",
            )
        )
    elif settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend" and not settings.EMAIL_HOST:
        issues.append(
            Warning(
                "EMAIL_HOST is not set.",
                hint="Sign-up confirmations, invitations, password resets and notifications cannot be sent. Set "
                "EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS as needed).",
                id="xact.W003",
            )
        )
    base_url = settings.WAGTAILADMIN_BASE_URL or ""
    if not base_url.startswith("https://") or "127.0.0.1" in base_url or "localhost" in base_url:
        issues.append(
            Warning(
                f"WAGTAILADMIN_BASE_URL is {base_url!r}.",
                hint="Links in e-mails (sign-up confirmation, password reset, notifications) point there. Set it to "
                "the portal's public https:// address.",
                id="xact.W004",
            )
        )
    return issues
