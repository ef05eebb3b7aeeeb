"""What a user must do now ("action needed" at the top of a startup's My page), collected from the apps.

Apps after core register a provider: a function (user, organisation) → list of ActionItem. Core never imports
them; an app registers in its AppConfig.ready():

    from portal.core.actions import register_action_provider
    register_action_provider(my_actions)

Items are sorted by deadline (items without one last). Providers run a fixed number of queries each.

A provider whose items come from rows of one query registers it as a *source* instead, so that every source's
rows come back in one query (a UNION ALL of all of them: My page's "action needed" in one round trip, issue #20):

    from portal.core.actions import ActionSource, action_rows, register_action_source
    register_action_source(ActionSource(key="trips", rows=trip_rows, items=trip_items))

`rows(user, organisation)` returns `action_rows(queryset, ...)` (or None when the source has nothing to ask) and
`items(rows, user, organisation)` turns the rows it asked for into ActionItems. `action_rows` maps the source's
columns onto the union's shared ones: up to seven texts, a moment (date and time) and two dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, DateField, DateTimeField, F, QuerySet, Value
from django.db.models.functions import Cast

_PROVIDERS: list[Callable] = []
_SOURCES: dict[str, ActionSource] = {}

TEXTS = 7
DAYS = 2


@dataclass(frozen=True)
class ActionItem:
    kind: str  # a stable key, e.g. "application.reply" (tests and styling)
    title: str  # already in the reader's language
    url: str
    deadline: dt.date | dt.datetime | None = None
    detail: str = ""


@dataclass(frozen=True)
class ActionRow:
    """One row of a source, in the union's shared columns (None/'' where the source has no value)."""

    pk: int
    texts: tuple[str, ...]
    moment: dt.datetime | None
    days: tuple[dt.date | None, ...]


@dataclass(frozen=True)
class ActionSource:
    key: str  # unique among sources
    rows: Callable[[Any, Any], QuerySet | None]  # (user, organisation) → action_rows(...) or None
    items: Callable[[list[ActionRow], Any, Any], list[ActionItem]]  # (its rows, user, organisation) → items


# The union's column types, and a missing value of each as a typed NULL (or '' for a text): built once, not per
# column of every source on every My page (issue #20: the fields' construction was a tenth of "action needed").
# Django copies an expression when a query resolves it, so one instance serves every query.
_TEXT, _MOMENT, _DAY = CharField(), DateTimeField(), DateField()
_MISSING = {
    _TEXT: Cast(Value(""), output_field=_TEXT),
    _MOMENT: Cast(Value(None), output_field=_MOMENT),
    _DAY: Cast(Value(None), output_field=_DAY),
}


def _column(expression, field):
    """A field name or an expression as is; a missing value as a typed NULL (or '' for a text), so that every member
    of the union has the same columns."""
    if expression is None:
        return _MISSING[field]
    return F(expression) if isinstance(expression, str) else expression


def action_rows(
    queryset: QuerySet,
    *,
    source: str,
    texts: tuple = (),
    moment=None,
    days: tuple = (),
) -> QuerySet:
    """The queryset's rows as the union's columns: source key, pk, `texts` (text fields, by name or expression),
    `moment` (a date and time) and `days` (dates). Only these columns are read."""
    if len(texts) > TEXTS or len(days) > DAYS:
        raise ValueError(f"an action source has at most {TEXTS} texts and {DAYS} dates")
    columns: dict[str, Any] = {
        "a_source": Cast(Value(source), output_field=_TEXT),
        "a_pk": F("pk"),
    }
    for i in range(TEXTS):
        columns[f"a_text{i}"] = _column(texts[i] if i < len(texts) else None, _TEXT)
    columns["a_moment"] = _column(moment, _MOMENT)
    for i in range(DAYS):
        columns[f"a_day{i}"] = _column(days[i] if i < len(days) else None, _DAY)
    return queryset.order_by().annotate(**columns).values_list(*columns)


def register_action_source(source: ActionSource) -> None:
    _SOURCES[source.key] = source


def _source_items(user, organisation) -> list[ActionItem]:
    """Every source's rows in one query, handed back to each source."""
    asked = {}
    for source in _SOURCES.values():
        queryset = source.rows(user, organisation)
        if queryset is not None:
            asked[source.key] = queryset
    if not asked:
        return []
    first, *rest = asked.values()
    rows: dict[str, list[ActionRow]] = {key: [] for key in asked}
    for values in first.union(*rest, all=True) if rest else first:
        key, pk, *others = values
        rows[key].append(
            ActionRow(
                pk=pk,
                texts=tuple(t or "" for t in others[:TEXTS]),
                moment=others[TEXTS],
                days=tuple(others[TEXTS + 1 :]),
            )
        )
    items: list[ActionItem] = []
    for key, source_rows in rows.items():
        items.extend(_SOURCES[key].items(source_rows, user, organisation))
    return items


def register_action_provider(provider: Callable) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def actions_for(user, organisation) -> list[ActionItem]:
    items: list[ActionItem] = _source_items(user, organisation)
    for provider in _PROVIDERS:
        items.extend(provider(user, organisation))

    def key(item: ActionItem):
        deadline = item.deadline
        if deadline is None:
            return (1, dt.datetime.max.replace(tzinfo=dt.UTC))
        if not isinstance(deadline, dt.datetime):
            deadline = dt.datetime.combine(deadline, dt.time.max, tzinfo=dt.UTC)
        return (0, deadline)

    return sorted(items, key=key)
