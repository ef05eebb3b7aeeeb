"""Case studies at /case-studies/: drafted from an engagement, published once both parties have approved.

Publishing is the service's job (`case_study_approve` publishes when the second side approves); the admin's own
publish button stays off until both approvals are in (see `CaseStudyPermissionTester`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.models.pages import PagePermissionTester
from wagtail.search import index

from portal.core.media_choice import PageForm
from portal.core.routing import CachedViewRestrictionsMixin

from .consent import ConsentPurpose, consent_missing
from .engagements import Engagement


class CaseStudyIndexPage(CachedViewRestrictionsMixin, Page):
    base_form_class = PageForm  # only images and documents the editor may choose (core/media_choice.py)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    intro = RichTextField(_("introduction"), blank=True)
    intro_en = RichTextField(_("introduction (English)"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
    ]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["tracker.CaseStudyPage"]
    max_count = 1
    template = "tracker/case_study_index_page.html"

    class Meta:
        verbose_name = _("case studies")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["case_studies"] = (
            CaseStudyPage.objects.live()
            .child_of(self)
            .select_related("engagement__municipality", "engagement__startup")
            .order_by("-first_published_at")
        )
        return context


class CaseStudyPermissionTester(PagePermissionTester):
    def can_publish(self):
        page = self.page.specific_deferred
        return super().can_publish() and page.both_approved and page.consents_given

    def can_publish_subpage(self):
        return False


class CaseStudyPage(CachedViewRestrictionsMixin, Page):
    base_form_class = PageForm  # only images and documents the editor may choose (core/media_choice.py)
    engagement = models.OneToOneField(
        Engagement,
        verbose_name=_("engagement"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="case_study",
    )
    # English pages show these when filled in; otherwise the Japanese text, marked "available in Japanese only".
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences, shown in lists."))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    problem = models.TextField(_("the problem"))
    solution = models.TextField(_("the solution"))
    results = models.TextField(_("results"))
    costs = models.TextField(_("costs"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    municipality_approved_at = models.DateTimeField(
        _("approved by the municipality"), null=True, blank=True, editable=False
    )
    municipality_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    startup_approved_at = models.DateTimeField(
        _("approved by the startup"), null=True, blank=True, editable=False
    )
    startup_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        MultiFieldPanel(
            [
                FieldPanel("problem"),
                FieldPanel("solution"),
                FieldPanel("results"),
                FieldPanel("costs"),
                FieldPanel("contacts"),
            ],
            heading=_("Case study"),
        ),
    ]
    parent_page_types = ["tracker.CaseStudyIndexPage"]
    subpage_types: list[str] = []
    template = "tracker/case_study_page.html"

    search_fields = Page.search_fields + [
        index.SearchField("title", boost=3),
        index.SearchField("title_en", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.SearchField("summary_en"),
        index.SearchField("problem"),
        index.SearchField("solution"),
        index.SearchField("results"),
        index.SearchField("costs"),
    ]

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    @property
    def both_approved(self) -> bool:
        return self.municipality_approved_at is not None and self.startup_approved_at is not None

    @property
    def consents_given(self) -> bool:
        """Both parties have consented to publishing (ConsentPurpose.PUBLISH_CASE_STUDY); without them it stays a draft."""
        if self.engagement_id is None:
            return False
        return not consent_missing(self.engagement_id, ConsentPurpose.PUBLISH_CASE_STUDY)

    def towns(self) -> list:
        """The municipalities that use the solution: the engagement's own, then each that adopted it (joined)."""
        if self.engagement_id is None:
            return []
        origin = self.engagement
        joined = (
            Engagement.objects.filter(origin_id=origin.pk)
            .exclude(stage="ended")
            .select_related("municipality")
            .order_by("opened_at", "pk")
        )
        towns = [origin.municipality]
        for e in joined:
            if e.municipality not in towns:
                towns.append(e.municipality)
        return towns

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["towns"] = self.towns()
        return context

    def with_content_json(self, content):
        # Approvals belong to the page, not to a revision: publishing a revision must keep them.
        obj = super().with_content_json(content)
        obj.municipality_approved_at = self.municipality_approved_at
        obj.municipality_approved_by_id = self.municipality_approved_by_id
        obj.startup_approved_at = self.startup_approved_at
        obj.startup_approved_by_id = self.startup_approved_by_id
        return obj

    def permissions_for_user(self, user):
        return CaseStudyPermissionTester(user, self)
