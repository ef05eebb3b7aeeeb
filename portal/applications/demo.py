"""Demo applications for `seed_demo`: the FY2017 round as history, and the current round in every state, with reviews.

    from portal.applications.demo import create_demo_applications
    create_demo_applications(municipalities=result.municipalities, startups=result.startups,
                             fy2017_applications=data.FY2017_APPLICATIONS, fy2017_matches=data.FY2017_MATCHES)

FY2017 (17 hands raised, 7 matches): each startup applied to the challenge of its municipality that shares most themes
with it; matched pairs were shortlisted then matched, the others declined with a reason. Those windows closed long
ago, so the history is written as rows (submitted before the deadline) and the decisions go through the services.
The current round uses the services throughout: the README's demo startup has a draft, a submitted application, one
with more information requested and a withdrawn one; other startups are shortlisted. Idempotent: an application
that exists for a startup and challenge is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Membership, Organisation, User
from portal.challenges.models import ChallengePage
from portal.challenges.status import ChallengeOutcome, ChallengeStatus

from . import services
from .models import Application, ApplicationState, TeamMember, TrackRecordEntry
from .selectors import rubric_for

DEFAULT_DEMO_STARTUP = "data-cradle-sanuki"

PROPOSALS = {
    "approach": "既存の{tech}を{place}の課題に合わせて調整し、職員の方と週1回の打合せで進めます。",
    "expected_outcome": "{place}の担当課の作業時間を3割減らし、住民への情報提供を早めます。",
    "timeline": "1か月目：現地調査とデータ整理／2〜3か月目：試作と職員による試用／4か月目：住民向けの試験運用と効果測定",
    "needs_from_municipality": "担当課の職員の時間（週1回）、関連する業務データ、試験運用の場所",
}
DECLINE_REASON = "提案は興味深いものでしたが、今回は予算規模と実証期間が合わず見送りとしました。"
SHORTLIST_REASON = "課題の理解が深く、職員との進め方も具体的でした。面談にお進みください。"
INFO_REQUEST = "費用の内訳（人件費・機器費）と、実証後の運用費の見込みを教えてください。"


def _proposal(startup: Organisation, challenge: ChallengePage) -> dict:
    profile = getattr(startup, "startup_profile", None)
    tech = (profile.technology.split("。")[0] if profile and profile.technology else "技術")[:60]
    place = str(challenge.municipality)
    fields = {k: v.format(tech=tech, place=place) for k, v in PROPOSALS.items()}
    budget = challenge.budget_max_yen or 3_000_000
    return fields | {"cost_estimate_yen": int(budget * 0.8) // 10_000 * 10_000}


def _reviewer(municipality: Organisation) -> User | None:
    staff = (
        Membership.objects.filter(organisation=municipality, user__is_active=True, user__is_staff=True)
        .select_related("user")
        .first()
    )
    if staff:
        return staff.user
    ministry = (
        Membership.objects.filter(organisation__kind=Organisation.Kind.MINISTRY, user__is_active=True)
        .select_related("user")
        .first()
    )
    return ministry.user if ministry else None


def _member(startup: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(organisation=startup, user__is_active=True).select_related("user").first()
    )
    return membership.user if membership else None


def _review(application: Application, reviewer: User | None, base: int) -> None:
    if reviewer is None:
        return
    rubric = rubric_for(application.challenge)
    scores = {item.criterion.pk: max(1, min(5, base + (i % 3) - 1)) for i, item in enumerate(rubric)}
    services.review_save(
        application=application, reviewer=reviewer, scores=scores, comment="書類審査の所見を記入済み。"
    )


def _historical(startup: Organisation, challenge: ChallengePage) -> Application:
    """A past application, submitted a week before its (long closed) window ended."""
    application = Application(
        challenge=challenge,
        startup=startup,
        created_by=_member(startup),
        state=ApplicationState.SUBMITTED,
        submitted_at=challenge.application_closes - dt.timedelta(days=7),
        **_proposal(startup, challenge),
    )
    application.full_clean()
    application.save()
    return application


def _best_challenge(startup: Organisation, challenges: list[ChallengePage]) -> ChallengePage | None:
    theirs = set(startup.startup_profile.themes.values_list("pk", flat=True))
    return max(challenges, key=lambda c: len(theirs & {t.pk for t in c.themes.all()}), default=None)


def _past_challenges(municipality: Organisation) -> list[ChallengePage]:
    """The municipality's published challenges whose window has closed, matched ones first."""
    now = timezone.now()
    closed = ChallengePage.objects.live().filter(municipality=municipality, application_closes__lt=now)
    return sorted(
        closed.prefetch_related("themes"), key=lambda c: (c.outcome != ChallengeOutcome.MATCHED, c.pk)
    )


def _open_challenges() -> list[ChallengePage]:
    return [c for c in ChallengePage.objects.live().order_by("pk") if c.status == ChallengeStatus.OPEN]


def _demo_profile_extras(startup: Organisation, municipalities: dict[str, Organisation]) -> None:
    profile = startup.startup_profile
    if not TeamMember.objects.filter(profile=profile).exists():
        TeamMember.objects.create(
            profile=profile, name="田中 誠", role="代表取締役", bio="自治体向けデータ分析10年"
        )
        TeamMember.objects.create(
            profile=profile, name="小林 彩", role="エンジニア", bio="位置情報とダッシュボード"
        )
    takamatsu = municipalities.get("372013")
    if takamatsu and not TrackRecordEntry.objects.filter(profile=profile).exists():
        TrackRecordEntry.objects.create(
            profile=profile,
            local_government=takamatsu.local_government,
            year=2017,
            outcome=TrackRecordEntry.Outcome.POC,
            summary="レンタサイクルの位置情報分析（StartupXAct FY2017）",
        )


def create_demo_applications(
    *,
    municipalities: dict[str, Organisation],
    startups: dict[str, Organisation],
    fy2017_applications: dict[str, list[str]],
    fy2017_matches: list[tuple[str, str]],
) -> list[Application]:
    """Create the demo applications and reviews (see the module docstring). Returns the applications created."""
    created: list[Application] = []
    matches = set(fy2017_matches)
    with transaction.atomic():
        # FY2017: history.
        for code, slugs in fy2017_applications.items():
            municipality = municipalities.get(code)
            if municipality is None:
                continue
            past = _past_challenges(municipality)
            reviewer = _reviewer(municipality)
            for slug in slugs:
                startup = startups.get(slug)
                challenge = _best_challenge(startup, past) if startup else None
                if (
                    challenge is None
                    or Application.objects.filter(startup=startup, challenge=challenge).exists()
                ):
                    continue
                application = _historical(startup, challenge)
                created.append(application)
                if reviewer is None:
                    continue
                matched = (code, slug) in matches
                _review(application, reviewer, 4 if matched else 2)
                if matched:
                    services.application_shortlist(
                        application=application, actor=reviewer, reason=SHORTLIST_REASON
                    )
                    services.application_mark_matched(application=application, actor=reviewer)
                else:
                    services.application_decline(
                        application=application, actor=reviewer, reason=DECLINE_REASON
                    )

        # The current round: every remaining state on the open challenges.
        open_challenges = _open_challenges()
        demo = startups.get(DEFAULT_DEMO_STARTUP)
        demo_user = _member(demo) if demo else None
        if demo and demo_user:
            _demo_profile_extras(demo, municipalities)
            plan = ["draft", "submitted", "more_info", "withdrawn"]
            for state, challenge in zip(plan, open_challenges, strict=False):
                if Application.objects.filter(startup=demo, challenge=challenge).exists():
                    continue
                application = services.application_start(
                    challenge=challenge,
                    actor=demo_user,
                    team=TeamMember.objects.filter(profile=demo.startup_profile),
                    **_proposal(demo, challenge),
                )
                if state != "draft":
                    services.application_submit(application=application, actor=demo_user)
                reviewer = _reviewer(challenge.municipality)
                if state == "more_info" and reviewer:
                    _review(application, reviewer, 3)
                    services.application_request_more_info(
                        application=application, actor=reviewer, message=INFO_REQUEST
                    )
                elif state == "withdrawn":
                    services.application_withdraw(application=application, actor=demo_user)
                created.append(application)
        others = [s for slug, s in startups.items() if slug != DEFAULT_DEMO_STARTUP]
        for challenge, startup in zip(open_challenges, others[: len(open_challenges)], strict=False):
            if Application.objects.filter(startup=startup, challenge=challenge).exists():
                continue
            application = Application(
                challenge=challenge,
                startup=startup,
                created_by=_member(startup),
                state=ApplicationState.SUBMITTED,
                submitted_at=timezone.now() - dt.timedelta(days=2),
                **_proposal(startup, challenge),
            )
            application.full_clean()
            application.save()
            reviewer = _reviewer(challenge.municipality)
            _review(application, reviewer, 4)
            if reviewer:
                services.application_shortlist(
                    application=application, actor=reviewer, reason=SHORTLIST_REASON
                )
            created.append(application)
    return created
