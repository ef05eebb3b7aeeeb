"""Builders for challenge tests: staff users in the right Wagtail groups, and challenges in any state."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from portal.accounts.models import Organisation
from portal.challenges.briefings.models import BriefingSession
from portal.challenges.briefings.services import briefing_session_announce
from portal.challenges.models import ChallengeIndexPage, ChallengePage
from portal.challenges.services import challenge_create, grant_challenge_admin_rights
from portal.core.models import Theme
from tests import factories

_seq = itertools.count(1)


def index_page() -> ChallengeIndexPage:
    return ChallengeIndexPage.objects.get()


def municipality(code: str = "372013", name: str = "高松市", slug: str | None = None) -> Organisation:
    lg = factories.local_government(code, name)
    org = Organisation.objects.filter(local_government=lg).first()
    return org or factories.organisation(
        Organisation.Kind.MUNICIPALITY, name=name, slug=slug or f"muni-{code}", local_government=lg
    )


def ministry() -> Organisation:
    org = Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).first()
    return org or factories.organisation(Organisation.Kind.MINISTRY, name="総務省", slug="mic")


def staff(org: Organisation, **extra):
    user = factories.member(org, is_staff=True, **extra)
    grant_challenge_admin_rights(user=user)
    return user


def challenge(
    *,
    municipality_org: Organisation | None = None,
    publish: bool = True,
    opens: dt.datetime | None = None,
    closes: dt.datetime | None = None,
    themes: list[str] = ("tourism",),
    **fields,
) -> ChallengePage:
    n = next(_seq)
    now = timezone.now()
    return challenge_create(
        index_page=index_page(),
        municipality=municipality_org or municipality(),
        title=fields.pop("title", f"課題{n}"),
        summary=fields.pop("summary", f"要約{n}"),
        background=fields.pop("background", "背景"),
        desired_outcome=fields.pop("desired_outcome", "期待する成果"),
        application_opens=opens or now - dt.timedelta(days=1),
        application_closes=closes or now + dt.timedelta(days=30),
        themes=list(Theme.objects.filter(slug__in=themes)),
        publish=publish,
        **fields,
    )


def briefing(*, actor=None, challenge_page: ChallengePage | None = None, round_page=None, **fields):
    """A briefing session announced through the service (a challenge's by default, by its municipality's staff),
    a week ahead, online, three seats."""
    if challenge_page is None and round_page is None:
        challenge_page = challenge()
    if actor is None:
        actor = staff(challenge_page.municipality) if challenge_page is not None else staff(ministry())
    now = timezone.now()
    starts = fields.pop("starts_at", now + dt.timedelta(days=7))
    values = {
        "title": f"説明会{next(_seq)}",
        "title_en": "Briefing",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=1),
        "format": "online",
        "online_url": "https://meet.example.jp/zq-secret-room",
        "capacity": 3,
        "registration_closes": starts - dt.timedelta(days=1),
        **fields,
    }
    session = BriefingSession(challenge=challenge_page, round=round_page, **values)
    return briefing_session_announce(actor=actor, session=session)
