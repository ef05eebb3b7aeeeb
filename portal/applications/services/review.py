"""Reviewers' scores on the rubric, and marking in-app notifications read."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.core.audit import record
from portal.core.decisions import require
from portal.core.notifications import mark_read

from .. import permissions as rules
from ..models import Application, Review, ReviewScore, weighted_total
from ..selectors import rubric_for
from .applications import ApplicationRefused


def review_save(
    *, application: Application, reviewer: User, scores: dict[int, int], comment: str = ""
) -> Review:
    """Create or replace the reviewer's scores (criterion id → 1..5) on the challenge's rubric, and the comment.

    Every criterion of the rubric must be scored; the weights in force are stored with each score, so a later
    change of the rubric does not rewrite past reviews.
    """
    require(rules.can_score(reviewer, application), refusal=ApplicationRefused)
    rubric = rubric_for(application.challenge)
    errors = {}
    for item in rubric:
        value = scores.get(item.criterion.pk)
        if value is None:
            errors[f"score_{item.criterion.pk}"] = _("Please give a score from 1 to 5.")
        elif not 1 <= int(value) <= 5:
            errors[f"score_{item.criterion.pk}"] = _("Scores go from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    pairs = [(int(scores[item.criterion.pk]), item.weight) for item in rubric]
    with transaction.atomic():
        review, created = Review.objects.select_for_update().get_or_create(
            application=application, reviewer=reviewer, defaults={"comment": comment}
        )
        review.comment = comment
        review.weighted_total = weighted_total(pairs)
        review.full_clean()
        review.save()
        review.scores.all().delete()
        ReviewScore.objects.bulk_create(
            ReviewScore(review=review, criterion=item.criterion, score=score, weight=item.weight)
            for item, (score, _w) in zip(rubric, pairs, strict=True)
        )
        record(
            actor=reviewer,
            action="application.review",
            obj=application,
            review=review.pk,
            created=created,
            scores={item.criterion.key: s for item, (s, _w) in zip(rubric, pairs, strict=True)},
            weighted_total=str(review.weighted_total),
        )
    return review


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when ids is None); returns how many changed."""
    return mark_read(user=user, ids=ids)
