"""The adoption-request workflow, declared once (the shape of every state machine: portal/core/workflow.py).

    requested ─link (a new engagement, same startup, linked to the origin)→ linked
        └─decline→ declined

A municipality joining a solved challenge files a request that is linked at once (services.adoption_join).
Who may decide is `permissions.can_link_adoption` (ministry staff). The services of tracker/services/adoption.py
take a step with `ADOPTION.move`; nothing else writes `AdoptionRequest.state`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.core.workflow import Transition, Workflow

from .models.adoption import AdoptionRequest

State = AdoptionRequest.State

ADOPTION = Workflow(
    (
        Transition("link", _("linked"), (State.REQUESTED,), State.LINKED),
        Transition("decline", _("Decline"), (State.REQUESTED,), State.DECLINED),
    ),
    refusal=_("This request has already been decided."),
)
