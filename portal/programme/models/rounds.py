"""Programme rounds: one RoundPage per fiscal year under the RoundIndexPage at /rounds/, with its dated schedule."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from portal.accounts.models import Organisation
from portal.core.calendar import fiscal_year_label
from portal.core.fiscal import fiscal_year_bounds
from portal.core.i18n import in_reader_language, localized_value

from .. import results, schedule
from .base import BilingualPage


class RoundIndexPage(BilingualPage):
    """/rounds/: every round, newest first."""

    parent_page_types = ["core.HomePage"]
    subpage_types = ["programme.RoundPage"]
    max_count = 1
    template = "programme/round_index_page.html"
    content_panels = (
        BilingualPage.content_panels
        + BilingualPage.title_panels
        + [
            FieldPanel("intro"),
            FieldPanel("intro_en"),
        ]
    )

    class Meta:
        verbose_name = _("round index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["rounds"] = (
            RoundPage.objects.live()
            .public()
            .child_of(self)
            .order_by("-fiscal_year")
            .prefetch_related("steps")
        )
        return context


class RoundPage(BilingualPage):
    """One fiscal year's call: schedule, participating municipalities, its challenges and results."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        unique=True,
        validators=[MinValueValidator(2017), MaxValueValidator(2100)],
        help_text=_("The year the fiscal year starts in: 2017 for April 2017 – March 2018."),
    )
    body = RichTextField(_("description"), blank=True)
    body_en = RichTextField(_("description (English)"), blank=True)
    municipalities = ParentalManyToManyField(
        Organisation,
        verbose_name=_("participating municipalities"),
        related_name="programme_rounds",
        blank=True,
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    # Recorded totals of a round whose items were never entered one by one (FY2017: 17 companies, 7 matches, from
    # the working group's minutes). A recorded total replaces what the portal counts for that figure, everywhere
    # (the round's page, /results/, the home page: programme.selectors.results_by_year); leave empty what the
    # portal tracks. The source is shown with the figures.
    reported_challenges = models.PositiveIntegerField(
        _("challenges posted (recorded)"), null=True, blank=True
    )
    reported_applicants = models.PositiveIntegerField(
        _("companies that raised their hands (recorded)"), null=True, blank=True
    )
    reported_matches = models.PositiveIntegerField(_("matches made (recorded)"), null=True, blank=True)
    reported_trials = models.PositiveIntegerField(_("trials run (recorded)"), null=True, blank=True)
    reported_source = models.CharField(
        _("source of the recorded totals"),
        max_length=255,
        blank=True,
        help_text=_("Where the recorded totals come from, e.g. the minutes of a meeting."),
    )
    reported_source_en = models.CharField(
        _("source of the recorded totals (English)"), max_length=255, blank=True
    )
    reported_source_url = models.URLField(_("link to the source"), blank=True)

    parent_page_types = ["programme.RoundIndexPage"]
    subpage_types: list[str] = []
    template = "programme/round_page.html"
    content_panels = (
        BilingualPage.content_panels
        + BilingualPage.title_panels
        + [
            FieldPanel("fiscal_year"),
            FieldPanel("intro"),
            FieldPanel("intro_en"),
            FieldPanel("body"),
            FieldPanel("body_en"),
            FieldPanel("municipalities", widget=forms.CheckboxSelectMultiple),
            InlinePanel("steps", label=_("schedule"), min_num=1),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("reported_challenges"),
                            FieldPanel("reported_applicants"),
                            FieldPanel("reported_matches"),
                            FieldPanel("reported_trials"),
                        ]
                    ),
                    FieldPanel("reported_source"),
                    FieldPanel("reported_source_en"),
                    FieldPanel("reported_source_url"),
                ],
                heading=_("Recorded totals (a round whose items were not entered one by one)"),
            ),
        ]
    )
    search_fields = BilingualPage.search_fields + [
        index.SearchField("title_en"),
        index.SearchField("intro"),
        index.SearchField("intro_en"),
        index.FilterField("fiscal_year"),
    ]

    class Meta:
        verbose_name = _("programme round")
        verbose_name_plural = _("programme rounds")

    @property
    def fiscal_year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def localized_body(self):
        return localized_value(self, "body")

    def ordered_steps(self) -> list[RoundStep]:
        return sorted(self.steps.all(), key=lambda s: (s.starts, s.sort_order or 0))

    def schedule_at(self, now: dt.datetime) -> list[tuple[RoundStep, str]]:
        return schedule.step_states(self.ordered_steps(), now)

    def current_step_at(self, now: dt.datetime) -> RoundStep | None:
        return schedule.current_step(self.ordered_steps(), now)

    def span(self) -> tuple[dt.date, dt.date]:
        """First and last day of the schedule (the fiscal year when there are no steps yet)."""
        steps = self.ordered_steps()
        if not steps:
            return fiscal_year_bounds(self.fiscal_year)
        return steps[0].starts, max(schedule.last_day(s) for s in steps)

    def reported_figures(self) -> dict[str, int]:
        """The recorded totals that are filled in, by results key."""
        pairs = {
            "challenges": self.reported_challenges,
            "applicants": self.reported_applicants,
            "matches": self.reported_matches,
            "trials": self.reported_trials,
        }
        return {k: v for k, v in pairs.items() if v is not None}

    @property
    def localized_reported_source(self) -> str:
        return localized_value(self, "reported_source")

    def result_figures(self) -> dict[str, int]:
        """The round's figures as /results/ and the home page count them (results.year_row): recorded totals
        where the round has them, the portal's counts otherwise; figures nobody knows are left out."""
        row = results.year_row(self.fiscal_year, self)
        return {k: v for k, v in row.figures.items() if v is not None and k in results.FIGURE_LABELS}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["schedule"] = self.schedule_at(now)
        context["current_step"] = self.current_step_at(now)
        context["round_municipalities"] = self.municipalities.select_related("prefecture").order_by(
            "local_government__code"
        )
        context["figures"] = results.as_figures(self.result_figures())
        related = getattr(self, "challenges", None)  # the reverse of ChallengePage.round
        context["round_challenges"] = (
            related.live().public().select_related("municipality").order_by("application_closes")
            if related is not None
            else []
        )
        return context


class RoundStep(Orderable):
    """A dated step of a round's schedule; the days are inclusive and counted in JST."""

    class Kind(models.TextChoices):
        CALL_FOR_CHALLENGES = "call_for_challenges", _("call for challenges (municipalities)")
        APPLICATIONS = "applications", _("application window (startups)")
        REVIEW = "review", _("review")
        ANNOUNCEMENT = "announcement", _("matching announcement")
        TRIPS = "trips", _("visits to municipalities")
        DEMO_DAY = "demo_day", _("demo day")

    page = ParentalKey(RoundPage, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    label = models.CharField(
        _("label"), max_length=120, blank=True, help_text=_("Leave empty to use the kind's name.")
    )
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"), null=True, blank=True, help_text=_("Leave empty for a one-day event."))

    panels = [
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("label"), FieldPanel("label_en")]),
        FieldRowPanel([FieldPanel("starts"), FieldPanel("ends")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("schedule step")
        verbose_name_plural = _("schedule steps")
        constraints = [
            models.CheckConstraint(
                name="roundstep_ends_on_or_after_start",
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
            )
        ]

    def __str__(self):
        return self.display_label

    @property
    def display_label(self) -> str:
        return in_reader_language(self.label, self.label_en) or str(self.Kind(self.kind).label)

    def clean(self):
        super().clean()
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError({"ends": _("A step must end on or after its start.")})
