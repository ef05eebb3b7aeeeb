"""Scorecards: pulse-survey figures and responsiveness, for the ministry's dashboard and the public results.

Privacy rule: a figure made from answers is shown only when at least SCORECARD_MIN_ANSWERS (default 5) answers
make it; below that the figure is withheld ("fewer than 5 answers"), so no median, share or count of blockers can be
read back to one organisation's answer — not even in a round with a single respondent. Responsiveness figures (times
measured from records, not answers) follow the same minimum per organisation, as a median of fewer measurements says
little.

Responsiveness, in hours, from records the portal already holds:
- time to first reply: a message from one side of a conversation (an application's or an engagement's) waits until
  the other side's next message; internal notes and the ministry's messages don't count. Measured by the
  conversations app, which registers a provider here (the tracker never imports conversations);
- time to review (municipality): an application's submission to its first review;
- time to decision (municipality): an application's submission to the decision (shortlisted, matched or declined).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.applications.models import Application, Review
from portal.core.fiscal import fiscal_year_instants

from . import charts, workflow
from .models import Blocker, PulseResponse


def min_answers() -> int:
    return max(3, settings.SCORECARD_MIN_ANSWERS)  # below 3, one answer and your own give the other away


# --- pulse survey -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PulseFigures:
    answers: int
    satisfaction_median: float | None = None
    would_work_again_pct: float | None = None

    @property
    def shown(self) -> bool:
        return self.satisfaction_median is not None


def _pulse_figures(rows: list[tuple[int, bool]]) -> PulseFigures:
    if len(rows) < min_answers():
        return PulseFigures(answers=len(rows))
    return PulseFigures(
        answers=len(rows),
        satisfaction_median=float(statistics.median(s for s, _again in rows)),
        would_work_again_pct=round(100 * sum(1 for _s, again in rows if again) / len(rows), 1),
    )


SIDES = ((workflow.MUNICIPALITY, _("municipalities")), (workflow.STARTUP, _("startups")))


def pulse_by_side(fiscal_year: int | None = None) -> list[tuple[str, PulseFigures]]:
    """Per side (municipalities, startups): how many answers, and the median satisfaction and the share who would
    work together again when there are enough answers. One query."""
    qs = PulseResponse.objects.all()
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    rows: dict[str, list] = defaultdict(list)
    for side, satisfaction, again in qs.values_list("side", "satisfaction", "would_work_again"):
        rows[side].append((satisfaction, again))
    return [(str(label), _pulse_figures(rows[side])) for side, label in SIDES]


def pulse_by_round() -> list[tuple[int, list[tuple[str, PulseFigures]]]]:
    """The public results: per round (fiscal year the engagements opened in), each side's figures. One query."""
    rows: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for year, side, satisfaction, again in PulseResponse.objects.values_list(
        "fiscal_year", "side", "satisfaction", "would_work_again"
    ):
        rows[year][side].append((satisfaction, again))
    return [
        (year, [(str(label), _pulse_figures(rows[year][side])) for side, label in SIDES])
        for year in sorted(rows, reverse=True)
    ]


def blockers(fiscal_year: int | None = None) -> list[tuple[str, int]]:
    """What blocked, counted over both sides: withheld (empty) below the minimum number of answers. One query."""
    qs = PulseResponse.objects.all()
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    counts = dict(qs.values_list("blocker").annotate(n=Count("pk")).values_list("blocker", "n"))
    if sum(counts.values()) < min_answers():
        return []
    return [(str(label), counts.get(value, 0)) for value, label in Blocker.choices]


# --- responsiveness -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wait:
    """One measured wait: the organisation that answered, and how long the other side waited for it."""

    organisation_id: int
    hours: float
    started: dt.datetime


ReplyProvider = Callable[[dt.datetime, dt.datetime], Iterable[Wait]]
_reply_providers: list[ReplyProvider] = []


def register_reply_times_provider(provider: ReplyProvider) -> ReplyProvider:
    """Conversations measures times to first reply (it imports the tracker, not the other way round)."""
    if provider not in _reply_providers:
        _reply_providers.append(provider)
    return provider


def _median_hours(
    end: Expression,
    start: dt.datetime,
    stop: dt.datetime,
    *,
    per_municipality: bool = True,
    has_end: Q | None = None,
) -> dict[int | None, tuple]:
    """Per municipality (or, with `per_municipality=False`, over all of them, keyed None): (median hours from
    submission to `end`, how many applications were measured), over the applications submitted in [start, stop)
    whose `end` is set and not before the submission — `statistics.median` of those waits, computed by the
    database. One query: the database ranks the waits and returns only the one or two middle ones, so neither the
    dashboard's nor /results/'s cost in Python grows with the number of applications. `has_end`, when given, picks the
    applications whose `end` is set the cheap way (a semi-join, not `end` computed for every application of the
    year and found NULL: 0.6 s → milliseconds at 200,000 applications with few reviews)."""
    by_municipality = F("challenge__municipality_id")
    partition = [by_municipality] if per_municipality else None
    waits = (
        Application.objects.filter(
            has_end if has_end is not None else Q(),
            submitted_at__gte=start,
            submitted_at__lt=stop,
            challenge__municipality_id__isnull=False,
        )
        .annotate(ended=end)
        .annotate(wait=ExpressionWrapper(F("ended") - F("submitted_at"), output_field=DurationField()))
        .filter(wait__gte=dt.timedelta(0))
        .annotate(
            position=Window(RowNumber(), partition_by=partition, order_by=[F("wait").asc()]),
            measured=Window(Count("pk"), partition_by=partition),
        )
        .annotate(twice=F("position") * 2)
        # the middle row (n odd: 2p = n + 1) or the two middle rows (n even: 2p = n and 2p = n + 2)
        .filter(twice__gte=F("measured"), twice__lte=F("measured") + 2)
        .values_list("challenge__municipality_id", "measured", "wait")
    )
    middles: dict[int | None, list] = defaultdict(list)
    for municipality_id, measured, wait in waits:
        middles[municipality_id if per_municipality else None].append((measured, wait.total_seconds() / 3600))
    return {m: (sum(h for _n, h in rows) / len(rows), rows[0][0]) for m, rows in middles.items()}


def _first_review() -> Expression:
    return Subquery(
        Review.objects.filter(application=OuterRef("pk")).order_by("created_at").values("created_at")[:1]
    )


# What ends each application wait: its first review, its decision; and which applications have that end at all.
_APPLICATION_WAITS: tuple[tuple[str, Callable[[], Expression], Callable[[], Q]], ...] = (
    ("review", _first_review, lambda: Q(pk__in=Review.objects.values("application_id"))),
    ("decision", lambda: F("decided_at"), lambda: Q(decided_at__isnull=False)),
)


@dataclass
class OrganisationResponsiveness:
    organisation: Organisation
    measures: dict[str, float | None] = field(
        default_factory=dict
    )  # median hours per measure, None if too few
    counts: dict[str, int] = field(default_factory=dict)


MEASURES = (
    ("reply", _("time to first reply")),
    ("review", _("time to review")),
    ("decision", _("time to decision")),
)


def responsiveness(fiscal_year: int) -> list[OrganisationResponsiveness]:
    """Per municipality and per startup, the median hours of each measure in the fiscal year (by when the wait
    began), withheld below the minimum number of measurements. A fixed number of queries; the times to review and
    to decision are ranked by the database (their cost does not grow with the applications of the year)."""
    start, end = fiscal_year_instants(fiscal_year)
    # organisation → measure → (median hours, how many measurements)
    per_org: dict[int, dict[str, tuple[float, int]]] = defaultdict(dict)
    replies: dict[int, list[float]] = defaultdict(list)
    for provider in list(_reply_providers):
        for w in provider(start, end):
            replies[w.organisation_id].append(w.hours)
    for org_id, hours in replies.items():
        per_org[org_id]["reply"] = (statistics.median(hours), len(hours))
    for measure, ended, has_end in _APPLICATION_WAITS:
        for org_id, figures in _median_hours(ended(), start, end, has_end=has_end()).items():
            per_org[org_id][measure] = figures
    organisations = Organisation.objects.in_bulk(list(per_org))
    result = []
    for org_id, measured in per_org.items():
        org = organisations.get(org_id)
        if org is None:
            continue
        row = OrganisationResponsiveness(organisation=org)
        for measure, _label in MEASURES:
            median, count = measured.get(measure, (None, 0))
            row.counts[measure] = count
            row.measures[measure] = (
                round(median, 1) if median is not None and count >= min_answers() else None
            )
        result.append(row)
    result.sort(key=lambda r: (r.organisation.kind, str(r.organisation)))
    return result


def responsiveness_by_round(years: Iterable[int]) -> list[tuple[int, list[tuple[str, float | None, int]]]]:
    """The public results: per round, the median hours of each measure over all organisations (withheld below the
    minimum number of measurements)."""
    out = []
    for year in years:
        start, end = fiscal_year_instants(year)
        reply = [w.hours for p in list(_reply_providers) for w in p(start, end)]
        figures = {"reply": (statistics.median(reply), len(reply)) if reply else (None, 0)}
        for measure, ended, has_end in _APPLICATION_WAITS:
            medians = _median_hours(ended(), start, end, per_municipality=False, has_end=has_end())
            figures[measure] = medians.get(None, (None, 0))
        cells = []
        for measure, label in MEASURES:
            median, count = figures[measure]
            shown = round(median, 1) if median is not None and count >= min_answers() else None
            cells.append((str(label), shown, count))
        out.append((year, cells))
    return out


__all__ = [
    "PulseFigures",
    "Wait",
    "blockers",
    "min_answers",
    "pulse_by_round",
    "pulse_by_side",
    "register_reply_times_provider",
    "responsiveness",
    "responsiveness_by_round",
]


# --- the ministry's dashboard -------------------------------------------------------------------------------------


def _pulse_and_blockers(fiscal_year: int) -> tuple[list[tuple[str, PulseFigures]], list[tuple[str, int]]]:
    """`pulse_by_side(fiscal_year)` and `blockers(fiscal_year)` from one query."""
    rows: dict[str, list] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    answers = PulseResponse.objects.filter(fiscal_year=fiscal_year).values_list(
        "side", "satisfaction", "would_work_again", "blocker"
    )
    for side, satisfaction, again, blocker in answers:
        rows[side].append((satisfaction, again))
        counts[blocker] += 1
    pulse = [(str(label), _pulse_figures(rows[side])) for side, label in SIDES]
    if sum(counts.values()) < min_answers():
        return pulse, []
    return pulse, [(str(label), counts.get(value, 0)) for value, label in Blocker.choices]


def dashboard_context(fiscal_year: int) -> dict:
    """The scorecards section of the ministry's dashboard: pulse figures per side, what blocked, responsiveness per
    organisation (charts with their tables), all withheld below the minimum number of answers."""
    fy = f"FY{fiscal_year}"
    pulse, blocked = _pulse_and_blockers(fiscal_year)
    rows = responsiveness(fiscal_year)
    reply_rows = [(str(r.organisation), r.measures["reply"]) for r in rows if r.measures["reply"] is not None]
    return {
        "scorecard_min": min_answers(),
        "pulse": pulse,
        "pulse_chart": charts.bar_chart(
            title=_("Satisfaction %(fy)s") % {"fy": fy},
            desc=_("Median satisfaction (1–5) of each side's pulse answers, where there are enough answers."),
            rows=[(label, f.satisfaction_median) for label, f in pulse if f.shown],
            colour=charts.COLOURS[4],
        )
        if any(f.shown for _label, f in pulse)
        else "",
        "blockers": blocked,
        "blocker_chart": charts.bar_chart(
            title=_("What blocked %(fy)s") % {"fy": fy},
            desc=_("How many pulse answers named each obstacle."),
            rows=blocked,
            colour=charts.COLOURS[5],
        )
        if blocked
        else "",
        # plain rows (no model instances): the dashboard keeps its context in the cache (tracker/dashboard.py)
        "responsiveness": [
            {"organisation": str(r.organisation), "kind": r.organisation.kind, "measures": r.measures}
            for r in rows
        ],
        "responsiveness_chart": charts.bar_chart(
            title=_("Time to first reply %(fy)s") % {"fy": fy},
            desc=_("Median hours each organisation took to answer the other side's messages."),
            rows=reply_rows,
            unit=_(" h"),
            colour=charts.COLOURS[1],
        )
        if reply_rows
        else "",
    }
