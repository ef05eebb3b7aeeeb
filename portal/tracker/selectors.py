"""Reads for the tracker's pages and dashboards: scoped lists, the adoption tree, funnel and budget figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from portal.accounts.permissions import is_ministry, organisation_ids_of
from portal.applications.models import Application, ApplicationState
from portal.challenges.models import ChallengePage
from portal.core.fiscal import fiscal_year_instants

from . import workflow
from .evidence import EVIDENCE_STAGES
from .models import (
    AdoptionRequest,
    Agreement,
    ConsentPurpose,
    DataConsent,
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
    # One pass over the engagements: the year's matches (not adoptions) with their furthest stages and whether
    # another municipality adopted them, and the adoptions of the year's matches (by the year of their origin).
    is_match = Q(fiscal_year=fiscal_year) & ~Q(source=Engagement.Source.ADOPTION)
    is_adoption = Q(source=Engagement.Source.ADOPTION, origin__fiscal_year=fiscal_year)
    adopted_elsewhere = Exists(Engagement.objects.filter(origin=OuterRef("pk")))
    counts = Engagement.objects.filter(is_match | is_adoption).aggregate(
        matches=Count("pk", filter=is_match),
        poc=Count("pk", filter=is_match & Q(furthest_stage__in=_reached(Stage.POC_RUNNING))),
        contract=Count("pk", filter=is_match & Q(furthest_stage__in=_reached(Stage.CONTRACT))),
        deployment=Count("pk", filter=is_match & Q(furthest_stage__in=_reached(Stage.DEPLOYMENT))),
        adopted=Count("pk", filter=is_match & Q(adopted_elsewhere)),
        adoptions=Count("pk", filter=is_adoption),
    )
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
        "adoption": counts["adopted"],
        "adoptions": counts["adoptions"],
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


@dataclass(frozen=True)
class EngagementBreakdown:
    stages: list[tuple[str, int]]  # (stage label, engagements now in it), every stage in the workflow's order
    prefectures: list[tuple[str, int]]  # (prefecture's name, engagements), by prefecture code
    years: list[int]  # the fiscal years with an engagement, newest first


def engagement_breakdown() -> EngagementBreakdown:
    """What `engagements_by_stage()`, `engagements_by_prefecture()` and the engagements' part of `fiscal_years()`
    give, over every engagement, in one grouped query (the ministry's dashboard)."""
    rows = (
        Engagement.objects.order_by()
        .values_list(
            "stage", "municipality__prefecture__code", "municipality__prefecture__name_ja", "fiscal_year"
        )
        .annotate(n=Count("pk"))
    )
    by_stage: dict[str, int] = {}
    by_prefecture: dict[str | None, list] = {}
    years: set[int] = set()
    for stage, code, name, year, n in rows:
        by_stage[stage] = by_stage.get(stage, 0) + n
        by_prefecture.setdefault(code, [name, 0])[1] += n
        years.add(year)
    return EngagementBreakdown(
        stages=[(str(label), by_stage.get(value, 0)) for value, label in Stage.choices],
        # PostgreSQL's order: by code, engagements without a prefecture last
        prefectures=[
            (by_prefecture[code][0] or "—", by_prefecture[code][1])
            for code in sorted(by_prefecture, key=lambda c: (c is None, c or ""))
        ],
        years=sorted(years, reverse=True),
    )


def budget_with_balances(fiscal_year: int) -> tuple[FiscalBudget, dict[str, int]] | None:
    """The year's budget and its buckets as the ledger sums them (services.balances), in one query."""
    budget = (
        FiscalBudget.objects.filter(fiscal_year=fiscal_year)
        .annotate(
            ledger_reserved=Sum("ledger__reserved_delta"),
            ledger_settled=Sum("ledger__settled_delta"),
            ledger_paid=Sum("ledger__paid_delta"),
        )
        .first()
    )
    if budget is None:
        return None
    out = {
        "reserved": int(budget.ledger_reserved or 0),
        "settled": int(budget.ledger_settled or 0),
        "paid": int(budget.ledger_paid or 0),
    }
    out["free"] = budget.amount_yen - out["reserved"] - out["settled"] - out["paid"]
    return budget, out


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
    # order_by(): the model's ordering would put opened_at and pk into the DISTINCT (one row per engagement)
    years |= set(Engagement.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    return sorted(years, reverse=True)


def fiscal_years_with_results() -> list[int]:
    """The years /results/ has a row for (beside every live round's): an engagement opened, or travel support paid."""
    years = set(Engagement.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    years |= set(
        TravelRequest.objects.filter(state=TravelState.PAID)
        .order_by()
        .values_list("fiscal_year", flat=True)
        .distinct()
    )
    return sorted(years, reverse=True)


def open_adoption_requests() -> QuerySet[AdoptionRequest]:
    return AdoptionRequest.objects.filter(state=AdoptionRequest.State.REQUESTED).select_related(
        "origin__municipality", "origin__startup", "municipality", "requested_by"
    )


def available_transitions(engagement: Engagement, sides: set[str]) -> list[workflow.Transition]:
    return [t for t in workflow.transitions_from(engagement.stage) if t.sides & sides]


# --- joining solved challenges, pooled demand, consent --------------------------------------------------------------

SOLVED_STAGES = (Stage.CONTRACT, Stage.DEPLOYMENT, Stage.ADOPTED_ELSEWHERE)


def solved_for_joining() -> QuerySet[Engagement]:
    """Solved challenges (an engagement under contract or deployed) other municipalities may join, with the number
    of municipalities that joined each (one query whatever their number)."""
    return (
        Engagement.objects.filter(Q(stage__in=SOLVED_STAGES) | Q(furthest_stage__in=SOLVED_STAGES))
        .exclude(stage=Stage.ENDED)
        .select_related("municipality__prefecture", "startup", "challenge")
        .annotate(joined=Count("adoptions", distinct=True))
        .order_by("-stage_changed_at", "-pk")
    )


@dataclass
class DemandRow:
    municipality: object
    engagement: Engagement
    population: int | None
    budget_min_yen: int | None
    budget_max_yen: int | None
    joined: bool


@dataclass
class PooledDemand:
    rows: list[DemandRow]
    population: int
    budget_min_yen: int
    budget_max_yen: int


def pooled_demand(engagement: Engagement) -> PooledDemand:
    """The towns using a solution: the engagement's own (its contract value as its budget) and every municipality
    that joined it, with the population and budget range each declared; the sums are the startup's pooled demand.
    Three queries whatever the number of towns."""
    contract = max(
        (r.contract_value_yen or 0 for r in engagement.reports.all()),
        default=0,
    )
    rows = [
        DemandRow(
            engagement.municipality,
            engagement,
            None,
            contract or None,
            contract or None,
            False,
        )
    ]
    joins = (
        AdoptionRequest.objects.filter(origin=engagement, state=AdoptionRequest.State.LINKED)
        .select_related("municipality", "engagement")
        .order_by("decided_at", "pk")
    )
    for req in joins:
        rows.append(
            DemandRow(
                req.municipality, req.engagement, req.population, req.budget_min_yen, req.budget_max_yen, True
            )
        )
    return PooledDemand(
        rows=rows,
        population=sum(r.population or 0 for r in rows),
        budget_min_yen=sum(r.budget_min_yen or 0 for r in rows),
        budget_max_yen=sum(r.budget_max_yen or 0 for r in rows),
    )


@dataclass
class ConsentRow:
    purpose: str
    label: str
    municipality: bool
    startup: bool


def consent_table(engagement: Engagement) -> list[ConsentRow]:
    """Each purpose with the two parties' current answers (one query)."""
    from_db = {
        (c.side, c.purpose): c.granted
        for c in DataConsent.objects.filter(engagement=engagement).only("side", "purpose", "granted")
    }
    return [
        ConsentRow(
            purpose,
            label,
            from_db.get((workflow.MUNICIPALITY, purpose), False),
            from_db.get((workflow.STARTUP, purpose), False),
        )
        for purpose, label in ConsentPurpose.choices
    ]


def evidence_overview() -> QuerySet[Engagement]:
    """Engagements whose PoC is done (furthest stage), each with its number of evidence-pack versions and the
    latest one's date: which have a pack and which stall without one (one query whatever their number)."""
    return (
        Engagement.objects.filter(furthest_stage__in=EVIDENCE_STAGES)
        .select_related("municipality__prefecture", "startup", "challenge")
        .annotate(
            packs=Count("evidence_packs", distinct=True), last_pack_at=Max("evidence_packs__created_at")
        )
        .order_by("packs", "stage_changed_at", "pk")
    )


def latest_packs(engagement: Engagement) -> QuerySet:
    return engagement.evidence_packs.order_by("-version")


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
