"""Travel-cost support: budgets, requests, approval into the ledger, settlement with receipts, payment.

States: requested → approved → trip done → settled → paid; or rejected. A settlement above the approved amount
waits in "excess review" until the ministry reserves the difference (or settles at the approved amount).
Every approval locks the fiscal year's budget row and checks the ledger's free amount inside the same transaction,
so concurrent approvals can never overspend it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.selectors import active_members, ministry_staff
from portal.applications.uploads import check_upload
from portal.core.audit import record
from portal.core.calendar import fiscal_year_label, today_jst
from portal.core.decisions import require
from portal.core.fiscal import JST, fiscal_year_bounds, fiscal_year_of
from portal.core.notices import Yen, date_text
from portal.core.notifications import notify
from portal.core.storage import storage_error
from portal.geo.models import LocalGovernment
from portal.geo.selectors import estimate_travel_cost

from .. import permissions
from ..models import (
    Engagement,
    FiscalBudget,
    LedgerEntry,
    Transport,
    TravelReceipt,
    TravelRequest,
    TravelState,
)
from ..travel_workflow import TRAVEL
from . import ledger
from .common import require_reason, yen, yen_amounts

State = TravelState
Kind = LedgerEntry.Kind


def _decide_or_refuse(actor) -> None:
    require(permissions.can_decide_travel(actor))


def _expect(request: TravelRequest, *transitions: str) -> None:
    """Refuse (ValidationError "wrong_state", the workflow's reason) unless one of the transitions may be taken
    from the request's state; checked before the other conditions, the state is set by TRAVEL.move."""
    if not any(TRAVEL.allows(request.state, name)[0] for name in transitions):
        TRAVEL.move(request, transitions[0])  # raises with the reason


def _tell_startup(request: TravelRequest, *, kind: str, params: dict | None = None) -> None:
    notify(
        active_members(request.engagement.startup),
        kind=kind,
        params=params,
        url=f"/mypage/trips/{request.pk}/",
    )


# --- budgets ---------------------------------------------------------------------------------------------------


def fiscal_budget_set(*, fiscal_year: int, amount_yen, actor, note: str = "") -> FiscalBudget:
    """Create or change a fiscal year's budget; it can never drop below what is already committed."""
    _decide_or_refuse(actor)
    amount = yen(amount_yen, "amount_yen")
    if not 2000 <= int(fiscal_year) <= 2100:
        raise ValidationError({"fiscal_year": _("Enter a fiscal year such as 2026.")})
    with transaction.atomic():
        budget = FiscalBudget.objects.select_for_update().filter(fiscal_year=fiscal_year).first()
        before = budget.amount_yen if budget else None
        if budget is None:
            budget = FiscalBudget(fiscal_year=fiscal_year, amount_yen=amount, note=note)
        else:
            committed = budget.reserved_yen + budget.settled_yen + budget.paid_yen
            if amount < committed:
                raise ValidationError(
                    {
                        "amount_yen": _(
                            "¥%(c)s is already reserved, settled or paid; the budget cannot be smaller."
                        )
                        % {"c": f"{committed:,}"}
                    }
                )
            budget.amount_yen = amount
            budget.note = note or budget.note
        budget.full_clean()
        budget.save()
        record(actor=actor, action="tracker.budget_set", obj=budget, before=before, amount_yen=amount)
    return budget


# --- the request ---------------------------------------------------------------------------------------------


def default_origin(startup) -> LocalGovernment | None:
    """Where a startup's trips start by default: its prefecture (placed at the prefectural office)."""
    if startup.prefecture_id is None:
        return None
    return LocalGovernment.objects.filter(
        prefecture_id=startup.prefecture_id, kind=LocalGovernment.Kind.PREFECTURE
    ).first()


def travel_estimate(
    *,
    origin: LocalGovernment,
    destination: LocalGovernment,
    travellers: int,
    departure_date: dt.date,
    return_date: dt.date,
    transport: str | None = None,
):
    """The geo estimate for this trip (nights from the dates), to pre-fill a request."""
    nights = max(0, (return_date - departure_date).days)
    return estimate_travel_cost(
        origin, destination, travellers=travellers, nights=nights, mode=transport or None
    )


def travel_request_create(
    *,
    engagement: Engagement,
    actor,
    origin: LocalGovernment,
    departure_date: dt.date,
    return_date: dt.date,
    travellers: int,
    traveller_names: str,
    purpose: str,
    transport: str,
    fares_yen,
    lodging_yen,
    allowance_yen,
    destination: LocalGovernment | None = None,
) -> TravelRequest:
    """A startup member asks for support for one trip; the policy caps in settings are checked here."""
    require(permissions.can_request_travel(actor, engagement))
    errors: dict[str, list] = {}
    amounts = yen_amounts(
        errors,
        estimate_fares_yen=fares_yen,
        estimate_lodging_yen=lodging_yen,
        estimate_allowance_yen=allowance_yen,
    )
    if isinstance(travellers, bool) or not isinstance(travellers, int) or travellers < 1:
        errors.setdefault("travellers", []).append(_("At least one person travels."))
    elif travellers > settings.TRAVEL_MAX_TRAVELLERS:
        errors.setdefault("travellers", []).append(
            _("At most %(n)d travellers per trip are supported.") % {"n": settings.TRAVEL_MAX_TRAVELLERS}
        )
    if transport not in Transport.values:
        errors.setdefault("transport", []).append(_("Choose a means of transport."))
    if departure_date and return_date and return_date < departure_date:
        errors.setdefault("return_date", []).append(_("The return cannot be before the departure."))
    fy = fiscal_year_of(departure_date) if departure_date else None
    if fy is not None and return_date and fiscal_year_of(return_date) != fy:
        first, last = fiscal_year_bounds(fy)
        errors.setdefault("return_date", []).append(
            _("A trip must lie within one fiscal year: %(fy)s runs from %(first)s to %(last)s.")
            % {"fy": fiscal_year_label(fy), "first": date_text(first), "last": date_text(last)}
        )
    if fy is not None and not FiscalBudget.objects.filter(fiscal_year=fy).exists():
        errors.setdefault("departure_date", []).append(
            _("There is no travel-support budget for %(year)s.") % {"year": fiscal_year_label(fy)}
        )
    total = sum(amounts.values())
    if len(amounts) == 3 and total == 0:
        errors.setdefault("estimate_fares_yen", []).append(
            _("The trip costs nothing: there is nothing to support.")
        )
    if len(amounts) == 3 and total > settings.TRAVEL_CAP_PER_TRIP_YEN:
        errors.setdefault("estimate_fares_yen", []).append(
            _("¥%(total)s is above the cap of ¥%(cap)s per trip.")
            % {"total": f"{total:,}", "cap": f"{settings.TRAVEL_CAP_PER_TRIP_YEN:,}"}
        )
    if errors:
        raise ValidationError(errors)
    if fy is None:  # no departure date: refused as the model refuses a missing one
        raise ValidationError(
            {"departure_date": TravelRequest._meta.get_field("departure_date").error_messages["null"]},
            code="null",
        )
    with transaction.atomic():
        # The engagement row lock serialises requests of one engagement, so the trip count cannot be raced past.
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        trips = TravelRequest.objects.filter(engagement=engagement, fiscal_year=fy).exclude(
            state=State.REJECTED
        )
        if trips.count() >= settings.TRAVEL_MAX_TRIPS_PER_ENGAGEMENT_PER_FY:
            raise ValidationError(
                _("This engagement already has %(n)d supported trips in %(fy)s, the most allowed.")
                % {"n": settings.TRAVEL_MAX_TRIPS_PER_ENGAGEMENT_PER_FY, "fy": fiscal_year_label(fy)},
                code="too_many_trips",
            )
        request = TravelRequest(
            engagement=engagement,
            requested_by=actor,
            origin=origin,
            destination=destination or engagement.municipality.local_government,
            departure_date=departure_date,
            return_date=return_date,
            fiscal_year=fy,
            travellers=travellers,
            traveller_names=(traveller_names or "").strip(),
            purpose=(purpose or "").strip(),
            transport=transport,
            estimate_total_yen=total,
            **amounts,
        )
        request.full_clean()
        request.save()
        record(actor=actor, action="tracker.travel_requested", obj=request, total_yen=total, fiscal_year=fy)
        notify(
            active_members(engagement.municipality),
            kind="tracker.travel_requested",
            params={"startup": engagement.startup, "date": departure_date},
        )
    return request


def travel_request_approve(
    *, request: TravelRequest, actor, amount_yen=None, note: str = ""
) -> TravelRequest:
    """Ministry approval: reserve the amount (the requested total by default) in the fiscal year's budget.

    Raises BudgetExceeded, naming what is left, when the budget's free amount does not cover it.
    """
    _decide_or_refuse(actor)
    with transaction.atomic():
        request = (
            TravelRequest.objects.select_for_update().select_related("engagement__startup").get(pk=request.pk)
        )
        _expect(request, "approve")
        amount = (
            request.estimate_total_yen
            if amount_yen in (None, "")
            else yen(amount_yen, "amount_yen", allow_zero=False)
        )
        if amount > request.estimate_total_yen:
            raise ValidationError(
                {
                    "amount_yen": _("Approve at most the requested ¥%(r)s.")
                    % {"r": f"{request.estimate_total_yen:,}"}
                }
            )
        budget = ledger.lock_budget(request.fiscal_year)
        ledger.ensure_available(budget, amount)
        ledger.post(budget=budget, kind=Kind.RESERVE, amount=amount, actor=actor, request=request, note=note)
        TRAVEL.move(request, "approve")
        request.budget = budget
        request.approved_yen = amount
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        request.save()
        record(
            actor=actor,
            action="tracker.travel_approved",
            obj=request,
            amount_yen=amount,
            fiscal_year=budget.fiscal_year,
        )
        _tell_startup(request, kind="tracker.travel_approved", params={"amount": Yen(amount), "text": note})
    return request


def travel_request_reject(*, request: TravelRequest, actor, reason: str) -> TravelRequest:
    _decide_or_refuse(actor)
    reason = require_reason(reason)
    with transaction.atomic():
        request = TravelRequest.objects.select_for_update().get(pk=request.pk)
        _expect(request, "reject")
        TRAVEL.move(request, "reject")
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = reason
        request.save()
        record(actor=actor, action="tracker.travel_rejected", obj=request, reason=reason)
        _tell_startup(request, kind="tracker.travel_rejected", params={"text": reason})
    return request


def travel_trip_done(*, request: TravelRequest, actor) -> TravelRequest:
    allowed, why = permissions.can_settle_travel(actor, request)
    if not allowed and not permissions.can_decide_travel(actor)[0]:
        raise PermissionDenied(why)
    with transaction.atomic():
        request = TravelRequest.objects.select_for_update().get(pk=request.pk)
        _expect(request, "trip_done")
        if today_jst() < request.departure_date:
            raise ValidationError(_("The trip has not started yet."), code="not_yet")
        TRAVEL.move(request, "trip_done")
        request.save()
        record(actor=actor, action="tracker.trip_done", obj=request)
    return request


def _settle(request: TravelRequest, budget: FiscalBudget, amount: int, actor, note: str, *, via: str) -> None:
    """Move `amount` from reserved to settled and release what is left of the reservation; the request takes
    transition `via` (or `via`_nothing when nothing is to be paid)."""
    reserved = request.approved_yen
    if amount:
        ledger.post(budget=budget, kind=Kind.SETTLE, amount=amount, actor=actor, request=request, note=note)
    if reserved > amount:
        ledger.post(
            budget=budget,
            kind=Kind.RELEASE,
            amount=reserved - amount,
            actor=actor,
            request=request,
            note=str(_("Unspent reservation released.")),
        )
    request.settled_yen = amount
    request.settled_at = timezone.now()
    TRAVEL.move(request, via if amount else f"{via}_nothing")


def travel_request_settle(
    *, request: TravelRequest, actor, fares_yen, lodging_yen, allowance_yen, receipts=()
) -> TravelRequest:
    """The startup settles the actual costs with receipts (checked uploads, stored privately).

    Up to the approved amount: settled at once and the rest released. Above it: waits for the ministry to approve
    the difference (`travel_excess_approve`) or settle at the approved amount (`travel_excess_refuse`).
    """
    require(permissions.can_settle_travel(actor, request))
    errors: dict[str, list] = {}
    actual = yen_amounts(
        errors, actual_fares_yen=fares_yen, actual_lodging_yen=lodging_yen, actual_allowance_yen=allowance_yen
    )
    receipts = list(receipts)
    if not receipts:
        errors.setdefault("receipts", []).append(_("Attach at least one receipt."))
    checked = []
    stored_bytes = 0
    for f in receipts:
        try:
            info = check_upload(f, already_stored_bytes=stored_bytes)
        except ValidationError as exc:
            errors.setdefault("receipts", []).extend(exc.messages)
            continue
        stored_bytes += info.size
        checked.append((f, info))
    if errors:
        raise ValidationError(errors)
    total = sum(actual.values())
    stored: list[TravelReceipt] = []
    try:
        return _settle_with_receipts(request, actor, actual, total, checked, stored)
    except BaseException as exc:
        # The rows are rolled back: remove the receipts already written so no file is left without its row.
        for receipt in stored:
            receipt.file.delete(save=False)
        if isinstance(exc, OSError):  # disk full, …
            raise storage_error(exc, "receipts") from exc
        raise


def _settle_with_receipts(request, actor, actual, total, checked, stored) -> TravelRequest:
    with transaction.atomic():
        request = (
            TravelRequest.objects.select_for_update().select_related("engagement__startup").get(pk=request.pk)
        )
        _expect(request, "settle", "settle_nothing", "settle_above")
        if today_jst() < request.departure_date:
            raise ValidationError(_("A trip is settled after it has started."), code="not_yet")
        for f, info in checked:
            stored.append(
                TravelReceipt.objects.create(
                    request=request,
                    file=f,
                    original_name=getattr(f, "name", "")[:255],
                    content_type=info.content_type,
                    size=info.size,
                    uploaded_by=actor,
                )
            )
        for name, value in actual.items():
            setattr(request, name, value)
        request.actual_total_yen = total
        if total > request.approved_yen:
            TRAVEL.move(request, "settle_above")
            request.save()
            record(
                actor=actor,
                action="tracker.travel_settled_above_approval",
                obj=request,
                actual_yen=total,
                approved_yen=request.approved_yen,
            )
            notify(
                ministry_staff(),
                kind="tracker.travel_excess",
                params={"a": Yen(total), "b": Yen(request.approved_yen)},
            )
            return request
        budget = ledger.lock_budget(request.fiscal_year)
        _settle(request, budget, total, actor, str(_("Settled on receipts.")), via="settle")
        request.save()
        record(
            actor=actor,
            action="tracker.travel_settled",
            obj=request,
            actual_yen=total,
            released_yen=request.approved_yen - total,
        )
    return request


def travel_excess_approve(*, request: TravelRequest, actor, note: str = "") -> TravelRequest:
    """A new approval for a settlement above the approved amount: reserve the difference, then settle."""
    _decide_or_refuse(actor)
    with transaction.atomic():
        request = TravelRequest.objects.select_for_update().get(pk=request.pk)
        _expect(request, "excess_approve")
        total = request.actual_total_yen
        if total is None:  # a settlement under review has its receipts' total
            raise ValueError("a settlement in excess review without its actual total")
        difference = total - request.approved_yen
        budget = ledger.lock_budget(request.fiscal_year)
        ledger.ensure_available(budget, difference)
        ledger.post(
            budget=budget,
            kind=Kind.RESERVE,
            amount=difference,
            actor=actor,
            request=request,
            note=note or str(_("Difference above the first approval.")),
        )
        request.approved_yen += difference
        _settle(request, budget, total, actor, str(_("Settled on receipts.")), via="excess_approve")
        request.save()
        record(actor=actor, action="tracker.travel_excess_approved", obj=request, difference_yen=difference)
        _tell_startup(request, kind="tracker.travel_settled", params={"a": Yen(total)})
    return request


def travel_excess_refuse(*, request: TravelRequest, actor, reason: str) -> TravelRequest:
    """Refuse the difference: the trip is settled at the approved amount; the startup bears the rest."""
    _decide_or_refuse(actor)
    reason = require_reason(reason)
    with transaction.atomic():
        request = TravelRequest.objects.select_for_update().get(pk=request.pk)
        _expect(request, "excess_refuse")
        budget = ledger.lock_budget(request.fiscal_year)
        _settle(request, budget, request.approved_yen, actor, reason, via="excess_refuse")
        request.decision_note = reason
        request.save()
        record(actor=actor, action="tracker.travel_excess_refused", obj=request, reason=reason)
        _tell_startup(
            request,
            kind="tracker.travel_settled",
            params={"a": Yen(request.approved_yen), "text": reason, "variant": "at_approval"},
        )
    return request


def travel_request_pay(*, request: TravelRequest, actor, paid_on: dt.date) -> TravelRequest:
    """Record the payment of the settled amount, with its date."""
    _decide_or_refuse(actor)
    if not isinstance(paid_on, dt.date):
        raise ValidationError({"paid_on": _("Enter the payment date.")})
    if paid_on > today_jst():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    with transaction.atomic():
        request = TravelRequest.objects.select_for_update().get(pk=request.pk)
        _expect(request, "pay")
        if request.settled_at and paid_on < request.settled_at.astimezone(JST).date():
            raise ValidationError({"paid_on": _("The payment cannot be before the settlement.")})
        budget = ledger.lock_budget(request.fiscal_year)
        ledger.post(
            budget=budget, kind=Kind.PAY, amount=request.settled_yen, actor=actor, request=request, note=""
        )  # shown as "paid on <date>" in the reader's language (LedgerEntry.note_text)
        TRAVEL.move(request, "pay")
        request.paid_on = paid_on
        request.save()
        record(
            actor=actor,
            action="tracker.travel_paid",
            obj=request,
            amount_yen=request.settled_yen,
            paid_on=paid_on.isoformat(),
        )
        _tell_startup(
            request, kind="tracker.travel_paid", params={"a": Yen(request.settled_yen), "d": paid_on}
        )
    return request


def ledger_reverse(*, entry: LedgerEntry, actor, reason: str) -> LedgerEntry:
    """Correct a ledger entry by appending its reversal (never by editing it). A reversed payment returns the
    request to "settled" so the right payment can be recorded."""
    _decide_or_refuse(actor)
    reason = require_reason(reason)
    with transaction.atomic():
        budget = ledger.lock_budget(entry.budget.fiscal_year)
        entry = LedgerEntry.objects.select_related("request").get(pk=entry.pk)
        if entry.kind == Kind.REVERSAL:
            raise ValidationError(_("A reversal is not reversed; post the correct entry instead."))
        if LedgerEntry.objects.filter(reverses=entry).exists():
            raise ValidationError(_("This entry has already been reversed."))
        # Reversing moves money back; a reversal that would take more than is free must be refused like an approval.
        needed = -(entry.reserved_delta + entry.settled_delta + entry.paid_delta)
        if needed > 0:
            ledger.ensure_available(budget, needed)
        now = ledger.balances(budget)
        for bucket, delta in (
            ("reserved", entry.reserved_delta),
            ("settled", entry.settled_delta),
            ("paid", entry.paid_delta),
        ):
            if now[bucket] - delta < 0:
                raise ValidationError(
                    _("The money of this entry has moved on since; reverse the later entries first."),
                    code="moved_on",
                )
        reversal = ledger.post(
            budget=budget,
            kind=Kind.REVERSAL,
            amount=entry.amount_yen,
            actor=actor,
            request=entry.request,
            note=reason,
            reverses=entry,
        )
        if entry.kind == Kind.PAY and entry.request is not None:
            # a queryset update (the request row is not loaded here): the target the workflow declares
            TravelRequest.objects.filter(pk=entry.request.pk).update(
                state=TRAVEL["reverse_payment"].target, paid_on=None
            )
        record(actor=actor, action="tracker.ledger_reversed", obj=reversal, reverses=entry.pk, reason=reason)
    return reversal
