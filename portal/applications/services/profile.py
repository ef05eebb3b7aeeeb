"""A startup's profile as its members edit it: the organisation's and profile's fields (accounts' models, written
here through full_clean) plus the programme's extras (contact, team, track record) kept in this app."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction

from portal.accounts.models import Organisation, StartupProfile, User
from portal.accounts.permissions import forget_cached_memberships
from portal.core.audit import record
from portal.core.models import Theme
from portal.geo.codes import normalise_digits

from .. import permissions as rules
from ..models import StartupContact, TeamMember, TrackRecordEntry
from ..signals import startup_profile_changed
from .applications import ApplicationRefused

ORGANISATION_FIELDS = ("name", "name_kana", "name_en", "prefecture", "website")
PROFILE_FIELDS = (
    "corporate_number",
    "founded_year",
    "employees",
    "stage",
    "technology",
    "description",
    "is_public",
)
CONTACT_FIELDS = ("person", "email", "phone", "address")


def _check_editor(actor: User, organisation: Organisation) -> None:
    allowed, reason = rules.can_edit_startup_profile(actor, organisation)
    if not allowed:
        raise ApplicationRefused(reason, code="refused")


def _profile(organisation: Organisation) -> StartupProfile:
    profile, _created = StartupProfile.objects.get_or_create(organisation=organisation)
    return profile


def _profile_changed(organisation: Organisation) -> None:
    """Tell the apps after this one (matching: the text embedding) once the change has committed; a failing
    receiver is logged and never undoes the saved profile."""
    transaction.on_commit(
        partial(startup_profile_changed.send, sender=StartupProfile, organisation_id=organisation.pk),
        robust=True,
    )


def startup_profile_update(
    *,
    organisation: Organisation,
    actor: User,
    themes: Iterable[Theme] | None = None,
    contact: dict | None = None,
    **fields,
) -> StartupProfile:
    """Update the public and private parts of a startup's profile in one go; nothing is saved if any part is invalid."""
    _check_editor(actor, organisation)
    unknown = set(fields) - set(ORGANISATION_FIELDS) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        profile = _profile(org)
        for name, value in fields.items():
            if name == "corporate_number":
                value = normalise_digits(value or "")
            setattr(org if name in ORGANISATION_FIELDS else profile, name, value)
        org.full_clean()
        profile.full_clean()
        org.save()
        profile.save()
        if themes is not None:
            profile.themes.set(list(themes))
        if contact is not None:
            row = StartupContact.objects.filter(profile=profile).first() or StartupContact(profile=profile)
            for name in CONTACT_FIELDS:
                if name in contact:
                    setattr(row, name, contact[name] or "")
            row.full_clean()
            row.save()
        record(actor=actor, action="startup_profile.update", obj=org, fields=sorted(fields))
        _profile_changed(org)
    for name in ORGANISATION_FIELDS:
        setattr(organisation, name, getattr(org, name))
    forget_cached_memberships(actor)
    return profile


def track_record_add(*, organisation: Organisation, actor: User, **fields) -> TrackRecordEntry:
    _check_editor(actor, organisation)
    with transaction.atomic():
        entry = TrackRecordEntry(profile=_profile(organisation), **fields)
        entry.full_clean()
        entry.save()
        record(actor=actor, action="startup_profile.track_record_add", obj=organisation, entry=entry.pk)
        _profile_changed(organisation)
    return entry


def track_record_remove(*, entry: TrackRecordEntry, actor: User) -> None:
    organisation = entry.profile.organisation
    _check_editor(actor, organisation)
    with transaction.atomic():
        record(actor=actor, action="startup_profile.track_record_remove", obj=organisation, entry=entry.pk)
        entry.delete()
        _profile_changed(organisation)


def team_member_add(*, organisation: Organisation, actor: User, **fields) -> TeamMember:
    _check_editor(actor, organisation)
    with transaction.atomic():
        member = TeamMember(profile=_profile(organisation), **fields)
        member.full_clean()
        member.save()
        record(actor=actor, action="startup_profile.team_add", obj=organisation, member=member.pk)
    return member


def team_member_remove(*, member: TeamMember, actor: User) -> None:
    organisation = member.profile.organisation
    _check_editor(actor, organisation)
    with transaction.atomic():
        record(actor=actor, action="startup_profile.team_remove", obj=organisation, member=member.pk)
        member.delete()
