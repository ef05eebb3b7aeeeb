"""Open challenges for the home page (a new file of the programme's home page; it reads challenges, so it lives here)."""

from django import template
from django.utils import timezone

from ..models import ChallengePage
from ..selectors import catalogue_page
from ..status import ChallengeStatus, status_q

register = template.Library()


@register.simple_tag
def open_challenges(limit=3):
    """How many challenges take applications now, the `limit` closing soonest, and the catalogue to see them all."""
    now = timezone.now()
    live_open = ChallengePage.objects.live().public().filter(status_q(ChallengeStatus.OPEN, now))
    return {
        "count": live_open.count(),
        "nearest": list(
            live_open.select_related("municipality").order_by("application_closes", "pk")[:limit]
        ),
        "catalogue": catalogue_page(),
        "open_filter": ChallengeStatus.OPEN.value,
    }
