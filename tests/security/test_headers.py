"""Security headers: the site's strict CSP, the admin's looser one, and the other headers on every response."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def directives(response, header="Content-Security-Policy") -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in response[header].split("; ")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/en/", "/privacy/", "/search/?q=除雪", "/accounts/login/", "/no-such-page/"]
)
def test_site_pages_send_a_strict_policy_and_the_other_headers(client, path):
    response = client.get(path)
    assert response.status_code in {200, 404}
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no other origin
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )


@pytest.mark.django_db
def test_admin_pages_allow_wagtails_inline_code_and_same_origin_previews(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    csp = directives(response)
    assert "'unsafe-inline'" in csp["script-src"] and "'unsafe-inline'" in csp["style-src"]
    assert csp["frame-ancestors"] == ["'self'"] and csp["frame-src"] == ["'self'"]
    # Still nothing from another origin.
    assert all(
        source in {"'self'", "'unsafe-inline'", "data:", "blob:", "'none'"}
        for s in csp.values()
        for source in s
    )
    # The admin's avatars are initials, not gravatar.com images the policy would block.
    assert "gravatar.com" not in response.content.decode()


@pytest.mark.django_db
def test_report_only_mode_sends_the_policy_without_enforcing_it(client, settings):
    settings.CSP_REPORT_ONLY = True
    response = client.get("/")
    assert "Content-Security-Policy" not in response
    assert directives(response, "Content-Security-Policy-Report-Only")["script-src"] == ["'self'"]


SITE_TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("portal/*/templates")]
# Admin screens run under the admin policy; PDFs are rendered by WeasyPrint, never by a browser.
NOT_SITE = ("/admin/", "/pdf/", "/email/", "wagtailadmin")


def test_site_templates_have_no_inline_script_or_style():
    offenders = []
    for directory in SITE_TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            rel = "/" + str(path.relative_to(directory))
            if any(part in rel for part in NOT_SITE):
                continue
            text = path.read_text()
            for pattern in (
                r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)",
                r"\sstyle=",
                r"<style",
                r"\son[a-z]+=",
                r"javascript:",
            ):  # a javascript: link is inline code the policy blocks
                if re.search(pattern, text):
                    offenders.append(f"{rel}: {pattern}")
    assert offenders == []


def test_production_cookies_are_https_only_http_only_and_same_site():
    from tests.accounts.test_settings_and_shell import SECRET, run_production

    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_AGE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "X_FRAME_OPTIONS",
        "MIDDLEWARE",
    ]
    code = f"import django; django.setup(); from django.conf import settings; print(repr({{n: getattr(settings, n) for n in {names!r}}}))"
    result = run_production(["-c", code], DJANGO_SECRET_KEY=SECRET, ALLOWED_HOSTS="xact.example.jp")
    assert result.returncode == 0, result.stderr
    values = eval(result.stdout)  # noqa: S307 - our own repr of plain values
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SESSION_COOKIE_AGE"] == 12 * 60 * 60
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000 and values["SECURE_SSL_REDIRECT"]
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert "portal.core.security.SecurityHeadersMiddleware" in values["MIDDLEWARE"]


@pytest.mark.django_db
def test_cookies_set_by_the_login_form_are_http_only(client):
    response = client.get("/accounts/login/")
    assert response.cookies["csrftoken"]["httponly"] is True
    assert response.cookies["csrftoken"]["samesite"] == "Lax"
