"""What matching does when other apps change a text it scores: queue ONE background task that computes the text's
sentence embedding (matching/embeddings.py), after the change has committed, when settings.MATCHING_EMBEDDINGS is on.

- a challenge is published (Wagtail's `page_published`, also after moderation or a scheduled publication);
- a startup's profile or track record is saved (`portal.applications.signals.startup_profile_changed`).
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from wagtail.signals import page_published

from portal.applications.signals import startup_profile_changed
from portal.challenges.models import ChallengePage

from . import tasks

logger = logging.getLogger(__name__)


def _enqueue(task, *args) -> None:
    try:
        task.enqueue(*args)
    except Exception:  # the text is saved; `manage.py embed_texts` computes what a lost task left out
        logger.exception("could not queue %s%r", task.name, args)


def _challenge_published(sender, instance, **kwargs) -> None:
    if settings.MATCHING_EMBEDDINGS:
        transaction.on_commit(partial(_enqueue, tasks.embed_challenge_text, instance.pk))


def _startup_profile_changed(sender, organisation_id, **kwargs) -> None:
    if settings.MATCHING_EMBEDDINGS:
        transaction.on_commit(partial(_enqueue, tasks.embed_startup_text, organisation_id))


def connect() -> None:
    page_published.connect(
        _challenge_published, sender=ChallengePage, dispatch_uid="matching-embed-challenge"
    )
    startup_profile_changed.connect(_startup_profile_changed, dispatch_uid="matching-embed-startup")
