"""Demo questions and messages: on each open challenge a startup's question answered by the municipality and
one still waiting; on the first engagement a short exchange and a staff note. (Requests for more information in
the demo applications are already threads: the application service hands them over.)"""

from __future__ import annotations

from django.db import transaction

from portal.accounts.models import Membership, Organisation, User
from portal.challenges.models import ChallengePage
from portal.challenges.status import ChallengeStatus
from portal.tracker.models import Engagement

from . import permissions as rules
from . import services
from .models import Question

QUESTIONS = [
    (
        "提供いただけるデータの形式（CSV、API など）と更新頻度を教えてください。",
        "CSV で月1回更新しています。実証期間中は API での提供も検討します。",
    ),
    ("実証実験に協力いただける地域や施設はすでに決まっていますか。", None),
]


def _first_member(organisation: Organisation, *, staff: bool = False) -> User | None:
    memberships = Membership.objects.filter(organisation=organisation, user__is_active=True).select_related(
        "user"
    )
    if staff:
        memberships = memberships.filter(user__is_staff=True)
    first = memberships.order_by("pk").first()
    return first.user if first else None


def create_demo_conversations(*, startups: dict[str, Organisation]) -> int:
    """Create the demo questions and messages once (nothing when questions exist already). Returns how many."""
    if Question.objects.exists():
        return 0
    askers = [u for u in (_first_member(org) for org in startups.values()) if u is not None]
    if not askers:
        return 0
    created = 0
    with transaction.atomic():
        open_challenges = [
            c for c in ChallengePage.objects.live().order_by("pk") if c.status == ChallengeStatus.OPEN
        ]
        for i, challenge in enumerate(open_challenges):
            staff = _first_member(challenge.municipality, staff=True)
            for j, (text, answer) in enumerate(QUESTIONS):
                asker = askers[(i + j) % len(askers)]
                if not rules.can_ask(asker, challenge)[0]:
                    continue
                question = services.question_ask(challenge=challenge, actor=asker, text=text)
                created += 1
                if answer and staff is not None:
                    services.question_answer(question=question, actor=staff, answer=answer)
        engagement = Engagement.objects.select_related("municipality", "startup").order_by("pk").first()
        if engagement is not None:
            member = _first_member(engagement.startup)
            staff = _first_member(engagement.municipality, staff=True)
            if member and staff:
                thread = services.thread_for_engagement(engagement=engagement)
                services.message_post(
                    thread=thread, actor=member, body="次回の訪問日程について相談させてください。"
                )
                services.message_post(
                    thread=thread, actor=staff, body="来月前半でいかがでしょうか。候補日をお送りします。"
                )
                services.message_post(
                    thread=thread,
                    actor=staff,
                    internal=True,
                    body="内部メモ: 会議室の予約を総務課に依頼済み。",
                )
                created += 3
    return created
