"""Japanese typesetting: headings, buttons, navigation and badges never break inside a word; the site has a favicon."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
FAVICON = "img/favicon.svg"


def _rules(css: str) -> dict[str, str]:
    """selector list → declarations, for the flat rules of a stylesheet (comments removed)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {selectors.strip(): body for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)}


def _selectors_with(css: str, declaration: str) -> set[str]:
    found = set()
    for selectors, body in _rules(css).items():
        if declaration in re.sub(r"\s+", " ", body):
            found.update(s.strip() for s in selectors.split(","))
    return found


def test_headings_buttons_navigation_and_badges_break_between_phrases():
    css = (ROOT / "static/css/site.css").read_text()
    phrased = _selectors_with(css, "word-break: auto-phrase")
    assert {"h1", "h2", "h3", ".button", "button", ".main-nav a", ".badge"} <= phrased
    # The page's overflow-wrap: anywhere would still split a word inside a phrase; those elements only break a
    # string that is longer than the line by itself.
    rules = _rules(css)
    body = next(b for s, b in rules.items() if "word-break: auto-phrase" in b)
    assert "overflow-wrap: break-word" in body


def test_the_favicon_is_linked_from_the_site_and_the_admin_and_exists():
    path = finders.find(FAVICON)
    assert path, "static/img/favicon.svg is not found by the static files finders"
    assert Path(path).read_text().lstrip().startswith("<svg")

    with translation.override("ja"):
        site = render_to_string("404.html", request=RequestFactory().get("/"))
    assert re.search(r'<link rel="icon" href="[^"]*/img/favicon\.svg" type="image/svg\+xml">', site)


def test_every_page_of_the_site_and_the_admin_shows_the_favicon(client, django_user_model):
    home = client.get("/")
    assert 'rel="icon"' in home.content.decode() and "favicon.svg" in home.content.decode()

    admin = django_user_model.objects.create_superuser(
        email="typesetting@example.jp", password="x-pass-1234-long"
    )
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*/img/favicon\.svg"', html)
    assert "wagtailadmin/images/favicon.ico" not in html


def test_the_favicon_is_served(client, settings):
    settings.DEBUG = True
    from django.contrib.staticfiles.views import serve

    response = serve(RequestFactory().get("/static/" + FAVICON), FAVICON)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
