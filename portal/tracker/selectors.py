"""Reads for the tracker's pages and dashboards: scoped lists, the adoption tree, funnel and budget figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from portal.accounts.permissions import is_ministry, organisation_ids_of
from portal.applications.models import Application, ApplicationState
from portal.challenges.models import ChallengePage
from portal.core.fiscal import fiscal_year_instants

from . import workflow
from .models import (
    AdoptionRequest,
    Agreement,
    Engagement,
    FiscalBudget,
    Meeting,
    MeetingSlot,
    TravelRequest,
    TravelState,
)
from .workflow import PROGRESS, Stage


def engagements_for(user) -> QuerySet[Engagement]:
    """Engagements the user may see: ministry all; others those of their organisations (either side)."""
    qs = Engagement.objects.select_related(
        "municipality__prefecture", "startup", "challenge", "origin__municipality"
    )
    if is_ministry(user):
        return qs
    ids = organisation_ids_of(user)
    return qs.filter(Q(municipality_id__in=ids) | Q(startup_id__in=ids)) if ids else qs.none()


def travel_requests_for(user) -> QuerySet[TravelRequest]:
    qs = TravelRequest.objects.select_related(
        "engagement__municipality",
        "engagement__startup",
        "engagement__challenge",
        "destination__prefecture",
        "origin__prefecture",
        "requested_by",
    )
    if is_ministry(user):
        return qs
    ids = organisation_ids_of(user)
    if not ids:
        return qs.none()
    return qs.filter(Q(engagement__startup_id__in=ids) | Q(engagement__municipality_id__in=ids))


def meetings_for(user) -> QuerySet[Meeting]:
    """Visits and meetings the user may see: ministry all; others those of their organisations (either side)."""
    qs = Meeting.objects.select_related("municipality", "startup", "chosen_slot", "engagement", "application")
    if is_ministry(user):
        return qs
    ids = organisation_ids_of(user)
    return qs.filter(Q(municipality_id__in=ids) | Q(startup_id__in=ids)) if ids else qs.none()


def meeting_detail(meeting_id: int, user) -> Meeting:
    """One meeting with its open slots (Meeting.DoesNotExist outside the user's organisations: a 404)."""
    return (
        meetings_for(user)
        .select_related("proposed_by")
        .prefetch_related(
            Prefetch("slots", queryset=MeetingSlot.objects.filter(withdrawn=False), to_attr="open_slots")
        )
        .get(pk=meeting_id)
    )


def engagement_detail(engagement_id: int, user) -> Engagement:
    return (
        engagements_for(user)
        .prefetch_related(
            "stage_changes__actor",
            "reports__attachments",
            "reports__author",
            "travel_requests",
            "agreements__files",
            "agreements__amendments__files",
        )
        .get(pk=engagement_id)
    )


@dataclass
class TreeNode:
    engagement: Engagement
    children: list[TreeNode]


def adoption_tree(engagement: Engagement) -> TreeNode:
    """The whole spread of a solution: from the original engagement down through every adoption (two queries)."""
    root = engagement
    seen = {root.pk}
    while root.origin_id is not None and root.origin_id not in seen:
        seen.add(root.origin_id)
        root = Engagement.objects.select_related("municipality", "startup").get(pk=root.origin_id)
    # Every engagement of the same startup that descends from the root: fetch the startup's adoptions once.
    family = list(
        Engagement.objects.filter(startup_id=root.startup_id, origin__isnull=False).select_related(
            "municipality"
        )
    )
    by_origin: dict[int, list[Engagement]] = {}
    for e in family:
        by_origin.setdefault(e.origin_id, []).append(e)

    def build(node: Engagement, depth: int = 0) -> TreeNode:
        kids = by_origin.get(node.pk, []) if depth < 20 else []
        return TreeNode(node, [build(k, depth + 1) for k in sorted(kids, key=lambda e: e.opened_at)])

    return build(root)


def tree_size(node: TreeNode) -> int:
    return 1 + sum(tree_size(c) for c in node.children)


# --- figures -------------------------------------------------------------------------------------------------


def _reached(stage: str) -> list[str]:
    return [s for s, rank in PROGRESS.items() if rank >= PROGRESS[stage]]


def engagement_outcomes() -> dict[tuple[int, int], str]:
    """(challenge id, startup id) → furthest stage, for engagements with a challenge that reached a proven result:
    a finished PoC, a contract, deployment or adoption elsewhere (later stalls or an end do not erase it). Matching's
    evaluation reads these as outcome-confirmed matches (registered in apps.ready, see matching.outcomes)."""
    rows = (
        Engagement.objects.filter(challenge__isnull=False, furthest_stage__in=_reached(Stage.POC_DONE))
        .values_list("challenge_id", "startup_id", "furthest_stage")
        .order_by("pk")
    )
    outcomes: dict[tuple[int, int], str] = {}
    for challenge_id, startup_id, stage in rows:
        key = (challenge_id, startup_id)
        if PROGRESS[stage] > PROGRESS.get(outcomes.get(key, ""), 0):
            outcomes[key] = stage
    return outcomes


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: object
    count: int
    rate: float | None  # share of the previous step, in percent


FUNNEL_LABELS = {
    "challenges": _("challenges posted"),
    "applications": _("applications submitted"),
    "matches": _("matches made"),
    "poc": _("trials (PoC) run"),
    "contract": _("contracts signed"),
    "deployment": _("full deployments"),
    "adoption": _("solutions adopted elsewhere"),
}


def challenges_of_year(fiscal_year: int) -> Q:
    """The challenges a fiscal year counts: those of its round, or, without a round, those whose application window
    opens in the year (docs/programme.md, "How results are counted")."""
    start, end = fiscal_year_instants(fiscal_year)
    return Q(round__fiscal_year=fiscal_year) | Q(
        round__isnull=True, application_opens__gte=start, application_opens__lt=end
    )


def programme_figures(fiscal_year: int) -> dict[str, int]:
    """The programme's counts for one fiscal year, by the rules of docs/programme.md ("How results are counted"):
    challenges of the year's round; applications (and applicants, each company once) to those challenges; matches
    by the year the engagement opened, the funnel by furthest stage; an adoption in the year of the match it adopts."""
    challenges = ChallengePage.objects.live().filter(challenges_of_year(fiscal_year))
    applied = Application.objects.filter(challenge__in=challenges).exclude(state=ApplicationState.DRAFT)
    submitted = applied.aggregate(applications=Count("pk"), applicants=Count("startup", distinct=True))
    matches = Engagement.objects.filter(fiscal_year=fiscal_year).exclude(source=Engagement.Source.ADOPTION)
    counts = matches.aggregate(
        matches=Count("pk"),
        poc=Count("pk", filter=Q(furthest_stage__in=_reached(Stage.POC_RUNNING))),
        contract=Count("pk", filter=Q(furthest_stage__in=_reached(Stage.CONTRACT))),
        deployment=Count("pk", filter=Q(furthest_stage__in=_reached(Stage.DEPLOYMENT))),
    )
    adopted = matches.filter(adoptions__isnull=False).distinct().count()
    adoptions = Engagement.objects.filter(
        source=Engagement.Source.ADOPTION, origin__fiscal_year=fiscal_year
    ).count()
    paid = TravelRequest.objects.filter(fiscal_year=fiscal_year, state=TravelState.PAID).aggregate(
        yen=Sum("settled_yen"), trips=Count("pk")
    )
    return {
        "challenges": challenges.count(),
        "applications": submitted["applications"],
        "applicants": submitted["applicants"],
        "matches": counts["matches"],
        "poc": counts["poc"],
        "contract": counts["contract"],
        "deployment": counts["deployment"],
        "adoption": adopted,
        "adoptions": adoptions,
        "travel_paid_yen": int(paid["yen"] or 0),
        "trips_paid": paid["trips"],
    }


def funnel(fiscal_year: int, figures: dict[str, int] | None = None) -> list[FunnelStep]:
    figures = figures or programme_figures(fiscal_year)
    steps, previous = [], None
    for key, label in FUNNEL_LABELS.items():
        count = figures[key]
        rate = None if previous in (None, 0) else round(100 * count / previous, 1)
        steps.append(FunnelStep(key, label, count, rate))
        previous = count
    return steps


def budget_summary(fiscal_year: int) -> FiscalBudget | None:
    return FiscalBudget.objects.filter(fiscal_year=fiscal_year).first()


def engagements_by_stage(fiscal_year: int | None = None) -> list[tuple[str, int]]:
    qs = Engagement.objects.all()
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    counts = dict(qs.values_list("stage").annotate(n=Count("pk")))
    return [(str(label), counts.get(value, 0)) for value, label in Stage.choices]


def engagements_by_prefecture(fiscal_year: int | None = None) -> list[tuple[str, int]]:
    qs = Engagement.objects.all()
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    rows = (
        qs.values(
            "municipality__prefecture__code",
            "municipality__prefecture__name_ja",
            "municipality__prefecture__name_en",
        )
        .annotate(n=Count("pk"))
        .order_by("municipality__prefecture__code")
    )
    return [(r["municipality__prefecture__name_ja"] or "—", r["n"]) for r in rows]


def stalled_engagements() -> QuerySet[Engagement]:
    return (
        Engagement.objects.filter(Q(stalled_flagged_at__isnull=False) | Q(stage=Stage.STALLED))
        .exclude(stage=Stage.ENDED)
        .select_related("municipality", "startup", "challenge")
        .order_by("last_activity_at")
    )


def fiscal_years() -> list[int]:
    """Every fiscal year with a budget or an engagement, newest first."""
    years = set(FiscalBudget.objects.values_list("fiscal_year", flat=True))
    years |= set(Engagement.objects.values_list("fiscal_year", flat=True).distinct())
    return sorted(years, reverse=True)


def fiscal_years_with_results() -> list[int]:
    """The years /results/ has a row for (beside every live round's): an engagement opened, or travel support paid."""
    years = set(Engagement.objects.values_list("fiscal_year", flat=True).distinct())
    years |= set(
        TravelRequest.objects.filter(state=TravelState.PAID).values_list("fiscal_year", flat=True).distinct()
    )
    return sorted(years, reverse=True)


def open_adoption_requests() -> QuerySet[AdoptionRequest]:
    return AdoptionRequest.objects.filter(state=AdoptionRequest.State.REQUESTED).select_related(
        "origin__municipality", "origin__startup", "municipality", "requested_by"
    )


def available_transitions(engagement: Engagement, sides: set[str]) -> list[workflow.Transition]:
    return [t for t in workflow.transitions_from(engagement.stage) if t.sides & sides]


def agreements_for(user) -> QuerySet[Agreement]:
    """Agreements the user may see: ministry all; others those of their organisations' engagements (either side)."""
    qs = Agreement.objects.select_related(
        "engagement__municipality", "engagement__startup", "engagement__challenge"
    )
    if is_ministry(user):
        return qs
    ids = organisation_ids_of(user)
    if not ids:
        return qs.none()
    return qs.filter(Q(engagement__municipality_id__in=ids) | Q(engagement__startup_id__in=ids))


def agreement_detail(agreement_id: int, user) -> Agreement:
    """One agreement with its amendments and files (Agreement.DoesNotExist outside the user's organisations)."""
    return (
        agreements_for(user)
        .select_related("created_by")
        .prefetch_related("amendments__files", "amendments__created_by", "files")
        .get(pk=agreement_id)
    )


# Which agreement a stage refers to: the PoC stages to the PoC agreement, contract and after to the contract.
STAGE_AGREEMENT_KIND = {
    Stage.POC_PLANNED: Agreement.Kind.POC,
    Stage.POC_RUNNING: Agreement.Kind.POC,
    Stage.POC_DONE: Agreement.Kind.POC,
    Stage.CONTRACT: Agreement.Kind.CONTRACT,
    Stage.DEPLOYMENT: Agreement.Kind.CONTRACT,
    Stage.ADOPTED_ELSEWHERE: Agreement.Kind.CONTRACT,
}


def stage_agreement(engagement: Engagement) -> Agreement | None:
    """The agreement the engagement's current stage rests on (the latest of its kind), from the prefetched rows."""
    kind = STAGE_AGREEMENT_KIND.get(engagement.stage)
    if kind is None:
        return None
    # engagement.agreements is prefetched by engagement_detail and ordered newest first
    return next((a for a in engagement.agreements.all() if a.kind == kind), None)
