"""Signal wiring for challenges.

- Keep the catalogue's facet index and cached pages honest: a change to what is live patches the index and renews
  the tokens of the cached pages that can show it.
- Write the moderation steps Wagtail performs (submit, approve, reject) to our audit log too.
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from wagtail.models import WorkflowState
from wagtail.signals import (
    page_published,
    page_unpublished,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)

from portal.core.audit import record

from .models import ChallengePage, catalogue_changed


def _changed(sender, instance, **kwargs):
    catalogue_changed([instance.pk])


def _moderation(action: str):
    def handler(sender, instance: WorkflowState, user=None, **kwargs):
        # The workflow points at the base Page row; the challenge is its specific form.
        page = getattr(instance.content_object, "specific_deferred", instance.content_object)
        if not isinstance(page, ChallengePage):
            return
        task_state = instance.current_task_state
        record(
            actor=user,
            action=f"challenge.{action}",
            obj=page,
            workflow=str(instance.workflow),
            comment=(task_state.get_comment() if task_state is not None else "") or "",
        )

    return handler


_HANDLERS = {
    "submitted": _moderation("submitted"),
    "approved": _moderation("approved"),
    "rejected": _moderation("rejected"),
}


def connect() -> None:
    for signal in (page_published, page_unpublished, post_delete):
        signal.connect(_changed, sender=ChallengePage, dispatch_uid=f"challenges-catalogue-{id(signal)}")
    for signal, name in (
        (workflow_submitted, "submitted"),
        (workflow_approved, "approved"),
        (workflow_rejected, "rejected"),
    ):
        signal.connect(_HANDLERS[name], dispatch_uid=f"challenges-audit-{name}")
