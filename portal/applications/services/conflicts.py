"""Declaring and withdrawing conflicts of interest (利益相反). A declaration is never deleted: a withdrawal keeps the
row, with who withdrew it and when; both are audit events."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, StartupProfile, User
from portal.challenges.models import ChallengePage
from portal.core.audit import record

from .. import permissions as rules
from ..conflicts import forget_cached_conflicts
from ..models import ConflictOfInterest
from .applications import _check


def conflict_declare(
    *, person: User, startup: Organisation, reason: str, challenge: ChallengePage | None = None
) -> ConflictOfInterest:
    """Record the person's conflict with a startup (optionally one challenge only); the reason is required.

    The startup's corporate number is kept with the declaration, so that it also covers the same company under
    another organisation. A second active declaration of the same person, startup and scope is refused.
    """
    _check(rules.can_declare_conflict(person))
    if challenge is not None:
        _check(rules.can_scope_conflict_to(person, challenge))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for the conflict.")})
    if startup.kind != Organisation.Kind.STARTUP:
        raise ValidationError({"startup": _("Choose a startup.")})
    found = rules.conflict_side_of(person)
    assert found is not None  # can_declare_conflict above admits only ministry and municipality staff
    side, municipality = found
    with transaction.atomic():
        # One declaration at a time per person: the duplicate check below then holds under concurrency.
        User.objects.select_for_update().filter(pk=person.pk).values_list("pk").first()
        if ConflictOfInterest.objects.filter(
            person=person, startup=startup, challenge=challenge, withdrawn_at__isnull=True
        ).exists():
            raise ValidationError(_("You have already declared this conflict."), code="duplicate")
        declaration = ConflictOfInterest(
            person=person,
            side=side,
            municipality=municipality,
            startup=startup,
            corporate_number=StartupProfile.objects.filter(organisation=startup)
            .values_list("corporate_number", flat=True)
            .first()
            or "",
            challenge=challenge,
            reason=reason,
        )
        declaration.full_clean()
        declaration.save()
        record(
            actor=person,
            action="conflict.declare",
            obj=declaration,
            side=side,
            startup=startup.pk,
            corporate_number=declaration.corporate_number,
            challenge=getattr(challenge, "pk", None),
            reason=reason,
        )
    forget_cached_conflicts(person)
    return declaration


def conflict_withdraw(*, declaration: ConflictOfInterest, actor: User) -> ConflictOfInterest:
    """The person withdraws their own declaration (soft: the row stays, with who and when)."""
    with transaction.atomic():
        locked = ConflictOfInterest.objects.select_for_update().get(pk=declaration.pk)
        _check(rules.can_withdraw_conflict(actor, locked))
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.full_clean()
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        record(
            actor=actor,
            action="conflict.withdraw",
            obj=locked,
            startup=locked.startup_id,
            challenge=locked.challenge_id,
        )
    forget_cached_conflicts(actor)
    declaration.withdrawn_at, declaration.withdrawn_by = locked.withdrawn_at, locked.withdrawn_by
    return declaration
