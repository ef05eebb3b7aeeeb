"""Builders for programme tests: rounds with schedules, news and content pages under the home page."""

from __future__ import annotations

import datetime as dt
import itertools

from portal.core.models import HomePage
from portal.programme.models import ContentPage, NewsIndexPage, NewsPage, RoundIndexPage, RoundPage, RoundStep

_seq = itertools.count(1)


def home() -> HomePage:
    return HomePage.objects.get()


def _child(parent, page, publish=True):
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    else:
        page.unpublish() if page.live else None
    page.refresh_from_db()
    return page


def round_index() -> RoundIndexPage:
    existing = RoundIndexPage.objects.first()
    return existing or _child(home(), RoundIndexPage(title="各回", title_en="Rounds", slug="rounds"))


def news_index() -> NewsIndexPage:
    existing = NewsIndexPage.objects.first()
    return existing or _child(home(), NewsIndexPage(title="お知らせ", title_en="News", slug="news"))


def round_page(
    fiscal_year: int, steps: list[tuple[str, dt.date, dt.date | None]], publish=True, **fields
) -> RoundPage:
    page = RoundPage(
        title=fields.pop("title", f"{fiscal_year}年度"),
        title_en=fields.pop("title_en", f"Round {fiscal_year}"),
        slug=f"fy{fiscal_year}",
        fiscal_year=fiscal_year,
        steps=[RoundStep(kind=k, starts=s, ends=e, sort_order=i) for i, (k, s, e) in enumerate(steps)],
        **fields,
    )
    return _child(round_index(), page, publish)


def news(title: str, date: dt.date, publish=True, **fields) -> NewsPage:
    n = next(_seq)
    page = NewsPage(title=title, slug=fields.pop("slug", f"news-{n}"), date=date, **fields)
    return _child(news_index(), page, publish)


def content(title: str, slug: str, publish=True, **fields) -> ContentPage:
    return _child(home(), ContentPage(title=title, slug=slug, **fields), publish)
