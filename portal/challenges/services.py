"""Writes on challenges. Keyword-only, validated, one transaction each, an audit event each.

Choice recorded here: the matched / no-match part of a challenge's status is a nullable `outcome` field on the
challenge, set only through `challenge_record_outcome`, which the matching and tracker apps call. Challenges never
import those apps; they only learn the outcome.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.accounts import permissions as account_rules
from portal.accounts import roles
from portal.accounts.models import Organisation
from portal.accounts.workspaces import staff_groups_sync
from portal.core.audit import record
from portal.core.i18n import localized
from portal.core.models import Theme
from portal.core.notifications import notify

from .catalogue import invalidate_catalogue
from .models import ChallengeIndexPage, ChallengePage
from .status import ChallengeOutcome


def grant_challenge_admin_rights(*, user) -> Group | None:
    """Put a ministry or municipality user in their Wagtail staff group (accounts.roles), which carries the rights to
    moderate or write challenges; the group follows the membership (portal.accounts.workspaces.staff_groups_sync),
    so the user needs admin access (`is_staff`). Startups get no admin group. Used by tests and tools."""
    organisation = account_rules.organisation_of(user)
    name = roles.group_for_organisation(organisation) if organisation is not None else None
    if name is None:
        return None
    staff_groups_sync(user=user)
    return Group.objects.filter(name=name).first()


def _slug_for(title: str) -> str:
    base = slugify(title)[:40].strip("-")
    return f"{base}-{uuid.uuid4().hex[:6]}" if base else f"challenge-{uuid.uuid4().hex[:10]}"


def challenge_create(
    *,
    index_page: ChallengeIndexPage,
    municipality: Organisation,
    title: str,
    summary: str,
    background: str,
    desired_outcome: str,
    application_opens: dt.datetime,
    application_closes: dt.datetime,
    themes: list[Theme] | None = None,
    publish: bool = False,
    actor=None,
    slug: str | None = None,
    **fields,
) -> ChallengePage:
    """Create one challenge under the catalogue, as a draft (a revision) or published.

    `fields` are further ChallengePage fields (budget_min_yen, poc_start, offers_*, procurement, contact, …).
    Raises ValidationError with the model's messages; nothing is saved then.
    """
    page = ChallengePage(
        title=title,
        slug=slug or _slug_for(title),
        municipality=municipality,
        summary=summary,
        background=background,
        desired_outcome=desired_outcome,
        application_opens=application_opens,
        application_closes=application_closes,
        live=False,
        owner=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    page.themes = list(themes or [])
    with transaction.atomic():
        index_page.add_child(instance=page)  # Page.save() runs full_clean()
        revision = page.save_revision(user=page.owner, log_action=True)
        if publish:
            revision.publish(user=page.owner)
            page.refresh_from_db()
        record(actor=actor, action="challenge.create", obj=page, published=publish)
    return page


def challenge_record_outcome(*, challenge: ChallengePage, outcome: str, actor=None) -> ChallengePage:
    """Record that a challenge was matched or ended without a match ('' clears it). Called by matching/tracker.

    Only the outcome fields change (no new revision): the status shown everywhere follows at once.
    """
    if outcome not in {"", *ChallengeOutcome.values}:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    with transaction.atomic():
        locked = ChallengePage.objects.select_for_update().get(pk=challenge.pk)
        previous = locked.outcome
        locked.outcome = outcome
        locked.outcome_at = timezone.now() if outcome else None
        locked.save(update_fields=["outcome", "outcome_at"], clean=False)
        record(actor=actor, action="challenge.outcome", obj=locked, outcome=outcome, previous=previous)
        invalidate_catalogue()
        staff = [m.user for m in locked.municipality.memberships.select_related("user")]
        if outcome and staff:
            notify(
                staff,
                kind="challenge.outcome",
                params={"text": localized(locked, "title")},
                url=locked.url or "",
            )
    challenge.outcome, challenge.outcome_at = locked.outcome, locked.outcome_at
    return challenge
