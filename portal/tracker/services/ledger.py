"""Posting to the travel-support ledger. Callers hold the budget row lock (select_for_update) in their transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from portal.core.calendar import fiscal_year_label

from ..models import FiscalBudget, LedgerEntry

Kind = LedgerEntry.Kind

# How each kind moves money between the buckets (reserved, settled, paid); free = amount − all three.
DELTAS = {
    Kind.RESERVE: (1, 0, 0),
    Kind.RELEASE: (-1, 0, 0),
    Kind.SETTLE: (-1, 1, 0),
    Kind.PAY: (0, -1, 1),
}


class BudgetExceeded(ValidationError):
    """The budget's free amount does not cover what is asked; the message says how much is left."""


def lock_budget(fiscal_year: int) -> FiscalBudget:
    """The fiscal year's budget, row-locked until the end of the transaction (PostgreSQL; SQLite locks the file)."""
    budget = FiscalBudget.objects.select_for_update().filter(fiscal_year=fiscal_year).first()
    if budget is None:
        raise ValidationError(
            _("There is no travel-support budget for %(year)s.") % {"year": fiscal_year_label(fiscal_year)},
            code="no_budget",
        )
    return budget


def balances(budget: FiscalBudget) -> dict[str, int]:
    """The buckets as the ledger sums them (the record; the counters on the budget row mirror it)."""
    sums = LedgerEntry.objects.filter(budget=budget).aggregate(
        reserved=Sum("reserved_delta"), settled=Sum("settled_delta"), paid=Sum("paid_delta")
    )
    out = {k: int(v or 0) for k, v in sums.items()}
    out["free"] = budget.amount_yen - out["reserved"] - out["settled"] - out["paid"]
    return out


def ensure_available(budget: FiscalBudget, amount: int) -> None:
    free = balances(budget)["free"]
    if amount > free:
        raise BudgetExceeded(
            _("The %(year)s travel budget has ¥%(free)s left; ¥%(amount)s cannot be reserved.")
            % {"year": fiscal_year_label(budget.fiscal_year), "free": f"{free:,}", "amount": f"{amount:,}"},
            code="budget_exceeded",
        )


def post(
    *,
    budget: FiscalBudget,
    kind: str,
    amount: int,
    actor,
    request=None,
    note: str = "",
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Append one entry and move the budget's counters with it (the database CHECK refuses an overspend)."""
    deltas: tuple[int, ...]
    if reverses is not None:
        deltas = (-reverses.reserved_delta, -reverses.settled_delta, -reverses.paid_delta)
        kind = Kind.REVERSAL
    else:
        deltas = tuple(sign * amount for sign in DELTAS[Kind(kind)])
    entry = LedgerEntry(
        budget=budget,
        request=request,
        kind=kind,
        amount_yen=amount,
        reserved_delta=deltas[0],
        settled_delta=deltas[1],
        paid_delta=deltas[2],
        reverses=reverses,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    entry.full_clean()
    entry.save()
    FiscalBudget.objects.filter(pk=budget.pk).update(
        reserved_yen=F("reserved_yen") + deltas[0],
        settled_yen=F("settled_yen") + deltas[1],
        paid_yen=F("paid_yen") + deltas[2],
    )
    budget.refresh_from_db()
    return entry
