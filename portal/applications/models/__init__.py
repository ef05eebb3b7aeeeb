"""Applications to challenges, their private attachments, the municipal review rubric, and the startup profile's extras.

The StartupProfile itself lives in accounts; what a startup adds for the programme (track record, team, private
contacts) is kept here as related rows, so accounts stays small and imports keep flowing one way.
State changes are written only by the services in `services/` — never by saving `state` directly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, StartupProfile
from portal.challenges.models import ChallengePage
from portal.core.i18n import in_reader_language
from portal.core.models import Theme
from portal.core.storage import PRIVATE_STORAGE
from portal.geo.models import LocalGovernment

# --------------------------------------------------------------------------------------------- startup profile extras


class TrackRecordEntry(models.Model):
    """Something a startup did with a municipality before: a trial, a contract, a deployment. Public."""

    class Outcome(models.TextChoices):
        POC = "poc", _("proof of concept")
        CONTRACT = "contract", _("contract")
        DEPLOYMENT = "deployment", _("deployment")

    profile = models.ForeignKey(
        StartupProfile,
        verbose_name=_("startup profile"),
        on_delete=models.CASCADE,
        related_name="track_record",
    )
    local_government = models.ForeignKey(
        LocalGovernment, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    summary = models.CharField(_("what was done"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("track record entry")
        verbose_name_plural = _("track record")
        ordering = ["-year", "pk"]

    def __str__(self):
        return f"{self.year} {self.local_government} {self.get_outcome_display()}"


class TeamMember(models.Model):
    """A person in the startup's team. Private: shown to the startup, and with an application to its reviewers."""

    profile = models.ForeignKey(
        StartupProfile, verbose_name=_("startup profile"), on_delete=models.CASCADE, related_name="team"
    )
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120, blank=True)
    bio = models.TextField(_("short biography"), blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class StartupContact(models.Model):
    """How the programme and municipalities reach the startup. Private: never on the public profile."""

    profile = models.OneToOneField(
        StartupProfile, verbose_name=_("startup profile"), on_delete=models.CASCADE, related_name="contact"
    )
    person = models.CharField(_("contact person"), max_length=120, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("startup contact")
        verbose_name_plural = _("startup contacts")

    def __str__(self):
        return self.person or self.email


# --------------------------------------------------------------------------------------------- applications


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    MORE_INFO = "more_info", _("more information requested")
    SHORTLISTED = "shortlisted", _("shortlisted")
    MATCHED = "matched", _("matched")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The startup may change its application only in these states.
EDITABLE_STATES = {ApplicationState.DRAFT, ApplicationState.MORE_INFO}
# What the municipality has received (a draft is still the startup's own).
SENT_STATES = set(ApplicationState.values) - {ApplicationState.DRAFT}
DECIDED_STATES = {ApplicationState.MATCHED, ApplicationState.DECLINED, ApplicationState.WITHDRAWN}


# A startup ranks up to three of its applications in a round: 第1希望, 第2希望, 第3希望.
MAX_PREFERENCE = 3
PREFERENCE_CHOICES = [
    (1, _("1st choice")),
    (2, _("2nd choice")),
    (3, _("3rd choice")),
]

# A draft may leave these empty; submitting needs them (the form marks them "required to submit").
SUBMISSION_REQUIRED_FIELDS = ("approach", "expected_outcome", "timeline", "cost_estimate_yen")


class Application(models.Model):
    """A startup's proposal for one challenge. At most one per startup and challenge."""

    challenge = models.ForeignKey(
        ChallengePage, verbose_name=_("challenge"), on_delete=models.PROTECT, related_name="applications"
    )
    startup = models.ForeignKey(
        Organisation,
        verbose_name=_("startup"),
        on_delete=models.PROTECT,
        related_name="applications",
        limit_choices_to={"kind": Organisation.Kind.STARTUP},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    approach = models.TextField(_("approach"), blank=True, help_text=_("How you would solve the problem."))
    expected_outcome = models.TextField(_("expected outcome"), blank=True)
    timeline = models.TextField(_("timeline"), blank=True)
    cost_estimate_yen = models.PositiveBigIntegerField(_("cost estimate (yen)"), null=True, blank=True)
    needs_from_municipality = models.TextField(
        _("what you need from the municipality"), blank=True, help_text=_("Data, a trial site, staff time, …")
    )
    team = models.ManyToManyField(
        TeamMember, verbose_name=_("team on this proposal"), blank=True, related_name="applications"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The startup's own ranking of its applications within a round (第1希望 … 第3希望), and the round it ranks in:
    # the challenge's round's fiscal year, or the fiscal year of its deadline when it has no round. Set only by
    # services.application_set_preference; a rank is held by at most one application per startup and round.
    preference = models.PositiveSmallIntegerField(
        _("preference"), null=True, blank=True, choices=PREFERENCE_CHOICES
    )
    preference_year = models.PositiveSmallIntegerField(
        _("preference round (fiscal year)"), null=True, blank=True
    )
    # The municipality's words the startup sees: why it was shortlisted/declined, what more it needs.
    decision_reason = models.TextField(_("reason given"), blank=True)
    info_request = models.TextField(_("information requested"), blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "startup"],
                name="one_application_per_startup_and_challenge",
                violation_error_message=_("Your organisation has already applied to this challenge."),
            ),
            models.CheckConstraint(
                name="application_sent_has_submitted_at",
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="application_preference_1_to_3",
                condition=Q(preference__isnull=True) | Q(preference__gte=1, preference__lte=MAX_PREFERENCE),
            ),
            models.UniqueConstraint(
                fields=["startup", "preference_year", "preference"],
                condition=Q(preference__isnull=False),
                name="one_application_per_preference_rank",
                violation_error_message=_("Another of your applications already has this rank."),
            ),
        ]

    def __str__(self):
        return f"{self.startup} → {self.challenge.title}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def answers_text(self) -> str:
        """The answers to the challenge's own questions, a line each 「question: answer」, for the exports
        (prefetch `answers__attachment` for lists)."""
        return "\n".join(
            f"{a.question_label}: {a.display_value}" for a in self.answers.all() if not a.is_empty
        )

    @property
    def missing_for_submission(self) -> list:
        """Labels of the proposal fields that must be filled in before submitting."""
        missing = []
        for name in SUBMISSION_REQUIRED_FIELDS:
            value = getattr(self, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                missing.append(self._meta.get_field(name).verbose_name)
        return missing


def private_storage():
    """settings.STORAGES["private"] (outside MEDIA_ROOT), looked up when used so test settings can move it."""
    return PRIVATE_STORAGE


def attachment_path(instance, filename):
    # The stored name never comes from the user: the application, a random part, the extension of the checked type.
    return f"applications/{instance.application_id}/{filename}"


class ApplicationAttachment(models.Model):
    """A file sent with an application. Kept in private storage; served only through a permission-checked view."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


# --------------------------------------------------------------------------------------------- review rubric


class RubricCriterion(models.Model):
    """A criterion reviewers score 1–5. The active ones with their weights are the programme's default rubric."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    description = models.TextField(_("description (English)"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    default_weight = models.PositiveSmallIntegerField(
        _("default weight"), default=20, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_active = models.BooleanField(_("in the default rubric"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["sort_order", "key"]

    def __str__(self):
        return in_reader_language(self.name_ja, self.name_en)

    @property
    def localized_description(self) -> str:
        """What reviewers read under the score: Japanese unless the admin is in English (or no Japanese yet).
        (Here `description` is the English text and `description_ja` the Japanese.)"""
        return in_reader_language(self.description_ja or self.description, self.description)


class ChallengeRubricWeight(models.Model):
    """The ministry's override of one criterion's weight for one challenge (0 leaves it out of that rubric)."""

    challenge = models.ForeignKey(
        ChallengePage, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="rubric_weights"
    )
    criterion = models.ForeignKey(
        RubricCriterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="challenge_weights",
    )
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("rubric weight for a challenge")
        verbose_name_plural = _("rubric weights for challenges")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "criterion"], name="one_weight_per_challenge_criterion"
            )
        ]

    def __str__(self):
        return f"{self.challenge} / {self.criterion}: {self.weight}"


class Review(models.Model):
    """One reviewer's scoring of one application, with a comment for the other reviewers (not the startup)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    weighted_total = models.DecimalField(_("weighted score"), max_digits=4, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self):
        return f"{self.reviewer} · {self.application}"


class ReviewScore(models.Model):
    """A score 1–5 on one criterion, with the weight the rubric had when it was given."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        RubricCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    weight = models.PositiveSmallIntegerField(_("weight"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(name="score_between_1_and_5", condition=Q(score__gte=1, score__lte=5)),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


def weighted_total(pairs: list[tuple[int, int]]) -> Decimal:
    """The weighted mean of (score, weight) pairs on the 1–5 scale, rounded to two decimals (0 if no weight)."""
    total_weight = sum(w for _s, w in pairs)
    if not total_weight:
        return Decimal("0")
    value = Decimal(sum(s * w for s, w in pairs)) / Decimal(total_weight)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Conflicts of interest live in their own module; importing them here registers the model with the app.
from .answers import ApplicationAnswer  # noqa: E402, F401
from .conflicts import ConflictOfInterest  # noqa: E402, F401
