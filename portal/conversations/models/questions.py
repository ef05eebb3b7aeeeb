"""A startup's question about a challenge and the municipality's answer, published for everyone once answered."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.challenges.models import ChallengePage

QUESTION_MAX_CHARS = 2000


class QuestionState(models.TextChoices):
    OPEN = "open", _("waiting for an answer")
    ANSWERED = "answered", _("answered")
    HIDDEN = "hidden", _("hidden")
    MERGED = "merged", _("merged")


class Question(models.Model):
    """One question. The asker is recorded for staff and never shown on the public page."""

    challenge = models.ForeignKey(
        ChallengePage, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("startup"), on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("question"), validators=[MaxLengthValidator(QUESTION_MAX_CHARS)])
    state = models.CharField(
        _("state"), max_length=10, choices=QuestionState.choices, default=QuestionState.OPEN, db_index=True
    )
    answer = models.TextField(
        _("answer"), blank=True, validators=[MaxLengthValidator(QUESTION_MAX_CHARS * 2)]
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="question_answered_has_answer",
                condition=~Q(state="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="question_merged_has_target",
                condition=~Q(state="merged") | Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def is_published(self) -> bool:
        return self.state == QuestionState.ANSWERED


class ChallengeFollow(models.Model):
    """A user who wants to hear of new answers on a challenge (asking a question follows it too)."""

    challenge = models.ForeignKey(
        ChallengePage, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="followers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("challenge follower")
        verbose_name_plural = _("challenge followers")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="one_follow_per_challenge_user")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.challenge_id}"
