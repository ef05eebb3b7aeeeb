"""The startup's ranking of its applications within a round (第1希望, 第2希望, 第3希望).

Swap, not refusal: giving an application a rank another of the startup's applications in the same round holds moves
that other application to the rank the first one had (or leaves it unranked). The startup sees the result at once
and nothing is lost; a refusal would make it unrank first and rank again. The swap is refused only when the other
application is still under review but past its deadline: its rank is then read-only. A decided application (declined,
matched) simply gives its rank up.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, User
from portal.core.audit import record
from portal.core.fiscal import fiscal_year_of

from .. import permissions as rules
from ..models import MAX_PREFERENCE, Application
from .applications import ApplicationRefused, _check, _locked


def preference_year_of(application: Application) -> int:
    """The round an application is ranked in: its challenge's round, or the fiscal year of its deadline (JST)."""
    challenge = application.challenge
    if challenge.round_id is not None:
        return challenge.round.fiscal_year
    return fiscal_year_of(timezone.localdate(challenge.application_closes))


def application_set_preference(
    *, application: Application, rank: int | None, by: User, now=None
) -> Application:
    """Give the application rank 1–3 within its round (None: unranked). Returns the application, updated.

    The startup's row is locked first, so two members ranking at the same time are serialised; a rank held by another
    of the startup's applications in the round is swapped (see the module docstring). Audited.
    """
    if rank is not None and not 1 <= int(rank) <= MAX_PREFERENCE:
        raise ValidationError({"rank": _("Choose the 1st, 2nd or 3rd choice, or none.")})
    rank = int(rank) if rank is not None else None
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=application.startup_id).values_list("pk").first()
        locked = _locked(application)
        _check(rules.can_set_preference(by, locked, now=now))
        year = preference_year_of(locked)
        previous = locked.preference if locked.preference_year == year else None
        holder = None
        if rank is not None and rank != previous:
            holder = (
                Application.objects.select_for_update(of=("self",))
                .select_related("challenge", "startup", "challenge__municipality")
                .filter(startup_id=locked.startup_id, preference_year=year, preference=rank)
                .exclude(pk=locked.pk)
                .first()
            )
        # A decided application (declined, matched) gives its rank up to the new one; a live one past its deadline
        # keeps it (its rank is read-only); a live one before the deadline swaps.
        holder_live = holder is not None and holder.state in rules.RANKABLE_STATES
        if holder is not None and rank is not None and holder_live:
            allowed, reason = rules.can_set_preference(by, holder, now=now)
            if not allowed:
                raise ApplicationRefused(
                    _("Your %(rank)s is “%(challenge)s”, which can no longer be changed: %(reason)s")
                    % {"rank": _rank_label(rank), "challenge": holder.challenge.title, "reason": reason},
                    code="refused",
                )
        if holder is not None:
            # Free the rank first: the database allows each rank once per startup and round at every moment.
            Application.objects.filter(pk=locked.pk).update(preference=None, preference_year=None)
            given = previous if holder_live else None
            holder.preference, holder.preference_year = given, (year if given is not None else None)
            holder.save(update_fields=["preference", "preference_year", "updated_at"])
        locked.preference = rank
        locked.preference_year = year if rank is not None else None
        locked.full_clean()
        locked.save(update_fields=["preference", "preference_year", "updated_at"])
        record(
            actor=by,
            action="application.preference",
            obj=locked,
            rank=rank,
            previous=previous,
            round=year,
            swapped_with=getattr(holder, "pk", None),
        )
    application.preference, application.preference_year = locked.preference, locked.preference_year
    return application


def _rank_label(rank: int) -> str:
    return str(dict(Application._meta.get_field("preference").choices or ())[rank])
