"""The evidence pack for a contract without open tender (随意契約): built by the municipality, one version per save."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from portal.core.audit import record

from .. import permissions
from ..evidence import CLAUSE_BY_NUMBER, build_snapshot
from ..fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, fiscal_year_bounds
from ..models import Engagement, EvidencePack
from .common import notify_both_sides


def evidence_pack_create(
    *,
    engagement: Engagement,
    actor,
    clause: int,
    conditions_met: list[str],
    price_note: str,
    alternatives_note: str = "",
    next_fiscal_year: int,
    budget_request_deadline: dt.date,
) -> EvidencePack:
    """A new version of the engagement's evidence pack; earlier versions stay as they were.

    The municipality chooses the clause of 地方自治法施行令第167条の2第1項 and confirms its conditions (every one
    must be confirmed: a clause whose conditions are not met cannot be relied on), explains the price, and says
    when the next fiscal year's budget must be requested. The engagement's records are frozen into the snapshot."""
    allowed, why = permissions.can_build_evidence_pack(actor, engagement)
    if not allowed:
        raise PermissionDenied(why)
    chosen = CLAUSE_BY_NUMBER.get(clause)
    if chosen is None:
        raise ValidationError({"clause": _("Choose one of the items listed.")}, code="clause")
    keys = [key for key, _label in chosen.conditions]
    unknown = [c for c in conditions_met if c not in keys]
    if unknown:
        raise ValidationError({"conditions_met": _("Confirm only the conditions of the chosen item.")})
    if set(conditions_met) != set(keys):
        raise ValidationError(
            {"conditions_met": _("Every condition of the chosen item must be met and confirmed.")},
            code="conditions",
        )
    if not (MIN_FISCAL_YEAR <= next_fiscal_year <= MAX_FISCAL_YEAR):
        raise ValidationError({"next_fiscal_year": _("Choose a fiscal year in the list.")}, code="fy")
    if budget_request_deadline >= fiscal_year_bounds(next_fiscal_year)[0]:
        raise ValidationError(
            {
                "budget_request_deadline": _(
                    "The budget is requested before the fiscal year it is for begins."
                )
            },
            code="deadline",
        )
    price_note = (price_note or "").strip()
    if not price_note:
        raise ValidationError({"price_note": _("Explain why the price is reasonable.")}, code="price_note")
    with transaction.atomic():
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        latest = locked.evidence_packs.aggregate(v=Max("version"))["v"] or 0
        pack = EvidencePack(
            engagement=locked,
            version=latest + 1,
            clause=clause,
            conditions_met=keys,
            price_note=price_note,
            alternatives_note=(alternatives_note or "").strip(),
            next_fiscal_year=next_fiscal_year,
            budget_request_deadline=budget_request_deadline,
            snapshot=build_snapshot(locked),
            created_by=actor,
        )
        pack.full_clean()
        pack.save()
        record(
            actor=actor,
            action="tracker.evidence_pack_created",
            obj=locked,
            version=pack.version,
            clause=clause,
        )
        notify_both_sides(locked, kind="tracker.evidence_pack_created", params={"v": pack.version})
    return pack
