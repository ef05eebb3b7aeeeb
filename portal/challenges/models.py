"""Challenges: the problems municipalities post, as Wagtail pages under one index at /challenges/.

A challenge's status (upcoming, open, closed, matched, no match) is never typed: it follows from the application
window and from `outcome`, which only the service `challenge_record_outcome` writes (called later by matching/tracker).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.accounts.models import Organisation
from portal.core.media_choice import PageForm
from portal.core.models import Theme
from portal.core.routing import CachedViewRestrictionsMixin
from portal.geo.models import Prefecture
from portal.programme.fields import RoundForeignKey

from . import catalogue
from .briefings.models import BriefingRegistration, BriefingSession  # noqa: F401 — the app's models
from .forms import ChallengePageForm
from .panels import ChallengeQualityPanel
from .permissions import ChallengePagePermissionTester, can_apply
from .quality import quality_checks
from .questions import ApplicationQuestionsBlock
from .status import ChallengeOutcome, ChallengeStatus, derive_status

SUMMARY_MAX_CHARS = 200


def apply_url(challenge) -> str:
    """Where a startup applies: the applications app's named URL once it exists, else its agreed path."""
    try:
        return reverse("applications:apply", args=[challenge.pk])
    except NoReverseMatch:
        return f"/applications/new/{challenge.pk}/"


class ChallengeIndexPage(CachedViewRestrictionsMixin, Page):
    """The catalogue at /challenges/: filters, sort, pagination (served by `views.catalogue_response`)."""

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
    subpage_types = ["challenges.ChallengePage"]
    max_count = 1
    template = "challenges/challenge_index_page.html"

    class Meta:
        verbose_name = _("challenge catalogue")

    def serve(self, request, *args, **kwargs):
        # Anonymous visitors' pages are kept whole (see middleware.py); the CSRF token is punched in per request.
        cacheable = (
            catalogue.page_cache_key(request) is not None and not self.get_view_restrictions().exists()
        )
        request._challenges_page_cache = cacheable
        response = super().serve(request, *args, **kwargs)
        if cacheable and response.status_code == 200 and getattr(request, "_challenges_filter_valid", False):
            response.render()
            html = response.content.decode()
            catalogue.store_page(request, html)
            catalogue.store_shell(
                request,
                html,
                getattr(request, "_challenges_fragment", ""),
                page=self.pk,
                revision=self.live_revision_id,
            )
            response.content = html.replace(catalogue.PAGE_CSRF_SENTINEL, get_token(request))
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "_challenges_page_cache", False):
            context["csrf_token"] = catalogue.PAGE_CSRF_SENTINEL
        context["catalogue_html"] = request._challenges_fragment = self.catalogue_html(request)
        return context

    def catalogue_html(self, request) -> str:
        """The catalogue (filters, facets, results, pagination) for this request (catalogue.render)."""
        return catalogue.render(
            request, ChallengePage.objects.live().child_of(self), page=self, base_key=f"index:{self.pk}"
        )


class ChallengePage(CachedViewRestrictionsMixin, Page):
    """One municipality's problem, described as a problem (not a specification), with what it offers and its window."""

    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="challenges",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    summary = models.CharField(
        _("summary"),
        max_length=SUMMARY_MAX_CHARS,
        validators=[MaxLengthValidator(SUMMARY_MAX_CHARS)],
        help_text=_("At most 200 characters, shown in the catalogue."),
    )
    # English pages show these when filled in; otherwise the Japanese text, marked "available in Japanese only".
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    summary_en = models.CharField(
        _("summary (English)"), max_length=400, blank=True, help_text=_("Shown on the English pages.")
    )
    background = models.TextField(
        _("background"), help_text=_("The problem as you live it, not a specification.")
    )
    desired_outcome = models.TextField(_("desired outcome"))
    # What the municipality brings to a trial: ticks for the catalogue, details in words.
    offers_data = models.BooleanField(_("offers data"), default=False)
    offers_trial_site = models.BooleanField(_("offers a trial site"), default=False)
    offers_staff_time = models.BooleanField(_("offers staff time"), default=False)
    offers_budget = models.BooleanField(_("offers budget"), default=False)
    offers_details = models.TextField(_("what we offer, in detail"), blank=True)
    themes = ParentalManyToManyField(Theme, verbose_name=_("themes"), related_name="challenges", blank=True)
    budget_min_yen = models.PositiveBigIntegerField(_("budget from (yen)"), null=True, blank=True)
    budget_max_yen = models.PositiveBigIntegerField(_("budget up to (yen)"), null=True, blank=True)
    poc_start = models.DateField(_("trial (PoC) starts"), null=True, blank=True)
    poc_end = models.DateField(_("trial (PoC) ends"), null=True, blank=True)
    application_opens = models.DateTimeField(_("applications open"), db_index=True)
    application_closes = models.DateTimeField(_("applications close"), db_index=True)
    # Questions (質問受付) are taken from publication until then; empty = QUESTIONS_CLOSE_DAYS_BEFORE_DEADLINE days
    # before applications close (portal.conversations.permissions.questions_close_at).
    questions_until = models.DateTimeField(
        _("questions accepted until"),
        null=True,
        blank=True,
        help_text=_("Empty: until a week before applications close."),
    )
    max_partners = models.PositiveSmallIntegerField(
        _("partners wanted"), default=1, validators=[MinValueValidator(1)]
    )
    procurement = models.TextField(
        _("procurement after a successful trial"),
        blank=True,
        help_text=_("How the municipality would buy the solution if the trial works."),
    )
    contact = models.TextField(_("contact"), blank=True)
    # Set only through services.challenge_record_outcome (matching/tracker call it); blank = not decided yet.
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ChallengeOutcome.choices, blank=True, default="", editable=False
    )
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True, editable=False)
    # The programme round (fiscal year) the challenge is part of; required only when PROGRAMME_REQUIRE_ROUND is on.
    round = RoundForeignKey(verbose_name=_("programme round"), related_name="challenges")
    # The challenge's own questions on the application form (questions.py) and who may apply (eligibility: the
    # applications app checks a startup against these and refuses a submission that does not meet them).
    application_questions = StreamField(
        ApplicationQuestionsBlock(),
        verbose_name=_("questions for applicants"),
        blank=True,
        default=list,
    )
    eligibility_incorporated = models.BooleanField(
        _("only incorporated companies (with a corporate number)"), default=False
    )
    eligibility_poc_record = models.BooleanField(
        _("only startups that have done a trial (PoC) with a municipality"), default=False
    )
    eligibility_prefectures = ParentalManyToManyField(
        Prefecture,
        verbose_name=_("only startups based in these prefectures"),
        related_name="+",
        blank=True,
        help_text=_("None chosen: startups from anywhere may apply."),
    )

    content_panels = (
        [ChallengeQualityPanel(heading=_("Challenge quality check"))]
        + Page.content_panels
        + [
            FieldPanel("municipality"),
            FieldPanel("round"),
            FieldPanel("title_en"),
            FieldPanel("summary"),
            FieldPanel("summary_en"),
            FieldPanel("background"),
            FieldPanel("desired_outcome"),
            FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("offers_data"), FieldPanel("offers_trial_site")]),
                    FieldRowPanel([FieldPanel("offers_staff_time"), FieldPanel("offers_budget")]),
                    FieldPanel("offers_details"),
                ],
                heading=_("What we offer"),
            ),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("budget_min_yen"), FieldPanel("budget_max_yen")])],
                heading=_("Budget"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("application_opens"), FieldPanel("application_closes")]),
                    FieldPanel("questions_until"),
                    FieldRowPanel([FieldPanel("poc_start"), FieldPanel("poc_end")]),
                    FieldPanel("max_partners"),
                ],
                heading=_("Dates"),
            ),
            FieldPanel("procurement"),
            FieldPanel("contact"),
            InlinePanel("attachments", label=_("attachments")),
            MultiFieldPanel(
                [
                    FieldPanel("eligibility_incorporated"),
                    FieldPanel("eligibility_poc_record"),
                    FieldPanel("eligibility_prefectures", widget=forms.SelectMultiple(attrs={"size": 8})),
                ],
                heading=_("Who may apply"),
            ),
            FieldPanel("application_questions"),
        ]
    )
    parent_page_types = ["challenges.ChallengeIndexPage"]
    subpage_types: list[str] = []
    base_form_class = ChallengePageForm
    template = "challenges/challenge_page.html"

    search_fields = Page.search_fields + [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary", boost=2),
        index.SearchField("title_en", boost=2),
        index.SearchField("summary_en"),
        index.SearchField("background"),
        index.SearchField("desired_outcome"),
        index.FilterField("municipality"),
        index.FilterField("themes"),
        index.FilterField("application_opens"),
        index.FilterField("application_closes"),
        index.FilterField("outcome"),
        index.FilterField("budget_min_yen"),
        index.FilterField("budget_max_yen"),
        index.RelatedFields("municipality", [index.SearchField("name"), index.FilterField("prefecture")]),
    ]

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        permissions = [("import_challenges", "Can import challenges from a spreadsheet")]
        constraints = [
            models.CheckConstraint(
                name="challenge_budget_min_le_max",
                condition=Q(budget_min_yen__isnull=True)
                | Q(budget_max_yen__isnull=True)
                | Q(budget_min_yen__lte=models.F("budget_max_yen")),
            ),
            models.CheckConstraint(
                name="challenge_window_opens_before_closes",
                condition=Q(application_opens__lt=models.F("application_closes")),
            ),
            models.CheckConstraint(
                name="challenge_poc_start_le_end",
                condition=Q(poc_start__isnull=True)
                | Q(poc_end__isnull=True)
                | Q(poc_start__lte=models.F("poc_end")),
            ),
        ]

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.budget_min_yen is not None and self.budget_max_yen is not None:
            if self.budget_min_yen > self.budget_max_yen:
                errors.setdefault("budget_max_yen", []).append(
                    _("The upper budget must not be below the lower budget.")
                )
        if (
            self.application_opens
            and self.application_closes
            and self.application_closes <= self.application_opens
        ):
            errors.setdefault("application_closes", []).append(_("Applications must close after they open."))
        if self.poc_start and self.poc_end and self.poc_end < self.poc_start:
            errors.setdefault("poc_end", []).append(_("The trial must end on or after its start."))
        if self.municipality_id and self.municipality.kind != Organisation.Kind.MUNICIPALITY:
            errors.setdefault("municipality", []).append(_("Choose a municipality."))
        if errors:
            raise ValidationError(errors)

    # Status is derived, never stored.
    def status_at(self, now: dt.datetime) -> str:
        return derive_status(
            opens=self.application_opens, closes=self.application_closes, outcome=self.outcome, now=now
        )

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return ChallengeStatus(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == ChallengeStatus.OPEN

    @property
    def offers(self) -> list[str]:
        """Labels of what is offered, for display and export."""
        pairs = [
            (self.offers_data, "data"),
            (self.offers_trial_site, "trial_site"),
            (self.offers_staff_time, "staff_time"),
            (self.offers_budget, "budget"),
        ]
        return [key for flag, key in pairs if flag]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        allowed, reason = can_apply(request.user, self)
        context.update(apply_allowed=allowed, apply_reason=reason, apply_url=apply_url(self))
        if getattr(request, "is_preview", False):
            # The moderator's preview shows the same checklist as the editor.
            checks = quality_checks(self)
            context.update(checks=checks, failing_count=sum(1 for c in checks if not c.passed))
        return context

    def with_content_json(self, content):
        # The outcome belongs to the challenge, not to a revision: publishing an older draft must not erase it.
        obj = super().with_content_json(content)
        obj.outcome = self.outcome
        obj.outcome_at = self.outcome_at
        return obj

    def permissions_for_user(self, user):
        # Municipality staff may only touch their own organisation's challenges (see permissions.py).
        return ChallengePagePermissionTester(user, self)


class ChallengeAttachment(Orderable):
    """A document attached to a challenge (maps, data descriptions, the call in PDF)."""

    page = ParentalKey(ChallengePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


def catalogue_changed(pks: list[int]) -> None:
    """Challenges were published, unpublished, deleted or given an outcome: patch each catalogue's facet index and
    renew the tokens of the cached pages that can show them — now (the writing transaction sees its own rows),
    and again when the transaction commits (what other processes will read)."""

    def apply():
        for index_page in ChallengeIndexPage.objects.all():
            catalogue.record_change(
                ChallengePage.objects.live().child_of(index_page), base_key=f"index:{index_page.pk}", pks=pks
            )

    if transaction.get_connection().in_atomic_block:
        apply()
    transaction.on_commit(apply)  # at once when there is no transaction
