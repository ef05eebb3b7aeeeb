"""Reads on briefing sessions, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from wagtail.models import Page

from portal.accounts import permissions as account_rules

from . import permissions as rules
from .models import BriefingRegistration, BriefingSession


def _with_counts(qs: QuerySet) -> QuerySet:
    return qs.select_related("challenge__municipality", "round").annotate(
        active_registrations=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True))
    )


def _public(qs: QuerySet) -> QuerySet:
    """Sessions whose challenge or round is a live, public page."""
    live = Page.objects.live().public().values("pk")
    return qs.filter(Q(challenge__in=live) | Q(round__in=live))


def sessions_for_challenge(challenge) -> list[BriefingSession]:
    return list(_with_counts(BriefingSession.objects.filter(challenge=challenge)).order_by("starts_at", "pk"))


def sessions_for_round(round_page) -> list[BriefingSession]:
    """The round-wide sessions and those of the round's live challenges."""
    live = Page.objects.live().public().values("pk")
    qs = BriefingSession.objects.filter(
        Q(round=round_page) | Q(challenge__round=round_page, challenge__in=live)
    )
    return list(_with_counts(qs).order_by("starts_at", "pk"))


def registrations_by_session(user, sessions) -> dict[int, BriefingRegistration]:
    """The user's organisations' active registrations for these sessions, by session id (one query)."""
    ids = account_rules.organisation_ids_of(user) if getattr(user, "is_authenticated", False) else []
    if not ids or not sessions:
        return {}
    rows = BriefingRegistration.objects.filter(
        session__in=[s.pk for s in sessions], organisation_id__in=ids, cancelled_at__isnull=True
    )
    return {r.session_id: r for r in rows}


def session_for_site(user, pk: int) -> BriefingSession:
    """A session on the site: 404 unless its challenge or round is published, or the user manages it."""
    try:
        session = _with_counts(BriefingSession.objects.all()).get(pk=pk)
    except BriefingSession.DoesNotExist as exc:
        raise Http404 from exc
    if _public(BriefingSession.objects.filter(pk=pk)).exists() or rules.can_manage_briefing(user, session)[0]:
        return session
    raise Http404


def my_registrations(user, limit: int | None = None) -> list[BriefingRegistration]:
    """The user's organisations' active registrations, upcoming first then past, with their sessions (the first
    `limit` of them, counted in the database: My page shows five)."""
    ids = account_rules.organisation_ids_of(user)
    if not ids:
        return []
    sessions = _with_counts(BriefingSession.objects.all())
    registrations = (
        BriefingRegistration.objects.filter(organisation_id__in=ids, cancelled_at__isnull=True)
        .select_related("organisation")
        .prefetch_related(Prefetch("session", queryset=sessions))
        .order_by("-session__starts_at", "pk")
    )
    return list(registrations if limit is None else registrations[:limit])


def sessions_for_staff(user) -> QuerySet:
    """The sessions the user manages: all for the ministry, their challenges' for a municipality's staff."""
    qs = _with_counts(BriefingSession.objects.all())
    return account_rules.scope_queryset_to_user(qs, user, "challenge__municipality")


def registrations_of(session: BriefingSession) -> list[BriefingRegistration]:
    return list(
        session.registrations.filter(cancelled_at__isnull=True)
        .select_related("organisation", "registered_by")
        .order_by("registered_at", "pk")
    )
