"""Demo briefing sessions (seed_demo): an online briefing on one of Takamatsu's open challenges with the demo startup
registered, a round-wide on-site briefing by the ministry, and a briefing already held, with its attendance and
recording — all through the services."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from portal.accounts.models import User
from portal.programme.models import RoundPage

from ..models import ChallengePage
from . import services
from .models import BriefingFormat, BriefingSession


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localtime() + dt.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _announce(actor, **fields) -> BriefingSession:
    starts = fields.pop("starts_at")
    session = BriefingSession(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1, minutes=30),
        registration_closes=starts - dt.timedelta(days=2),
        **fields,
    )
    return services.briefing_session_announce(actor=actor, session=session)


def create_demo_briefings(
    *, ministry_email: str, municipality_email: str, startup_email: str
) -> list[BriefingSession]:
    ministry = User.objects.filter(email=ministry_email).first()
    municipal = User.objects.filter(email=municipality_email).first()
    startup = User.objects.filter(email=startup_email).first()
    if not (ministry and municipal and startup) or BriefingSession.objects.exists():
        return []  # seeding again leaves the demo's sessions as they are
    now = timezone.now()
    open_challenges = ChallengePage.objects.live().filter(
        Q(application_opens__lte=now) & Q(application_closes__gt=now) & Q(outcome__isnull=True)
    )
    challenge = open_challenges.filter(municipality__memberships__user=municipal).order_by("pk").first()
    created = []
    if challenge is not None:
        online = _announce(
            municipal,
            challenge=challenge,
            title=f"{challenge.title} オンライン説明会",
            title_en="Online briefing on the challenge",
            description="課題の背景と、提供できるデータ・実証の場について担当課から説明します。質疑応答の時間もあります。",
            starts_at=_at(10, 14),
            format=BriefingFormat.ONLINE,
            online_url="https://meet.example.jp/takamatsu-briefing",
            capacity=20,
        )
        services.briefing_register(actor=startup, session=online)
        held = _announce(
            municipal,
            challenge=challenge,
            title=f"{challenge.title} 事前相談会",
            title_en="Early consultation",
            starts_at=_at(1, 10),
            format=BriefingFormat.ON_SITE,
            venue="香川県高松市番町一丁目8番15号 高松市役所",
            venue_en="Takamatsu City Hall, 1-8-15 Bancho, Takamatsu, Kagawa",
            capacity=10,
        )
        registration = services.briefing_register(actor=startup, session=held)
        # Held a week ago (demo data only: the service announces sessions ahead of time).
        past = _at(-7, 10)
        BriefingSession.objects.filter(pk=held.pk).update(
            starts_at=past,
            ends_at=past + dt.timedelta(hours=1),
            registration_closes=past - dt.timedelta(days=2),
        )
        held.refresh_from_db()
        services.briefing_attendance_record(actor=municipal, session=held, attended_ids=[registration.pk])
        services.briefing_session_update(
            actor=municipal,
            session=held,
            changes={"recording_url": "https://video.example.jp/takamatsu-consultation"},
        )
        created += [online, held]
    round_page = RoundPage.objects.live().order_by("-fiscal_year").first()
    if round_page is not None:
        created.append(
            _announce(
                ministry,
                round=round_page,
                title="StartupXAct 全体説明会",
                title_en="StartupXAct programme briefing",
                description="制度の概要、応募から実証・旅費支援までの流れを説明します。",
                starts_at=_at(14, 15),
                format=BriefingFormat.ON_SITE,
                venue="東京都千代田区霞が関2-1-2 中央合同庁舎第2号館",
                venue_en="Central Government Building No. 2, 2-1-2 Kasumigaseki, Chiyoda, Tokyo",
                capacity=60,
            )
        )
    return created
