"""Reads for applications, reviews and startup profiles, with related rows fetched up front."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, StartupProfile
from portal.accounts.selectors import startup_profile_completeness
from portal.challenges.models import ChallengePage
from portal.core.models import Notification

from . import permissions as rules
from .models import (
    Application,
    ApplicationAnswer,
    ApplicationAttachment,
    ApplicationState,
    ChallengeRubricWeight,
    ConflictOfInterest,
    Review,
    RubricCriterion,
    StartupContact,
    TeamMember,
    TrackRecordEntry,
)

# --------------------------------------------------------------------------------------------- rubric


@dataclass(frozen=True)
class RubricItem:
    criterion: RubricCriterion
    weight: int


def rubric_for(challenge: ChallengePage) -> list[RubricItem]:
    """The challenge's rubric: the programme's active criteria and default weights, overridden per challenge by the
    ministry (ChallengeRubricWeight; weight 0 leaves a criterion out). An override may also add an inactive one."""
    overrides = {
        w.criterion_id: w.weight for w in ChallengeRubricWeight.objects.filter(challenge_id=challenge.pk)
    }
    items = []
    for criterion in RubricCriterion.objects.all():
        if criterion.pk in overrides:
            weight = overrides[criterion.pk]
        elif criterion.is_active:
            weight = criterion.default_weight
        else:
            continue
        if weight > 0:
            items.append(RubricItem(criterion=criterion, weight=weight))
    return items


# --------------------------------------------------------------------------------------------- applications


def _application_qs() -> QuerySet[Application]:
    return Application.objects.select_related(
        "challenge", "challenge__municipality", "startup", "startup__prefecture"
    )


# What the startup's applications table shows (cells.py): the state and rank, the dates, the challenge's titles,
# deadline (the next step and the rank control) and municipality's names.
_STARTUP_TABLE_COLUMNS = (
    "pk",
    "challenge_id",
    "startup_id",
    "state",
    "preference",
    "submitted_at",
    "updated_at",
    "challenge__title",
    "challenge__title_en",
    "challenge__application_closes",
    "challenge__municipality_id",
    "challenge__municipality__name",
    "challenge__municipality__name_en",
)


def applications_of_startup(organisation: Organisation) -> QuerySet[Application]:
    """My applications: every state, newest first, with only the columns the table shows (not the challenge's whole
    page row, nor its text: issue #20)."""
    return (
        Application.objects.filter(startup=organisation)
        .select_related("challenge", "challenge__municipality")
        .only(*_STARTUP_TABLE_COLUMNS)
        .order_by("-updated_at", "-pk")
    )


def application_for(user, pk: int) -> Application:
    """The application if the user may see it; 404 otherwise (another startup learns nothing, not even that it exists)."""
    application = (
        _application_qs()
        .prefetch_related(
            "team",
            Prefetch("attachments", queryset=ApplicationAttachment.objects.order_by("uploaded_at", "pk")),
        )
        .filter(pk=pk)
        .first()
    )
    if application is None or not rules.can_view_application(user, application)[0]:
        raise Http404
    return application


def attachment_for(user, application_pk: int, attachment_pk: int) -> ApplicationAttachment:
    application = application_for(user, application_pk)
    attachment = ApplicationAttachment.objects.filter(pk=attachment_pk, application=application).first()
    if attachment is None:
        raise Http404
    attachment.application = application
    return attachment


def existing_application(organisation: Organisation | None, challenge: ChallengePage) -> Application | None:
    if organisation is None:
        return None
    return Application.objects.filter(startup=organisation, challenge_id=challenge.pk).first()


# The review list's columns (admin_views.ApplicationViewSet.list_display): the startup's name, the challenge's title,
# the state, the preference and the submission date. Its rows load these and nothing else; the challenge's title comes
# as `challenge_title`, not as a page object per row (a Wagtail page is costly to build, and only its title is shown).
REVIEW_LIST_FIELDS = (
    "pk",
    "state",
    "preference",
    "submitted_at",
    "startup__name",
    "startup__name_en",
)


def applications_for_review(user, *, export: bool = False) -> QuerySet[Application]:
    """The admin's review list: what was sent to the user's challenges (everything for the ministry). The listing
    reads only its columns; the spreadsheet export (`export=True`) reads whole rows and the answers to the
    challenges' questions."""
    # Per-row subqueries, not a join grouped over every application: the paginator's count stays a plain COUNT
    # and the figures are computed for the page's rows only.
    reviews = Review.objects.filter(application=OuterRef("pk")).order_by().values("application")
    qs = Application.objects.annotate(
        review_count=Coalesce(
            Subquery(reviews.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0
        ),
        average_score=Subquery(
            reviews.annotate(avg=Avg("weighted_total")).values("avg")[:1],
            output_field=DecimalField(max_digits=4, decimal_places=2),
        ),
    )
    if export:
        qs = qs.select_related(
            "challenge", "challenge__municipality", "startup", "startup__prefecture"
        ).prefetch_related(
            Prefetch("answers", queryset=ApplicationAnswer.objects.select_related("attachment"))
        )
    else:
        qs = (
            qs.select_related("startup")
            .only(*REVIEW_LIST_FIELDS)
            .annotate(challenge_title=F("challenge__title"))
        )
    return rules.reviewable_applications(qs, user)


def reviews_of(application: Application) -> list[Review]:
    return list(
        Review.objects.filter(application=application)
        .select_related("reviewer")
        .prefetch_related("scores__criterion")
        .order_by("created_at")
    )


# --------------------------------------------------------------------------------------------- conflicts of interest


def conflicts_for(user) -> QuerySet[ConflictOfInterest]:
    """The declarations the user may see (all for the ministry, their municipality's staff's), active first."""
    qs = ConflictOfInterest.objects.select_related(
        "person", "startup", "challenge", "municipality", "withdrawn_by"
    ).order_by(F("withdrawn_at").desc(nulls_first=True), "-declared_at", "-pk")
    return rules.visible_conflicts(qs, user)


# --------------------------------------------------------------------------------------------- the municipality's grade

# The rubric's scale (ReviewScore: 1–5) and the grade the matching engine reads (−1 … +1).
RUBRIC_MIN, RUBRIC_MAX = 1, 5
GRADE_WHEN_SHORTLISTED = 0.5


def grade_from_rubric(total) -> float:
    """A weighted rubric total (1–5) mapped linearly to −1 … +1: 1 → −1, 3 → 0, 5 → +1."""
    value = (float(total) - RUBRIC_MIN) / (RUBRIC_MAX - RUBRIC_MIN) * 2 - 1
    return round(max(-1.0, min(1.0, value)), 4)


def municipal_grades(applications) -> dict[int, float | None]:
    """application id → the municipality's grade of the applicant, for the matching run (docs/matching.md).

    The grade is the mean weighted rubric total of the reviews written by the challenge's municipality's own staff,
    mapped to −1 … +1; an application shortlisted without such a review counts as +0.5; otherwise None (not graded).
    Ministry staff's reviews do not count: the grade is the municipality's say.
    """
    applications = list(applications)
    means = dict(
        Review.objects.filter(
            application__in=[a.pk for a in applications],
            weighted_total__gt=0,
            reviewer__memberships__organisation_id=F("application__challenge__municipality_id"),
        )
        .values("application_id")
        .annotate(mean=Avg("weighted_total"))
        .values_list("application_id", "mean")
    )
    grades: dict[int, float | None] = {}
    for a in applications:
        if a.pk in means:
            grades[a.pk] = grade_from_rubric(means[a.pk])
        elif a.state == ApplicationState.SHORTLISTED:
            grades[a.pk] = GRADE_WHEN_SHORTLISTED
        else:
            grades[a.pk] = None
    return grades


# --------------------------------------------------------------------------------------------- startup profiles


def public_startups() -> QuerySet[StartupProfile]:
    """Public profiles of active startups, for the list at /startups/ (only public fields are fetched)."""
    return (
        StartupProfile.objects.filter(
            is_public=True, organisation__is_active=True, organisation__kind=Organisation.Kind.STARTUP
        )
        .select_related("organisation", "organisation__prefecture")
        .prefetch_related("themes")
        .only(
            "id",
            "stage",
            "technology",
            "description",
            "founded_year",
            "organisation__id",
            "organisation__name",
            "organisation__name_en",
            "organisation__name_kana",
            "organisation__slug",
            "organisation__kind",
            "organisation__prefecture__code",
            "organisation__prefecture__name_ja",
            "organisation__prefecture__name_en",
        )
        .order_by("organisation__name_kana", "organisation__name", "pk")
    )


def public_startup(slug: str) -> StartupProfile:
    profile = (
        public_startups()
        .filter(organisation__slug=slug)
        .prefetch_related(
            Prefetch(
                "track_record",
                queryset=TrackRecordEntry.objects.select_related("local_government", "theme"),
            )
        )
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def own_profile(organisation: Organisation) -> StartupProfile:
    profile, _created = StartupProfile.objects.select_related("organisation").get_or_create(
        organisation=organisation
    )
    return profile


def contact_of(profile: StartupProfile) -> StartupContact | None:
    return StartupContact.objects.filter(profile=profile).first()


def team_of(organisation: Organisation) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(profile__organisation=organisation)


def track_record_of(organisation: Organisation) -> QuerySet[TrackRecordEntry]:
    return TrackRecordEntry.objects.filter(profile__organisation=organisation).select_related(
        "local_government", "theme"
    )


@dataclass(frozen=True)
class ProfileCompleteness:
    percent: int
    done: int
    total: int
    missing: list


def profile_completeness(organisation: Organisation) -> ProfileCompleteness:
    """Accounts' profile items plus the programme's: a contact, a team, a track record. One query: the profile
    with whether it has themes, a contact to reach, team members and a track record."""
    profile = (
        StartupProfile.objects.filter(organisation=organisation)
        .annotate(
            has_themes=Exists(StartupProfile.themes.through.objects.filter(startupprofile_id=OuterRef("pk"))),
            has_contact=Exists(
                StartupContact.objects.filter(profile=OuterRef("pk")).exclude(email="", phone="")
            ),
            has_team=Exists(TeamMember.objects.filter(profile=OuterRef("pk"))),
            has_track_record=Exists(TrackRecordEntry.objects.filter(profile=OuterRef("pk"))),
        )
        .first()
    )
    base = startup_profile_completeness(organisation, profile or StartupProfile(organisation=organisation))
    extra = [
        (_("Contact"), bool(profile and profile.has_contact)),
        (_("Team"), bool(profile and profile.has_team)),
        (_("Track record"), bool(profile and profile.has_track_record)),
    ]
    missing = list(base.missing) + [label for label, ok in extra if not ok]
    total = base.total + len(extra)
    done = total - len(missing)
    return ProfileCompleteness(percent=round(100 * done / total), done=done, total=total, missing=missing)


# --------------------------------------------------------------------------------------------- notifications


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
