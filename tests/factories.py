"""Test data builders shared by every app's tests: users of each kind, with their organisations."""

from __future__ import annotations

import itertools

from portal.accounts.models import Membership, Organisation, StartupProfile, User
from portal.accounts.workspaces import organisation_workspace_ensure, staff_groups_sync
from portal.geo.models import LocalGovernment, Prefecture

_seq = itertools.count(1)

PASSWORD = "correct-horse-battery-9"


def prefecture(code: str = "37") -> Prefecture:
    pref = Prefecture.objects.filter(code=code).first()
    if pref is None:
        pref = Prefecture.objects.create(
            code=code, name_ja=f"県{code}", name_en=f"Pref {code}", latitude=35.0, longitude=135.0
        )
    return pref


def local_government(code: str = "372013", name_ja: str = "高松市") -> LocalGovernment:
    lg = LocalGovernment.objects.filter(code=code).first()
    if lg is None:
        lg = LocalGovernment.objects.create(
            code=code,
            prefecture=prefecture(code[:2]),
            kind="city",
            name_ja=name_ja,
            latitude=34.34,
            longitude=134.04,
        )
    return lg


def user(*, email: str | None = None, is_staff: bool = False, **extra) -> User:
    n = next(_seq)
    u = User.objects.create_user(
        email=email or f"user{n}@example.jp", password=PASSWORD, is_staff=is_staff, **extra
    )
    return u


def organisation(kind: str, **extra) -> Organisation:
    n = next(_seq)
    extra.setdefault("name", f"組織{n}")
    extra.setdefault("slug", f"org-{n}")
    if kind == Organisation.Kind.MUNICIPALITY:
        extra.setdefault("local_government", local_government())
        extra.setdefault("prefecture", extra["local_government"].prefecture)
    org = Organisation.objects.create(kind=kind, **extra)
    organisation_workspace_ensure(organisation=org)
    if kind == Organisation.Kind.STARTUP:
        StartupProfile.objects.create(organisation=org)
    return org


def member(org: Organisation, *, role: str = Membership.Role.ADMIN, **user_extra) -> User:
    u = user(**user_extra)
    Membership.objects.create(user=u, organisation=org, role=role)
    staff_groups_sync(user=u)
    return u


def staff(org: Organisation, *, role: str = Membership.Role.ADMIN, **user_extra) -> User:
    """A ministry or municipality member with admin access and the Wagtail group of their kind (Ministry/Municipality)."""
    return member(org, role=role, is_staff=True, **user_extra)
