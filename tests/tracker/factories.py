"""Builders for tracker tests: the two parties, ministry staff, an engagement, a meeting, a budget, an approved
trip."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.accounts.models import Organisation
from portal.core.calendar import current_fiscal_year, today_jst
from portal.core.fiscal import fiscal_year_bounds
from portal.geo.models import LocalGovernment
from portal.tracker import services
from portal.tracker.models import Engagement, Meeting, MeetingKind
from tests import factories

# A real one-page PDF header is enough for libmagic.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="receipt.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def municipality(code="372013", name="高松市") -> Organisation:
    lg = LocalGovernment.objects.get(code=code)
    org = Organisation.objects.filter(local_government=lg).first()
    return org or factories.organisation(
        Organisation.Kind.MUNICIPALITY, name=name, local_government=lg, prefecture=lg.prefecture
    )


def ministry_org() -> Organisation:
    org = Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).first()
    return org or factories.organisation(Organisation.Kind.MINISTRY, name="総務省", slug="mic")


def startup(pref="13", name="株式会社テスト") -> Organisation:
    return factories.organisation(Organisation.Kind.STARTUP, name=name, prefecture=factories.prefecture(pref))


def ministry_user():
    return factories.staff(ministry_org())


def engagement(*, municipality_org=None, startup_org=None, actor=None, **kw) -> Engagement:
    return services.engagement_open(
        municipality=municipality_org or municipality(),
        startup=startup_org or startup(),
        source=Engagement.Source.OUTSIDE,
        actor=actor or ministry_user(),
        reason="WG で合意",
        **kw,
    )


def meeting(engagement, actor, *, slots=None, **kw) -> Meeting:
    """A first visit proposed for the engagement (one slot ten days ahead unless `slots` are given)."""
    one = services.jst_slot(today_jst() + dt.timedelta(days=10), dt.time(10), dt.time(11), place="市役所")
    fields = {"kind": MeetingKind.FIRST_VISIT, "title": "初回訪問", "note": "除雪の現場"} | kw
    return services.meeting_propose(actor=actor, engagement=engagement, slots=slots or [one], **fields)


def budget(amount=1_000_000, year=None, actor=None):
    return services.fiscal_budget_set(
        fiscal_year=year or current_fiscal_year(), amount_yen=amount, actor=actor or ministry_user()
    )


def trip_dates(year=None):
    """A two-day trip inside the given (default current) fiscal year, not in the future."""
    year = year or current_fiscal_year()
    first, last = fiscal_year_bounds(year)
    today = today_jst()
    day = min(today, last) - dt.timedelta(days=1)
    if day < first:
        day = first
    return day, day + dt.timedelta(days=1)


def travel_request(eng, user, *, fares=40_000, lodging=11_800, allowance=4_400, travellers=1, dates=None):
    dep, ret = dates or trip_dates()
    return services.travel_request_create(
        engagement=eng,
        actor=user,
        origin=LocalGovernment.objects.get(code="130001"),
        departure_date=dep,
        return_date=ret,
        travellers=travellers,
        traveller_names="山田太郎",
        purpose="初回訪問",
        transport="express",
        fares_yen=fares,
        lodging_yen=lodging,
        allowance_yen=allowance,
    )


def settle(trip, user, *, fares=40_000, lodging=11_800, allowance=4_400, receipt=None):
    """Settle an approved trip on one receipt (by default at the amounts `travel_request` asks for)."""
    return services.travel_request_settle(
        request=trip,
        actor=user,
        fares_yen=fares,
        lodging_yen=lodging,
        allowance_yen=allowance,
        receipts=[receipt or pdf()],
    )


def settled_trip(eng, user, ministry, *, trip_done=False, **amounts):
    """A trip requested by `user`, approved by `ministry` (the trip reported done when asked) and settled."""
    trip = travel_request(eng, user)
    services.travel_request_approve(request=trip, actor=ministry)
    if trip_done:
        services.travel_trip_done(request=trip, actor=user)
    return settle(trip, user, **amounts)
