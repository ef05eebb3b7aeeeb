"""Reads for accounts."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import EmailChange, Organisation, StartupProfile, User
from .permissions import scope_queryset_to_user

# What a complete startup profile has: (label, test on the organisation and its profile).
_PROFILE_ITEMS = [
    (_("Name in kana"), lambda org, p: bool(org.name_kana)),
    (_("Name in English"), lambda org, p: bool(org.name_en)),
    (_("Prefecture"), lambda org, p: org.prefecture_id is not None),
    (_("Website"), lambda org, p: bool(org.website)),
    (_("Corporate number"), lambda org, p: bool(p.corporate_number)),
    (_("Founding year"), lambda org, p: p.founded_year is not None),
    (_("Employees"), lambda org, p: p.employees is not None),
    (_("Stage"), lambda org, p: bool(p.stage)),
    # `has_themes` when the profile was read with it (one query for the whole completeness, applications' selector)
    (_("Themes"), lambda org, p: p.has_themes if hasattr(p, "has_themes") else bool(p.themes.all())),
    (_("Technology"), lambda org, p: bool(p.technology.strip())),
    (_("Description"), lambda org, p: bool(p.description.strip())),
]


@dataclass(frozen=True)
class Completeness:
    percent: int
    done: int
    total: int
    missing: list


def startup_profile_completeness(
    organisation: Organisation, profile: StartupProfile | None = None
) -> Completeness:
    """How much of a startup's profile is filled in, and what is missing (labels, in the user's language).
    `profile`: the organisation's profile already read (with `has_themes`), else it is read here."""
    if profile is None:
        profile = StartupProfile.objects.filter(organisation=organisation).prefetch_related(
            "themes"
        ).first() or StartupProfile(organisation=organisation)
    if profile.pk:
        missing = [label for label, test in _PROFILE_ITEMS if not test(organisation, profile)]
    else:
        missing = [label for label, _test in _PROFILE_ITEMS]
    total = len(_PROFILE_ITEMS)
    done = total - len(missing)
    return Completeness(percent=round(100 * done / total), done=done, total=total, missing=missing)


def active_members(*organisations: Organisation | int | None) -> list[User]:
    """The active users who are members of any of these organisations (given as rows or ids; None is skipped),
    each once, by e-mail. Who is told of a change: every app asks here."""
    ids = [o if isinstance(o, int) else o.pk for o in organisations if o is not None]
    if not ids:
        return []
    return list(User.objects.filter(memberships__organisation_id__in=ids, is_active=True).distinct())


def ministry_staff() -> list[User]:
    """The active members of the ministry organisation(s). (Whether one user is ministry staff, superusers
    included, is `portal.accounts.permissions.is_ministry`; both read the memberships.)"""
    return active_members(
        *Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).values_list("pk", flat=True)
    )


def organisations_for_admin(user):
    """Organisations the user may see in the admin, with what the listing shows."""
    return scope_queryset_to_user(
        Organisation.objects.select_related("prefecture", "local_government"), user, None
    )


# ---------------------------------------------------------------------------------------------- likely duplicates


def normalised_name(name: str) -> str:
    """An organisation name as compared for duplicates: NFKC (full-width → half-width), case folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def organisations_named_like(name: str, *, exclude_pk: int | None = None) -> list[Organisation]:
    """Organisations whose name (Japanese or English) is the same as `name` once normalised."""
    wanted = normalised_name(name)
    if not wanted:
        return []
    return [
        org
        for org in Organisation.objects.exclude(pk=exclude_pk).only("pk", "name", "name_en", "kind")
        if wanted in (normalised_name(org.name), normalised_name(org.name_en))
    ]


def likely_duplicate_organisation_ids() -> set[int]:
    """Organisations that share a normalised name with another (for the ministry's filter in the admin)."""
    by_name: dict[str, set[int]] = {}
    for pk, name in Organisation.objects.values_list("pk", "name"):
        by_name.setdefault(normalised_name(name), set()).add(pk)
    return {pk for pks in by_name.values() if len(pks) > 1 for pk in pks}


def email_change_pending(user) -> EmailChange | None:
    """The user's latest unconfirmed e-mail address change, if any."""
    return EmailChange.objects.filter(user=user, confirmed_at__isnull=True).order_by("-created_at").first()
