"""The challenge-quality panel in the page editor: the same checklist for the writer and for the ministry's moderator
(who reviews in the same editor), with a published challenge that passes every check as an example."""

from __future__ import annotations

from wagtail.admin.panels import Panel

from .quality import quality_checks
from .similar import similar_challenges

EXAMPLE_CANDIDATES = 30  # the latest published challenges looked at for an example


def good_example_challenge(model, *, exclude_pk=None):
    """The latest published challenge (another one) that passes every check, or None."""
    candidates = model.objects.live().public().exclude(pk=exclude_pk).order_by("-first_published_at")
    for page in candidates[:EXAMPLE_CANDIDATES]:
        if all(c.passed for c in quality_checks(page)):
            return page
    return None


class ChallengeQualityPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "challenges/admin/quality_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            checks = quality_checks(self.instance)
            context.update(
                checks=checks,
                failing_count=sum(1 for c in checks if not c.passed),
                example=good_example_challenge(type(self.instance), exclude_pk=self.instance.pk),
                similar=similar_challenges(self.instance) if self.instance.municipality_id else [],
            )
            return context
