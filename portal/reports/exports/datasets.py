"""What can be exported, column by column, and for whom: applications, engagements, trips, the ledger, the funnel.

Each dataset starts from the rows the user may see (ministry: all; municipality and startup staff: their own
organisation's) and applies the same django-filter FilterSet as the list it is exported from, so a download holds
exactly what the filtered list shows.

    rows, filters = dataset_rows(ENGAGEMENTS, user, request.GET, request=request)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.accounts.permissions import is_ministry, organisation_ids_of
from portal.applications.filters import ReviewFilter
from portal.applications.models import Application, ApplicationAnswer, ApplicationState
from portal.applications.permissions import reviewable_applications
from portal.tracker import selectors as tracker_selectors
from portal.tracker.filters import EngagementFilter, TravelRequestFilter
from portal.tracker.models import LedgerEntry

from ..filters import FunnelForm, LedgerEntryFilter


@dataclass(frozen=True)
class Column:
    key: str
    heading: Any
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Any
    columns: tuple[Column, ...]
    scoped: Callable[[Any], QuerySet | list]  # user → the rows the user may see
    filterset_class: type | None = None
    ministry_only: bool = False
    preview: tuple[str, ...] = ()  # the columns the admin's report view shows (the files hold them all)

    def headings(self) -> list[str]:
        return [str(c.heading) for c in self.columns]

    def preview_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.key in self.preview) if self.preview else self.columns


def _name(org) -> str:
    return org.name if org is not None else ""


def _display(field: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, f"get_{field}_display")()


# --- applications ------------------------------------------------------------------------------------------------


def applications_for(user) -> QuerySet[Application]:
    """A startup's own applications (drafts too) and what was sent to a municipality's challenges (all for the
    ministry), with the rows the export prints."""
    qs = Application.objects.select_related("challenge__municipality", "startup").prefetch_related(
        Prefetch("answers", queryset=ApplicationAnswer.objects.select_related("attachment"))
    )
    reviewable = reviewable_applications(Application.objects.all(), user).values("pk")
    ids = organisation_ids_of(user)
    if is_ministry(user):
        return qs.exclude(state=ApplicationState.DRAFT)
    return qs.filter(Q(startup_id__in=ids) | Q(pk__in=reviewable)) if ids else qs.none()


APPLICATIONS = Dataset(
    name="applications",
    title=_("applications"),
    columns=(
        Column("id", "ID", lambda a: a.pk),
        Column("challenge", _("challenge"), lambda a: a.challenge.title),
        Column("municipality", _("municipality"), lambda a: _name(a.challenge.municipality)),
        Column("startup", _("startup"), lambda a: _name(a.startup)),
        Column("state", _("state"), _display("state")),
        Column("submitted_at", _("submitted on"), lambda a: a.submitted_at),
        Column("decided_at", _("decided"), lambda a: a.decided_at),
        Column("cost_estimate_yen", _("cost estimate (yen)"), lambda a: a.cost_estimate_yen),
        Column("decision_reason", _("reason given"), lambda a: a.decision_reason),
        Column("answers", _("answers to the challenge's questions"), lambda a: a.answers_text),
    ),
    scoped=applications_for,
    filterset_class=ReviewFilter,
    preview=("challenge", "municipality", "startup", "state", "submitted_at"),
)


# --- engagements -------------------------------------------------------------------------------------------------


ENGAGEMENTS = Dataset(
    name="engagements",
    title=_("engagements"),
    columns=(
        Column("id", "ID", lambda e: e.pk),
        Column("fiscal_year", _("fiscal year"), lambda e: e.fiscal_year),
        Column("municipality", _("municipality"), lambda e: _name(e.municipality)),
        Column(
            "prefecture",
            _("prefecture"),
            lambda e: e.municipality.prefecture.name_ja if e.municipality.prefecture_id else "",
        ),
        Column("startup", _("startup"), lambda e: _name(e.startup)),
        Column("challenge", _("challenge"), lambda e: e.challenge.title if e.challenge_id else ""),
        Column("title", _("title"), lambda e: e.title),
        Column("source", _("origin of the match"), _display("source")),
        Column("stage", _("stage"), _display("stage")),
        Column("furthest_stage", _("furthest stage"), _display("furthest_stage")),
        Column("opened_at", _("opened"), lambda e: e.opened_at),
        Column("last_activity_at", _("last activity"), lambda e: e.last_activity_at),
        Column("stalled_flagged_at", _("flagged as stalled"), lambda e: e.stalled_flagged_at),
        Column("origin", _("adopted from"), lambda e: _name(e.origin.municipality) if e.origin_id else ""),
    ),
    scoped=tracker_selectors.engagements_for,
    filterset_class=EngagementFilter,
    preview=("id", "fiscal_year", "municipality", "startup", "title", "stage", "last_activity_at"),
)


# --- trips (travel requests) -------------------------------------------------------------------------------------


TRIPS = Dataset(
    name="trips",
    title=_("travel requests"),
    columns=(
        Column("id", "ID", lambda t: t.pk),
        Column("fiscal_year", _("fiscal year"), lambda t: t.fiscal_year),
        Column("startup", _("startup"), lambda t: _name(t.engagement.startup)),
        Column("municipality", _("municipality"), lambda t: _name(t.engagement.municipality)),
        Column("origin", _("departure point"), lambda t: t.origin.name_ja),
        Column("destination", _("destination"), lambda t: t.destination.name_ja),
        Column("departure_date", _("departure"), lambda t: t.departure_date),
        Column("return_date", _("return"), lambda t: t.return_date),
        Column("travellers", _("travellers"), lambda t: t.travellers),
        Column("transport", _("transport"), _display("transport")),
        Column("state", _("state"), _display("state")),
        Column("estimate_fares_yen", _("fares (yen)"), lambda t: t.estimate_fares_yen),
        Column("estimate_lodging_yen", _("lodging (yen)"), lambda t: t.estimate_lodging_yen),
        Column("estimate_allowance_yen", _("daily allowance (yen)"), lambda t: t.estimate_allowance_yen),
        Column("estimate_total_yen", _("requested (yen)"), lambda t: t.estimate_total_yen),
        Column("approved_yen", _("approved (yen)"), lambda t: t.approved_yen),
        Column("actual_total_yen", _("actual (yen)"), lambda t: t.actual_total_yen),
        Column("settled_yen", _("settled (yen)"), lambda t: t.settled_yen),
        Column("paid_on", _("paid on"), lambda t: t.paid_on),
    ),
    scoped=tracker_selectors.travel_requests_for,
    filterset_class=TravelRequestFilter,
    preview=("id", "startup", "municipality", "departure_date", "state", "estimate_total_yen", "settled_yen"),
)


# --- the travel ledger -------------------------------------------------------------------------------------------


def ledger_for(user) -> QuerySet[LedgerEntry]:
    """Ledger entries: all for the ministry; for the parties, the entries of their own engagements' trips."""
    qs = LedgerEntry.objects.select_related(
        "budget", "request__engagement__startup", "request__engagement__municipality", "actor"
    ).order_by("at", "pk")
    if is_ministry(user):
        return qs
    ids = organisation_ids_of(user)
    if not ids:
        return qs.none()
    return qs.filter(
        Q(request__engagement__startup_id__in=ids) | Q(request__engagement__municipality_id__in=ids)
    )


LEDGER = Dataset(
    name="ledger",
    title=_("travel ledger"),
    columns=(
        Column("id", "ID", lambda x: x.pk),
        Column("at", _("at"), lambda x: x.at),
        Column("fiscal_year", _("fiscal year"), lambda x: x.budget.fiscal_year),
        Column("kind", _("kind"), _display("kind")),
        Column("amount_yen", _("amount (yen)"), lambda x: x.amount_yen),
        Column("reserved_delta", _("reserved (change, yen)"), lambda x: x.reserved_delta),
        Column("settled_delta", _("settled (change, yen)"), lambda x: x.settled_delta),
        Column("paid_delta", _("paid (change, yen)"), lambda x: x.paid_delta),
        Column("request", _("travel request"), lambda x: x.request_id),
        Column(
            "startup", _("startup"), lambda x: _name(x.request.engagement.startup) if x.request_id else ""
        ),
        Column(
            "municipality",
            _("municipality"),
            lambda x: _name(x.request.engagement.municipality) if x.request_id else "",
        ),
        Column("reverses", _("reverses"), lambda x: x.reverses_id),
        Column("note", _("note"), lambda x: x.note_text),
        Column("actor", _("by"), lambda x: str(x.actor) if x.actor_id else ""),
    ),
    scoped=ledger_for,
    filterset_class=LedgerEntryFilter,
    preview=("at", "fiscal_year", "kind", "amount_yen", "request", "startup", "note"),
)


# --- the funnel --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    fiscal_year: int
    key: str
    label: Any
    count: int
    rate: float | None


def funnel_rows(years: Iterable[int]) -> list[FunnelRow]:
    """The dashboard's funnel (tracker selectors) for each year, one row per step."""
    rows = []
    for year in sorted(years):
        for step in tracker_selectors.funnel(year):
            rows.append(FunnelRow(year, step.key, step.label, step.count, step.rate))
    return rows


FUNNEL = Dataset(
    name="funnel",
    title=_("funnel"),
    columns=(
        Column("fiscal_year", _("fiscal year"), lambda r: r.fiscal_year),
        Column("step", _("step"), lambda r: r.key),
        Column("label", _("name"), lambda r: r.label),
        Column("count", _("count"), lambda r: r.count),
        Column("rate", _("conversion from the step before"), lambda r: r.rate),
    ),
    scoped=lambda user: tracker_selectors.fiscal_years() if is_ministry(user) else [],
    ministry_only=True,
)

DATASETS = {d.name: d for d in (APPLICATIONS, ENGAGEMENTS, TRIPS, LEDGER, FUNNEL)}


class InvalidFilters(ValueError):
    """The filters in the query string did not validate; `.errors` says why (shown with a 400)."""

    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


def dataset_rows(dataset: Dataset, user, data, *, request=None) -> tuple[Iterable, forms.Form | None]:
    """The rows of `dataset` the user may see, filtered by `data` (a QueryDict) like the list they come from.

    Raises InvalidFilters for filter values that do not validate (a year that is not a number, an unknown state).
    """
    if dataset is FUNNEL:
        form = FunnelForm(data or None)
        if data and not form.is_valid():
            raise InvalidFilters(form.errors)
        years = dataset.scoped(user)
        year = form.cleaned_data.get("fiscal_year") if form.is_bound else None
        if year:
            years = [year] if is_ministry(user) else []
        return funnel_rows(years), form
    qs = dataset.scoped(user)
    if dataset.filterset_class is None:
        return qs, None
    filterset = dataset.filterset_class(data or None, queryset=qs, request=request)
    if filterset.is_bound and not filterset.is_valid():
        raise InvalidFilters(filterset.errors)
    return filterset.qs, filterset.form
