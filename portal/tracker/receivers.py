"""The tracker's side of the hand-over from matching: an accepted proposal opens an engagement."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Engagement
from .services import engagement_open


def on_proposal_accepted(
    sender, *, proposal=None, challenge, startup, application=None, actor=None, **kwargs
):
    engagement_open(
        municipality=challenge.municipality,
        startup=startup,
        challenge=challenge,
        application=application,
        source=Engagement.Source.PROPOSAL,
        actor=actor,
        reason=_("Match proposal %(id)s accepted.") % {"id": getattr(proposal, "pk", "")},
        title=challenge.title,
    )
