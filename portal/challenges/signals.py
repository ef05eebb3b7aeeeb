"""Keep the catalogue's cached facet counts honest: any change to what is live bumps the catalogue version."""

from __future__ import annotations

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from .catalogue import invalidate_catalogue
from .models import ChallengePage


def _changed(sender, **kwargs):
    invalidate_catalogue()


def connect() -> None:
    for signal in (page_published, page_unpublished, post_delete):
        signal.connect(_changed, sender=ChallengePage, dispatch_uid=f"challenges-catalogue-{id(signal)}")
