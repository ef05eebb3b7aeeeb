"""Matching runs over the live data and the proposals they produce, reviewed by ministry staff.

A MatchRun records how it was made (weights, parameters, who, when, a fingerprint of the exact engine input, the
durations of each phase) and how far it got (queued → running → done | failed, with progress). Each MatchProposal
is one ranked (challenge, startup) pair of a run with its factor breakdown and reason, as the engine wrote them.
Review state changes only through `matching.services` (proposal_accept / proposal_reject).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.applications.models import Application
from portal.challenges.models import ChallengePage
from portal.core.i18n import in_reader_language

from .engine import DEFAULT_WEIGHTS, FACTORS
from .presentation import ExplanationView, explanation_view

# The engine's factor names with labels people read (the bars on the review screens).
FACTOR_LABELS = {
    "text": _("text relevance"),
    "themes": _("theme overlap"),
    "travel": _("travel cost"),
    "track_record": _("track record"),
    "stage": _("stage fit"),
    "preference": _("both sides' preferences"),
}

DEFAULT_TOP_K = 5
DEFAULT_CAPACITY = 2


def default_weights() -> dict[str, float]:
    return dict(DEFAULT_WEIGHTS)


class MatchRun(models.Model):
    """One run of the engine over the live data."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    weights = models.JSONField(_("weights"), default=default_weights)
    top_k = models.PositiveSmallIntegerField(
        _("proposals per challenge"),
        default=DEFAULT_TOP_K,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    travel_budget_yen = models.PositiveBigIntegerField(_("travel budget (yen)"), null=True, blank=True)
    default_capacity = models.PositiveSmallIntegerField(
        _("matches per startup"), default=DEFAULT_CAPACITY, validators=[MaxValueValidator(20)]
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The run this one is compared with: the latest finished run when it was started.
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    progress_message = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    # sha256 of the canonical engine input (sorted keys, no spaces, UTF-8): equal inputs, equal fingerprints.
    input_fingerprint = models.CharField(_("input fingerprint"), max_length=64, blank=True)
    # How many challenges/startups/applications/fixed/exclusions went in, and who was left out and why.
    input_summary = models.JSONField(_("input"), default=dict, blank=True)
    durations_s = models.JSONField(_("durations (s)"), default=dict, blank=True)
    objective = models.FloatField(_("total score"), null=True, blank=True)
    budget_used_yen = models.PositiveBigIntegerField(_("travel budget used (yen)"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="match_run_progress_le_100", condition=Q(progress__lte=100)),
        ]

    def __str__(self):
        return str(_("Run %(id)s") % {"id": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def parameters(self) -> dict:
        return {
            "top_k": self.top_k,
            "travel_budget_yen": self.travel_budget_yen,
            "default_capacity": self.default_capacity,
        }

    @property
    def weight_rows(self) -> list[tuple[str, float]]:
        """(label, weight as given) in the engine's factor order, for display."""
        return [(FACTOR_LABELS[name], self.weights.get(name, 0)) for name in FACTORS]

    @property
    def weights_normalised(self) -> dict[str, float]:
        total = sum(self.weights.get(name, 0) for name in FACTORS) or 1
        return {name: self.weights.get(name, 0) / total for name in FACTORS}


class ReviewStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class MatchProposal(models.Model):
    """One ranked (challenge, startup) pair of a run, with why the engine put it there."""

    run = models.ForeignKey(
        MatchRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="proposals"
    )
    challenge = models.ForeignKey(
        ChallengePage, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="match_proposals"
    )
    startup = models.ForeignKey(
        Organisation,
        verbose_name=_("startup"),
        on_delete=models.CASCADE,
        related_name="match_proposals",
        limit_choices_to={"kind": Organisation.Kind.STARTUP},
    )
    # The startup's application when it applied (submitted or shortlisted at run time); None when scouted.
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="match_proposals",
    )
    score = models.FloatField(_("score"))
    rank = models.PositiveIntegerField(_("rank"))
    assigned = models.BooleanField(_("assigned"), default=False)
    # The pair was accepted before this run and entered it as fixed.
    fixed = models.BooleanField(_("accepted earlier"), default=False)
    excluded = models.BooleanField(_("rejected earlier"), default=False)
    travel_cost_yen = models.PositiveIntegerField(_("travel cost (yen)"))
    factors = models.JSONField(_("factors"), default=dict)
    keywords = models.JSONField(_("shared words"), default=list, blank=True)
    reason = models.TextField(_("reason"))  # Japanese, the programme's language
    reason_en = models.TextField(_("reason (English)"), blank=True)
    # The facts the reasons are written from (matching.engine.explain): requirement ↔ capability words, the closest
    # sentences, track record, both sides' preferences, a conflict, the alternatives considered or why it lost.
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    # 1, 2, … when the engine named this startup the challenge's first, second … alternate (補欠).
    alternate = models.PositiveSmallIntegerField(
        _("alternate"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PROPOSED, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.TextField(_("review reason"), blank=True)

    class Meta:
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        ordering = ["run", "challenge", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "challenge", "startup"], name="one_proposal_per_pair_and_run"
            ),
            models.CheckConstraint(name="match_proposal_rank_positive", condition=Q(rank__gte=1)),
            models.CheckConstraint(
                name="match_proposal_rejection_has_reason",
                condition=~Q(review_status="rejected") | ~Q(review_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["challenge", "startup", "review_status"], name="match_pair_review")]

    def __str__(self):
        return f"{self.challenge.title} × {self.startup} (#{self.rank})"

    @property
    def reason_text(self) -> str:
        """The reason in the reader's language (English when the page is English and the run wrote it)."""
        return in_reader_language(self.reason, self.reason_en)

    @property
    def explained(self) -> ExplanationView:
        """The explanation's parts in the reader's language (pairs, track record, preferences, alternatives…)."""
        return explanation_view(self.explanation)

    @property
    def is_scouted(self) -> bool:
        return self.application_id is None

    def factor_rows(self) -> list[dict]:
        """The breakdown for display: label, value, weight, contribution and bar widths (per cent), in FACTORS order."""
        rows = []
        for name in FACTORS:
            f = self.factors.get(name) or {}
            value = float(f.get("value", 0))
            rows.append(
                {
                    "name": name,
                    "label": FACTOR_LABELS[name],
                    "value": value,
                    "weight": float(f.get("weight", 0)),
                    "contribution": float(f.get("contribution", 0)),
                    "percent": round(max(0.0, min(1.0, value)) * 100, 1),
                }
            )
        return rows


class ChallengeEmbedding(models.Model):
    """The sentence embedding of a published challenge's matching text, written by a background task on publishing.

    Kept beside the page rather than on it: a page's fields are copied into and restored from its revisions, and a
    derived vector has no place in the moderation history. `text_sha256` and `model` say what it was computed from;
    an embedding whose text or model differs from the page's current one is stale and never used
    (matching/embeddings.py).
    """

    challenge = models.OneToOneField(
        ChallengePage,
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="text_embedding",
    )
    vector = models.BinaryField(_("text embedding"), max_length=1536)  # 384 float32, little-endian
    text_sha256 = models.CharField(max_length=64)
    model = models.CharField(max_length=100)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("challenge text embedding")
        verbose_name_plural = _("challenge text embeddings")

    def __str__(self):
        return f"{self.challenge_id} ({self.model})"
