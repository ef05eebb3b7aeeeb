"""RSS/Atom feeds and sitemap.xml: well-formed XML with the expected structure, listing only live pages."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from tests.programme import factories as pf

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def news_items():
    live = [
        pf.news(
            "応募受付を開始しました",
            dt.date(2026, 10, 15),
            title_en="Applications are open",
            intro="募集開始",
            intro_en="Open now",
        ),
        pf.news("説明会のお知らせ", dt.date(2026, 11, 10), title_en="Online briefing"),
    ]
    draft = pf.news("下書きのお知らせ", dt.date(2026, 11, 20), publish=False, title_en="Draft news")
    return live, draft


def test_rss_feed_is_valid_rss_2_with_only_live_items_newest_first(client, news_items):
    live, draft = news_items
    response = client.get("/news/feed/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.find(required) is not None and channel.find(required).text
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["説明会のお知らせ", "応募受付を開始しました"]
    for item in items:
        assert item.findtext("link").startswith("http://")
        assert item.findtext("pubDate")
        assert item.findtext("guid")
    assert "下書き" not in response.content.decode()


def test_atom_feed_is_valid_atom_in_english_under_en(client, news_items):
    response = client.get("/en/news/feed/atom/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id") is not None and root.find(f"{ATOM}updated") is not None
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Online briefing", "Applications are open"]
    for entry in entries:
        assert "/en/news/" in entry.find(f"{ATOM}link").get("href")
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
    assert "Draft news" not in response.content.decode()


def test_unpublishing_removes_an_item_from_the_feed(client, news_items):
    live, _draft = news_items
    live[0].unpublish()
    root = ET.fromstring(client.get("/news/feed/rss/").content)
    assert [i.findtext("title") for i in root.find("channel").findall("item")] == ["説明会のお知らせ"]


def test_sitemap_lists_live_pages_in_both_languages_with_hreflang_alternates(client, news_items):
    live, draft = news_items
    pf.content("利用規約", "terms", title_en="Terms")
    pf.content("準備中のページ", "coming-soon", publish=False)
    response = client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en")  # the browser's language must not matter
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    locations = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    paths = {loc.split("://", 1)[1].split("/", 1)[1] for loc in locations}
    for path in (
        "",
        "en/",
        "news/",
        "en/news/",
        "terms/",
        "en/terms/",
        f"news/{live[0].slug}/",
        f"en/news/{live[0].slug}/",
    ):
        assert path in paths, (path, sorted(paths))
    assert not any("coming-soon" in p or draft.slug in p for p in paths)
    terms = next(u for u in root.findall(f"{SITEMAP}url") if u.findtext(f"{SITEMAP}loc").endswith("/terms/"))
    alternates = {link.get("hreflang"): link.get("href") for link in terms.findall(f"{XHTML}link")}
    assert alternates["ja"].endswith("/terms/") and alternates["en"].endswith("/en/terms/")
    assert alternates["x-default"] == alternates["ja"]
