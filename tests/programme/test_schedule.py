"""The current step of a round, judged on the day in Japan (JST), at the edges of its dates."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from portal.core.calendar import today_jst
from portal.core.fiscal import fiscal_year_label_ja, fiscal_year_of
from portal.programme import schedule
from tests.programme import factories as pf

UTC = dt.UTC
D = dt.date


def step(name, starts, ends=None):
    return SimpleNamespace(name=name, starts=starts, ends=ends)


# A fiscal year ends on 31 March and the next step starts on 1 April.
STEPS = [
    step("trips", D(2026, 2, 1), D(2026, 3, 31)),
    step("next-year", D(2026, 4, 1), D(2026, 4, 30)),
    step("demo-day", D(2026, 5, 15)),
]


@pytest.mark.parametrize(
    "instant, expected",
    [
        # 2026-03-31 23:59:59 JST is 14:59:59 UTC: still the 31st in Japan.
        (dt.datetime(2026, 3, 31, 14, 59, 59, tzinfo=UTC), "trips"),
        # 2026-04-01 00:00 JST is 15:00 UTC on 31 March: already the 1st in Japan, though UTC still says the 31st.
        (dt.datetime(2026, 3, 31, 15, 0, 0, tzinfo=UTC), "next-year"),
        (dt.datetime(2026, 2, 1, 0, 0, tzinfo=timezone.get_fixed_timezone(9 * 60)), "trips"),
        (dt.datetime(2026, 1, 31, 14, 59, 59, tzinfo=UTC), None),  # the day before the first step (JST)
        (dt.datetime(2026, 4, 30, 14, 59, 59, tzinfo=UTC), "next-year"),
        (dt.datetime(2026, 4, 30, 15, 0, tzinfo=UTC), None),  # 1 May JST: between steps
        (dt.datetime(2026, 5, 14, 15, 0, tzinfo=UTC), "demo-day"),  # one-day step: 15 May JST starts
        (dt.datetime(2026, 5, 15, 14, 59, 59, tzinfo=UTC), "demo-day"),
        (dt.datetime(2026, 5, 15, 15, 0, tzinfo=UTC), None),  # 16 May JST: all done
    ],
)
def test_current_step_is_judged_on_the_jst_day(instant, expected):
    current = schedule.current_step(STEPS, instant)
    assert (current.name if current else None) == expected


def test_overlapping_steps_the_one_started_last_is_current_and_states_are_consistent():
    steps = [
        step("applications", D(2026, 10, 15), D(2026, 12, 25)),
        step("review", D(2026, 12, 20), D(2027, 1, 29)),
    ]
    now = dt.datetime(2026, 12, 21, 3, 0, tzinfo=UTC)
    assert schedule.current_step(steps, now).name == "review"
    assert [state for _s, state in schedule.step_states(steps, now)] == [schedule.PAST, schedule.CURRENT]
    before = dt.datetime(2026, 10, 14, 14, 59, tzinfo=UTC)
    assert [state for _s, state in schedule.step_states(steps, before)] == [
        schedule.UPCOMING,
        schedule.UPCOMING,
    ]
    assert schedule.next_step(steps, before).name == "applications"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        today_jst(dt.datetime(2026, 3, 31, 23, 59))


@pytest.mark.parametrize(
    "year, label",
    [
        (2017, "平成29年度"),
        (2018, "平成30年度"),
        (2019, "令和元年度"),
        (2026, "令和8年度"),
        (1989, "平成元年度"),
    ],
)
def test_fiscal_year_labels(year, label):
    assert fiscal_year_label_ja(year) == label


def test_fiscal_year_turns_on_the_first_of_april():
    assert fiscal_year_of(D(2018, 3, 31)) == 2017
    assert fiscal_year_of(D(2018, 4, 1)) == 2018


@pytest.mark.django_db
@pytest.mark.parametrize(
    "instant, current_label",
    [
        (dt.datetime(2026, 3, 31, 14, 59, 59, tzinfo=UTC), "visits to municipalities"),
        (dt.datetime(2026, 3, 31, 15, 0, 0, tzinfo=UTC), "demo day"),
    ],
)
def test_round_page_highlights_the_current_step_at_the_jst_boundary(
    client, monkeypatch, instant, current_label
):
    round_page = pf.round_page(
        2025,
        [
            ("applications", D(2025, 10, 1), D(2025, 12, 25)),
            ("trips", D(2026, 2, 1), D(2026, 3, 31)),
            ("demo_day", D(2026, 4, 1), None),
        ],
    )
    monkeypatch.setattr(timezone, "now", lambda: instant)
    response = client.get(f"/en/rounds/{round_page.slug}/")
    assert response.status_code == 200
    assert response.context["current_step"].display_label == current_label
    html = response.content.decode()
    current_item = html.split('aria-current="step"')[1].split("</li>")[0]
    assert current_label in current_item
    assert html.count('aria-current="step"') == 1
