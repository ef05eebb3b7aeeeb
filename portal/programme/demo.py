"""Demo programme: the FY2017 and FY2018 rounds, the current FY2026 round, five news items and the guides.

Idempotent: a page that already exists (same slug under the same parent) is left as it is — editors may have changed
it — so running the seed twice changes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.models import Page

from portal.core.calendar import today_jst
from portal.core.fiscal import fiscal_year_of

from .demo_content import guides, rounds
from .models import ContentPage, NewsIndexPage, NewsPage, RoundIndexPage, RoundPage, RoundStep


@dataclass
class DemoProgramme:
    round_index: RoundIndexPage
    news_index: NewsIndexPage
    rounds: dict[int, RoundPage] = field(default_factory=dict)
    guides: dict[str, ContentPage] = field(default_factory=dict)
    news: list[NewsPage] = field(default_factory=list)


def _child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """The live child `slug` of `parent`, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _url(name: str, language: str, fallback: str) -> str:
    with translation.override(language):
        try:
            return reverse(name)
        except NoReverseMatch:
            return fallback


def _fill(value, links: Mapping[str, str]):
    """Replace {placeholders} in every string of a block tree."""
    if isinstance(value, str):
        for key, url in links.items():
            value = value.replace("{" + key + "}", url)
        return value
    if isinstance(value, list):
        return [_fill(v, links) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, links) for k, v in value.items()}
    return value


def _links(language: str, challenges_url: str) -> dict[str, str]:
    prefix = "" if language == "ja" else f"/{language}"
    return {
        "challenges": prefix + challenges_url,
        "register": _url("accounts:register", language, f"{prefix}/accounts/register/"),
        "privacy": _url("privacy", language, f"{prefix}/privacy/"),
    }


def create_demo_programme(home_page: Page, municipalities_by_code: Mapping[str, object]) -> DemoProgramme:
    """Create the programme's pages under `home_page`; municipalities missing from the mapping are skipped."""
    round_index = _child(
        home_page,
        RoundIndexPage,
        "rounds",
        title="プログラムの各回",
        title_en="Programme rounds",
        intro="年度ごとの募集と、その日程・参加自治体・結果です。",
        intro_en="Each fiscal year's call: its schedule, the municipalities taking part and the results.",
    )
    news_index = _child(
        home_page,
        NewsIndexPage,
        "news",
        title="お知らせ",
        title_en="News",
        intro="募集の開始や締切、説明会、結果のお知らせです。",
        intro_en="Calls, deadlines, briefings and results.",
    )
    demo = DemoProgramme(round_index=round_index, news_index=news_index)

    for spec in rounds.ROUNDS:
        reported = spec["reported"]
        page = _child(
            round_index,
            RoundPage,
            spec["slug"],
            fiscal_year=spec["fiscal_year"],
            title=spec["title"],
            title_en=spec["title_en"],
            intro=spec["intro"],
            intro_en=spec["intro_en"],
            body=spec["body"],
            body_en=spec["body_en"],
            reported_applicants=reported.get("applicants"),
            reported_matches=reported.get("matches"),
            reported_trials=reported.get("trials"),
            reported_challenges=reported.get("challenges"),
            reported_source=reported.get("source", ""),
            reported_source_en=reported.get("source_en", ""),
            steps=[
                RoundStep(kind=kind, starts=starts, ends=ends, sort_order=i)
                for i, (kind, starts, ends) in enumerate(spec["steps"])
            ],
            municipalities=[
                municipalities_by_code[c] for c in spec["municipalities"] if c in municipalities_by_code
            ],
        )
        demo.rounds[spec["fiscal_year"]] = page

    links = {lang: _links(lang, "/challenges/") for lang in ("ja", "en")}
    for spec in guides.GUIDES:
        spec = copy.deepcopy(spec)
        page = _child(
            home_page,
            ContentPage,
            spec["slug"],
            title=spec["title"],
            title_en=spec["title_en"],
            intro=spec["intro"],
            intro_en=spec["intro_en"],
            body=_fill(spec["body"], links["ja"]),
            body_en=_fill(spec["body_en"], links["en"]),
            show_in_menus=spec["slug"] in guides.IN_MENUS,
        )
        demo.guides[spec["slug"]] = page

    for spec in rounds.NEWS:
        demo.news.append(_child(news_index, NewsPage, **spec))
    return demo


def attach_challenges_to_rounds(challenges: Iterable, rounds_by_year: Mapping[int, RoundPage]) -> int:
    """Put each challenge that has no round into the round of the fiscal year its applications open in (JST).

    Takes any challenge objects (with `round_id`, `application_opens`, `save`), so programme needs no import of the
    challenges app. Returns how many were attached."""
    attached = 0
    for challenge in challenges:
        if challenge.round_id is not None:
            continue
        round_page = rounds_by_year.get(fiscal_year_of(today_jst(challenge.application_opens)))
        if round_page is None:
            continue
        challenge.round = round_page
        challenge.save(update_fields=["round"])
        attached += 1
    return attached
