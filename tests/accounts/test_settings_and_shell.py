"""Production settings refuse to start without secrets; the site shell works in Japanese and English."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal import urls
from portal.core import views as core_views

ROOT = Path(__file__).resolve().parents[2]
SECRET = "x" * 20 + "-production-secret-for-the-test-only-0123456789abcdef"
# Everything a production deployment sets (docs/deployment.md); nothing here connects to the servers named.
DEPLOYMENT = {
    "DJANGO_SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "xact.example.jp",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.xact.example.jp",
    "WAGTAILADMIN_BASE_URL": "https://xact.example.jp",
}


def run_production(args, **env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALLOWED_HOSTS", "DATABASE_URL"))
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "XACT_VAR_DIR": "/tmp/xact-prod-check",
            # Production refuses to start without one; nothing here connects to it. None drops a variable.
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/xact_prod_check",
            **env,
        }
    )
    clean = {k: v for k, v in clean.items() if v is not None}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_a_secret():
    result = run_production(["-c", "import django; django.setup()"], ALLOWED_HOSTS="xact.example.jp")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = run_production(["-c", "import django; django.setup()"], DJANGO_SECRET_KEY=SECRET)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_with_every_production_setting():
    result = run_production(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **DEPLOYMENT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_home_page_in_japanese_and_english(client):
    ja = client.get("/")
    assert ja.status_code == 200
    body = ja.content.decode()
    assert '<html lang="ja">' in body and "本文へ移動" in body and "プライバシーポリシー" in body
    assert 'aria-current="true"' in body  # the language switch marks the current language
    en = client.get("/en/")
    assert en.status_code == 200
    body = en.content.decode()
    assert '<html lang="en">' in body and "Skip to content" in body and "Privacy policy" in body


@pytest.mark.django_db
def test_privacy_policy_in_both_languages_shows_its_version(client, settings):
    ja = client.get("/privacy/").content.decode()
    assert "個人情報" in ja and settings.PRIVACY_POLICY_VERSION in ja
    en = client.get("/en/privacy/").content.decode()
    assert "personal data" in en and settings.PRIVACY_POLICY_VERSION in en


@pytest.mark.django_db
def test_not_found_page_is_ours_in_both_languages(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_server_error_page_renders_without_the_database(rf):
    # No database fixture: any query would fail the test. The page must stand alone when the database is down.
    request = rf.get("/")
    response = core_views.server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert "500" in body and "css/site.css" in body


def test_error_handlers_are_ours():
    assert urls.handler404 == "portal.core.views.page_not_found"
    assert urls.handler500 == "portal.core.views.server_error"
