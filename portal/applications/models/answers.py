"""A startup's answers to a challenge's own questions (portal.challenges.questions), one row per question.

The question's wording and kind are copied into the row when it is answered, so the review, the exports and the
PDF show what the startup was asked even if the municipality later rewords or removes the question.
A file answer is one of the application's private attachments (checked and stored like any other).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationAnswer(models.Model):
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question_id = models.CharField(_("question"), max_length=64)
    question_label = models.CharField(_("question asked"), max_length=200)
    kind = models.CharField(_("kind of question"), max_length=20)
    value = models.TextField(_("answer"), blank=True)
    attachment = models.OneToOneField(
        "applications.ApplicationAttachment",
        verbose_name=_("file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answer",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "question_id"], name="one_answer_per_question")
        ]

    def __str__(self):
        return f"{self.question_label}: {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.attachment_id:
            return self.attachment.original_name
        return self.value

    @property
    def is_empty(self) -> bool:
        return not self.attachment_id and not self.value.strip()
