"""Which step of a round's schedule is current: a pure function of the steps and the day in Japan.

A step covers its days inclusively: `starts` .. `ends` (or just `starts` for a one-day event such as demo day).
Days are counted in JST, so 2026-03-31 23:59 JST is still the 31st while 2026-04-01 00:00 JST (= 15:00 UTC the day
before) is already the 1st. When steps overlap (review often starts before the application window closes), the one
that started last is current: it is the newest thing happening. When no step covers the day, none is current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from portal.core.calendar import today_jst

PAST = "past"
CURRENT = "current"
UPCOMING = "upcoming"


class DatedStep(Protocol):
    starts: dt.date
    ends: dt.date | None


S = TypeVar("S", bound=DatedStep)


def last_day(step: DatedStep) -> dt.date:
    return step.ends or step.starts


def step_covers(step: DatedStep, day: dt.date) -> bool:
    return step.starts <= day <= last_day(step)


def current_step(steps: Iterable[S], now: dt.datetime) -> S | None:
    """The step current at the instant `now` (aware), judged on the day in JST; None between or outside steps."""
    day = today_jst(now)
    covering = [s for s in steps if step_covers(s, day)]
    if not covering:
        return None
    # max() keeps the first of equal keys: for steps starting the same day, the one listed first wins.
    return max(covering, key=lambda s: s.starts)


def next_step(steps: Iterable[S], now: dt.datetime) -> S | None:
    """The first step that has not started yet at `now` (JST days)."""
    day = today_jst(now)
    later = [s for s in steps if s.starts > day]
    return min(later, key=lambda s: s.starts) if later else None


def step_states(steps: Sequence[S], now: dt.datetime) -> list[tuple[S, str]]:
    """Each step with its state at `now`: past, current (at most one) or upcoming."""
    day = today_jst(now)
    current = current_step(steps, now)
    states = []
    for s in steps:
        if s is current:
            states.append((s, CURRENT))
        elif last_day(s) < day:
            states.append((s, PAST))
        elif s.starts > day:
            states.append((s, UPCOMING))
        else:  # covers today but another, later-starting step is current
            states.append((s, PAST if s.starts < current.starts else UPCOMING))
    return states
