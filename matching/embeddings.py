"""Sentence embeddings in the portal: computed once when a text is saved, stored with it, read by every run.

A startup's embedding is kept on its StartupProfile, a challenge's in a ChallengeEmbedding beside the page; each is
384 float32 (1,536 bytes) with the SHA-256 of the exact text it was computed from and the model's name. The text is
the one a run scores (`selectors.challenge_matching_text` / `startup_matching_text`, built as a run builds the
engine's input), so when the text or the model changes the stored embedding is stale: runs ignore it
(`selectors.fresh_vector`) until it is computed again.

When: a background task (matching/tasks.py) after a startup's profile or track record is saved and after a
challenge is published (matching/receivers.py), when settings.MATCHING_EMBEDDINGS is on; `manage.py embed_texts`
for whatever is missing or stale (the demo seeding runs it too). Computing is idempotent: a fresh embedding is left
as it is, and the model is loaded only when something must be computed.

Derived data, like a search index: written without an audit event, never by people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Organisation, StartupProfile
from portal.challenges.models import ChallengePage

from . import selectors
from .engine.embedding import MODEL, embed_challenges, embed_startups
from .models import ChallengeEmbedding

BATCH_SIZE = 32  # texts per call to the model in a backfill


def vector_bytes(vector: np.ndarray) -> bytes:
    """One embedding as stored: 384 float32, little-endian (1,536 bytes)."""
    return np.asarray(vector, dtype="<f4").tobytes()


# --------------------------------------------------------------------------------------------- what to embed


def _live_challenges():
    return (
        ChallengePage.objects.live()
        .select_related("municipality", "text_embedding")
        .prefetch_related("themes")
        .order_by("pk")
    )


def _challenge_is_fresh(page: ChallengePage, text: str) -> bool:
    row = selectors.challenge_embedding_row(page)
    return row is not None and (
        selectors.fresh_vector(row.vector, sha256=row.text_sha256, model=row.model, text=text) is not None
    )


def _startup_is_fresh(org: Organisation, text: str) -> bool:
    profile = org.startup_profile
    return (
        selectors.fresh_vector(
            profile.embedding, sha256=profile.embedding_text_sha256, model=profile.embedding_model, text=text
        )
        is not None
    )


# --------------------------------------------------------------------------------------------- storing


def _store_challenge(page_id: int, text: str, vector: np.ndarray) -> bool:
    """Store the embedding of `text` unless the page's text changed meanwhile (its own task then stores that)."""
    with transaction.atomic():
        page = _live_challenges().select_for_update(of=("self",)).filter(pk=page_id).first()
        if page is None or selectors.challenge_matching_text(page) != text:
            return False
        ChallengeEmbedding.objects.update_or_create(
            challenge=page,
            defaults={
                "vector": vector_bytes(vector),
                "text_sha256": selectors.text_sha256(text),
                "model": MODEL,
            },
        )
    return True


def _store_startup(organisation_id: int, text: str, vector: np.ndarray) -> bool:
    """Store the embedding of `text` unless the profile's text changed meanwhile (its own task then stores that)."""
    with transaction.atomic():
        profile = StartupProfile.objects.select_for_update().filter(organisation_id=organisation_id).first()
        org = selectors.run_startups().filter(pk=organisation_id).first()
        if profile is None or org is None or selectors.startup_matching_text(org) != text:
            return False
        # A plain UPDATE of these columns only: the profile's own fields and `updated_at` are the members' edits.
        StartupProfile.objects.filter(pk=profile.pk).update(
            embedding=vector_bytes(vector),
            embedding_text_sha256=selectors.text_sha256(text),
            embedding_model=MODEL,
            embedding_computed_at=timezone.now(),
        )
    return True


# --------------------------------------------------------------------------------------------- one item (the tasks)


def challenge_embedding_refresh(*, page_id: int) -> bool:
    """Compute and store the embedding of a live challenge's text unless the stored one is fresh; True if computed.

    A page that is not live (unpublished meanwhile) or gone is left alone."""
    page = _live_challenges().filter(pk=page_id).first()
    if page is None:
        return False
    text = selectors.challenge_matching_text(page)
    if _challenge_is_fresh(page, text):
        return False
    return _store_challenge(page.pk, text, embed_challenges([text])[0])


def startup_embedding_refresh(*, organisation_id: int) -> bool:
    """Compute and store the embedding of an active startup's matching text unless the stored one is fresh (or the
    text is empty); True if computed."""
    org = selectors.run_startups().filter(pk=organisation_id).first()
    if org is None:
        return False
    text = selectors.startup_matching_text(org)
    if not text.strip() or _startup_is_fresh(org, text):
        return False
    return _store_startup(org.pk, text, embed_startups([text])[0])


# --------------------------------------------------------------------------------------------- backfill


@dataclass
class Backfill:
    total: int = 0  # items considered (live challenges + active startups with a text)
    to_compute: int = 0  # missing or stale (or all with everything=True)
    computed: int = 0  # stored
    changed_meanwhile: int = 0  # not stored: the text changed while it was computed (its own task stores it)


Progress = Callable[[int, int], None]  # (done, to compute)


def embeddings_backfill(
    *, everything: bool = False, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> Backfill:
    """Compute the missing and stale embeddings of every live challenge and active startup, `batch_size` texts per
    call to the model; with `everything`, recompute the fresh ones too. `progress(done, to_compute)` after each
    batch. The model is loaded only if something is to be computed."""
    result = Backfill()
    challenges, startups = [], []
    for page in _live_challenges():
        text = selectors.challenge_matching_text(page)
        result.total += 1
        if everything or not _challenge_is_fresh(page, text):
            challenges.append((page.pk, text))
    for org in selectors.run_startups():
        text = selectors.startup_matching_text(org)
        if not text.strip():
            continue
        result.total += 1
        if everything or not _startup_is_fresh(org, text):
            startups.append((org.pk, text))
    result.to_compute = len(challenges) + len(startups)
    done = 0
    for items, embed, store in (
        (challenges, embed_challenges, _store_challenge),
        (startups, embed_startups, _store_startup),
    ):
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            vectors = embed([text for _pk, text in batch])
            for (pk, text), vector in zip(batch, vectors, strict=True):
                if store(pk, text, vector):
                    result.computed += 1
                else:
                    result.changed_meanwhile += 1
            done += len(batch)
            if progress:
                progress(done, result.to_compute)
    return result
