"""Reads for matching: the engine's input built from the live data, runs, proposals and the comparison of two runs.

Which live data a run sees:
- challenges: published, whose window has opened and whose outcome is not decided yet; plus matched challenges that
  still have free partner slots (their accepted pairs enter as fixed, so a second partner can be proposed); either
  only until the grace period after its window closed (settings.MATCHING_CLOSED_GRACE_DAYS), so a run holds the
  active round, not every challenge that never got an outcome;
- startups: active startup organisations with a profile and a prefecture (travel needs one; the others are listed
  in the run's input summary as left out);
- applications: submitted or shortlisted ones to those challenges;
- fixed: every pair accepted in an earlier run; exclusions: every pair rejected in an earlier run (never accepted);
- preferences: each application's rank by its startup (第1–第3希望) and the municipality's grade (−1 … +1, from its
  staff's rubric scores; +0.5 when shortlisted without a score), see portal.applications.selectors.municipal_grades;
- conflicts: the (challenge, startup) pairs kept out by declared conflicts of interest
  (portal.applications.conflicts.excluded_pairs). An accepted pair stays fixed even if a conflict is declared later:
  the conflict is then listed in the run's input summary instead (a made match is undone by people, not by a run);
- embeddings: each challenge's and startup's stored sentence embedding when it is fresh — computed by the current
  model from exactly the text this run scores (its SHA-256 matches) — else none (matching/embeddings.py writes them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from portal.accounts.models import Organisation
from portal.applications.conflicts import excluded_pairs
from portal.applications.models import Application, ApplicationState, TrackRecordEntry
from portal.applications.selectors import municipal_grades
from portal.challenges.models import ChallengePage
from portal.challenges.status import ChallengeOutcome

from .engine import load_problem
from .engine.embedding import DIMENSIONS, MODEL
from .engine.problem import encode_embedding
from .engine.scoring import challenge_text, startup_text
from .models import ChallengeEmbedding, MatchProposal, MatchRun, ReviewStatus, RunComparison
from .outcomes import confirmed_outcomes

MATCHABLE_APPLICATION_STATES = (ApplicationState.SUBMITTED, ApplicationState.SHORTLISTED)

# --------------------------------------------------------------------------------------------- pairs across runs


def accepted_pairs() -> set[tuple[int, int]]:
    """(challenge id, startup id) of every pair accepted in any run."""
    return set(
        MatchProposal.objects.filter(review_status=ReviewStatus.ACCEPTED)
        .values_list("challenge_id", "startup_id")
        .distinct()
    )


def rejected_pairs() -> set[tuple[int, int]]:
    """(challenge id, startup id) of every pair rejected in any run and never accepted."""
    rejected = set(
        MatchProposal.objects.filter(review_status=ReviewStatus.REJECTED)
        .values_list("challenge_id", "startup_id")
        .distinct()
    )
    return rejected - accepted_pairs()


def accepted_count_for_challenge(challenge_id: int) -> int:
    return (
        MatchProposal.objects.filter(challenge_id=challenge_id, review_status=ReviewStatus.ACCEPTED)
        .values("startup_id")
        .distinct()
        .count()
    )


def accepted_count_for_startup(startup_id: int) -> int:
    return (
        MatchProposal.objects.filter(startup_id=startup_id, review_status=ReviewStatus.ACCEPTED)
        .values("challenge_id")
        .distinct()
        .count()
    )


def accepted_proposal_id(challenge_id: int | None, startup_id: int) -> int | None:
    """The latest accepted proposal of a pair (its proposal sheet is the match's record), or None."""
    if challenge_id is None:
        return None
    return (
        MatchProposal.objects.filter(
            challenge_id=challenge_id, startup_id=startup_id, review_status=ReviewStatus.ACCEPTED
        )
        .order_by("-reviewed_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def pair_accepted(challenge_id: int, startup_id: int) -> bool:
    return MatchProposal.objects.filter(
        challenge_id=challenge_id, startup_id=startup_id, review_status=ReviewStatus.ACCEPTED
    ).exists()


# --------------------------------------------------------------------------------------------- the engine's input


@dataclass
class EngineInput:
    """The engine's input document and what the portal needs to map its answer back to rows."""

    data: dict
    fingerprint: str
    applications: dict[tuple[int, int], int] = field(
        default_factory=dict
    )  # (challenge, startup) → application id
    summary: dict = field(default_factory=dict)


def fingerprint_of(data: dict) -> str:
    """sha256 of the canonical JSON text: sorted keys, no spaces, UTF-8 (the same input, the same fingerprint)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _join(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def grace_period() -> dt.timedelta:
    """How long after its window closed a challenge stays in runs (settings.MATCHING_CLOSED_GRACE_DAYS)."""
    return dt.timedelta(days=settings.MATCHING_CLOSED_GRACE_DAYS)


def run_challenges(now=None) -> list[ChallengePage]:
    """The challenges a run considers (see the module docstring), with their themes and municipality.

    Bounded to the round: a challenge whose window closed more than the grace period ago drops out, decided or not
    (docs/matching.md, "Which challenges a run sees"), so runs grow with the active round, not with history."""
    now = now or timezone.now()
    accepted = Counter(c for c, _s in accepted_pairs())
    undecided = Q(outcome="", application_opens__lte=now)
    matched = Q(outcome=ChallengeOutcome.MATCHED, pk__in=list(accepted))
    qs = (
        ChallengePage.objects.live()
        .filter(undecided | matched, application_closes__gte=now - grace_period())
        .select_related("municipality", "text_embedding")
        .prefetch_related("themes")
        .order_by("pk")
    )
    return [c for c in qs if c.outcome == "" or accepted[c.pk] < c.max_partners]


def run_startups() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(
            kind=Organisation.Kind.STARTUP, is_active=True, startup_profile__isnull=False
        )
        .select_related("startup_profile")
        .prefetch_related(
            "startup_profile__themes",
            Prefetch(
                "startup_profile__track_record",
                TrackRecordEntry.objects.select_related("theme", "local_government"),
            ),
        )
        .order_by("pk")
    )


def _challenge_item(c: ChallengePage, max_partners: int) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "description": _join(c.summary, c.background, c.desired_outcome),
        "themes": sorted(t.name_ja for t in c.themes.all()),
        "municipality_code": c.municipality.local_government_id,
        "max_partners": max_partners,
        "budget_yen": c.budget_max_yen,
        "stage": None,
    }


def _startup_item(s: Organisation, capacity: int) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "description": _join(s.startup_profile.description, s.startup_profile.technology),
        "themes": sorted(t.name_ja for t in s.startup_profile.themes.all()),
        "prefecture_code": s.prefecture_id,
        "capacity": capacity,
        "stage": s.startup_profile.stage or None,
        # what, where and when as the startup wrote it: the reasons cite the entries in the challenge's themes
        "track_record": [
            {
                "themes": [r.theme.name_ja] if r.theme_id else [],
                "outcome": r.outcome,
                "title": r.summary,
                "municipality": r.local_government.name_ja,
                "fiscal_year": r.year,
            }
            for r in s.startup_profile.track_record.all()
        ],
    }


def _application_item(a: Application, *, preference: int | None = None, grade: float | None = None) -> dict:
    return {
        "startup": a.startup_id,
        "challenge": a.challenge_id,
        "text": _join(a.approach, a.expected_outcome),
        "shortlisted": a.state == ApplicationState.SHORTLISTED,
        "preference": preference,
        "grade": grade,
    }


# --------------------------------------------------------------------------------------------- stored embeddings

# Where a startup is never enters its text; the loader wants a valid prefecture code to build the engine's Startup.
_ANY_PREFECTURE = "13"


def text_sha256(text: str) -> str:
    """The SHA-256 (hex) of a matching text as UTF-8: what a stored embedding says it was computed from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def challenge_matching_text(page: ChallengePage) -> str:
    """The text a run scores for this challenge: the engine's `challenge_text` of the Challenge a run builds."""
    problem = load_problem({"challenges": [_challenge_item(page, page.max_partners)], "startups": []})
    return challenge_text(problem.challenges[0])


def startup_matching_text(org: Organisation) -> str:
    """The text a run scores for this startup (profile description, technology, track record): the engine's
    `startup_text` of the Startup a run builds from the organisation (with its profile and track record loaded)."""
    item = _startup_item(org, 0)
    item["prefecture_code"] = item["prefecture_code"] or _ANY_PREFECTURE
    return startup_text(load_problem({"challenges": [], "startups": [item]}).startups[0])


def fresh_vector(blob, *, sha256: str, model: str, text: str) -> np.ndarray | None:
    """The stored embedding as a float32 vector when it was computed by the current model from exactly `text`;
    None when there is none, or it is stale (the text or the model changed since)."""
    if not blob or model != MODEL or sha256 != text_sha256(text):
        return None
    vector = np.frombuffer(bytes(blob), dtype="<f4")
    return vector.astype(np.float32) if vector.shape == (DIMENSIONS,) else None


def challenge_embedding_row(page: ChallengePage) -> ChallengeEmbedding | None:
    try:
        return page.text_embedding
    except ChallengeEmbedding.DoesNotExist:
        return None


def _add_embeddings(
    data: dict, challenges: Iterable[ChallengePage], startups: Iterable[Organisation]
) -> dict:
    """Put each fresh stored embedding into the engine input (key "embedding", in the compact form: base64 of the
    stored float32 bytes, the same values); returns how many items have one.

    The texts are the engine's own (`challenge_text`/`startup_text` of the loaded items), so an embedding is used
    only for the very text the run scores.
    """
    problem = load_problem({"challenges": data["challenges"], "startups": data["startups"]})
    counts = {"challenges": 0, "startups": 0}
    for item, challenge, page in zip(data["challenges"], problem.challenges, challenges, strict=True):
        row = challenge_embedding_row(page)
        vector = (
            fresh_vector(row.vector, sha256=row.text_sha256, model=row.model, text=challenge_text(challenge))
            if row is not None
            else None
        )
        if vector is not None:
            item["embedding"] = encode_embedding(vector)
            counts["challenges"] += 1
    for item, startup, org in zip(data["startups"], problem.startups, startups, strict=True):
        profile = org.startup_profile
        vector = fresh_vector(
            profile.embedding,
            sha256=profile.embedding_text_sha256,
            model=profile.embedding_model,
            text=startup_text(startup),
        )
        if vector is not None:
            item["embedding"] = encode_embedding(vector)
            counts["startups"] += 1
    return counts


def build_engine_input(
    *, weights: dict[str, float], top_k: int, travel_budget_yen: int | None, default_capacity: int, now=None
) -> EngineInput:
    """The open JSON input (docs/matching.md) for a run on the live data, with its fingerprint."""
    challenges = run_challenges(now)
    challenge_ids = {c.pk for c in challenges}
    accepted = accepted_pairs()
    rejected = rejected_pairs()

    startups, skipped = [], []
    for org in run_startups():
        (startups if org.prefecture_id else skipped).append(org)
    startup_ids = {s.pk for s in startups}

    fixed = sorted((c, s) for c, s in accepted if c in challenge_ids and s in startup_ids)
    exclusions = sorted((c, s) for c, s in rejected if c in challenge_ids and s in startup_ids)
    # Accepted matches outside this run (their challenge is full) still use up the startup's capacity.
    used_elsewhere = Counter(s for c, s in accepted if c not in challenge_ids)
    fixed_per_startup = Counter(s for _c, s in fixed)
    fixed_per_challenge = Counter(c for c, _s in fixed)

    applications = list(
        Application.objects.filter(
            challenge_id__in=challenge_ids, startup_id__in=startup_ids, state__in=MATCHABLE_APPLICATION_STATES
        ).order_by("pk")
    )
    grades = municipal_grades(applications)
    preferences = _preferences(applications)
    fixed_set = set(fixed)
    conflicts, conflicts_on_fixed = [], []
    for c, s, declaration in excluded_pairs(challenges):
        if s not in startup_ids:
            continue
        (conflicts_on_fixed if (c, s) in fixed_set else conflicts).append((c, s, declaration))

    data = {
        # fixed pairs may not exceed a capacity: a lowered max_partners never breaks an accepted match
        "challenges": [
            _challenge_item(c, max(c.max_partners, fixed_per_challenge[c.pk])) for c in challenges
        ],
        "startups": [
            _startup_item(s, max(default_capacity - used_elsewhere[s.pk], fixed_per_startup[s.pk], 0))
            for s in startups
        ],
        "applications": [
            _application_item(a, preference=preferences.get(a.pk), grade=grades[a.pk]) for a in applications
        ],
        # The reason names the declaration only: who declared it and why stay in the portal.
        "conflicts": [
            {"startup": s, "challenge": c, "reason": f"利益相反の申告 #{declaration}"}
            for c, s, declaration in conflicts
        ],
        "exclusions": [{"startup": s, "challenge": c} for c, s in exclusions],
        "fixed": [{"startup": s, "challenge": c} for c, s in fixed],
        "weights": dict(weights),
        "travel_budget_yen": travel_budget_yen,
        "top_k": top_k,
    }
    embedded = _add_embeddings(data, challenges, startups)
    summary = {
        "challenges": len(challenges),
        "startups": len(startups),
        "applications": len(applications),
        "fixed": len(fixed),
        "exclusions": len(exclusions),
        "ranked_applications": sum(1 for a in applications if preferences.get(a.pk)),
        "graded_applications": sum(1 for a in applications if grades[a.pk] is not None),
        # Both sides' preferences as the run saw them (the applications' ranks and grades change later).
        "preferences": [
            {
                "application": a.pk,
                "challenge": a.challenge_id,
                "startup": a.startup_id,
                "preference": preferences.get(a.pk),
                "grade": grades[a.pk],
            }
            for a in applications
            if preferences.get(a.pk) or grades[a.pk] is not None
        ],
        "conflicts": len(conflicts),
        "conflicts_on_accepted_pairs": [
            {"challenge": c, "startup": s, "declaration": d} for c, s, d in conflicts_on_fixed
        ],
        "embedded_challenges": embedded["challenges"],
        "embedded_startups": embedded["startups"],
        "skipped_startups": [{"id": s.pk, "name": s.name, "why": "no prefecture"} for s in skipped],
    }
    return EngineInput(
        data=data,
        fingerprint=fingerprint_of(data),
        applications={(a.challenge_id, a.startup_id): a.pk for a in applications},
        summary=summary,
    )


# --------------------------------------------------------------------------------------------- real decisions as labels

# The applications a municipality received, for the evaluation's input (a withdrawn one was taken back). A matched
# application counts as applied, not shortlisted: its shortlisting no longer shows, and restoring it for accepted
# pairs only would hand the decision to the engine.
EVALUATION_APPLICATION_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.MORE_INFO,
    ApplicationState.SHORTLISTED,
    ApplicationState.MATCHED,
    ApplicationState.DECLINED,
)
MATCH_GRADE, NEGATIVE_GRADE = 2, 0


@dataclass
class DecisionLabels:
    """Ministry staff's reviews (and what the matches became) as an evaluation set for the engine.

    labels: {challenge id: {startup id: grade}}: 2 for an accepted pair or one whose engagement reached a proven
    result (outcome-confirmed), 0 for a rejected pair (a known negative); counts are of distinct pairs over all runs.
    """

    labels: dict[int, dict[int, int]]
    accepted: int
    rejected: int
    outcome_confirmed: int

    @property
    def challenges(self) -> int:
        return len(self.labels)


def decision_labels() -> DecisionLabels:
    """Labels from every review: accepted → 2, proposed pairs whose engagement got to a finished PoC, a contract,
    deployment or adoption elsewhere → 2 (outcome-confirmed, also when the proposal was rejected), rejected → 0."""
    accepted = accepted_pairs()
    rejected = set(
        MatchProposal.objects.filter(review_status=ReviewStatus.REJECTED)
        .values_list("challenge_id", "startup_id")
        .distinct()
    )
    outcomes = confirmed_outcomes()
    proposed = set(
        MatchProposal.objects.filter(challenge_id__in={c for c, _s in outcomes})
        .values_list("challenge_id", "startup_id")
        .distinct()
    )
    confirmed = {pair for pair in outcomes if pair in proposed}
    positives = accepted | confirmed
    negatives = rejected - positives
    labels: dict[int, dict[int, int]] = {}
    for grade, pairs in ((MATCH_GRADE, positives), (NEGATIVE_GRADE, negatives)):
        for challenge_id, startup_id in sorted(pairs):
            labels.setdefault(challenge_id, {})[startup_id] = grade
    return DecisionLabels(
        labels={c: dict(sorted(labels[c].items())) for c in sorted(labels)},
        accepted=len(accepted),
        rejected=len(negatives),
        outcome_confirmed=len(confirmed),
    )


def build_evaluation_input(*, challenge_ids, weights: dict[str, float], default_capacity: int) -> EngineInput:
    """The engine's input for re-ranking the challenges that have decisions, on the live profiles.

    Unlike a run, decided challenges are included (a decision usually closes its challenge), applications in any
    received state count (with both sides' preferences as a run reads them), and there are no fixed, excluded or
    conflicting pairs: only the ranking is evaluated, not the assignment. Startups are those a run would see
    (active, with a profile and a prefecture).
    """
    challenges = list(
        ChallengePage.objects.filter(pk__in=list(challenge_ids))
        .select_related("municipality", "text_embedding")
        .prefetch_related("themes")
        .order_by("pk")
    )
    startups, skipped = [], []
    for org in run_startups():
        (startups if org.prefecture_id else skipped).append(org)
    applications = list(
        Application.objects.filter(
            challenge_id__in=[c.pk for c in challenges],
            startup_id__in=[s.pk for s in startups],
            state__in=EVALUATION_APPLICATION_STATES,
        ).order_by("pk")
    )
    grades = municipal_grades(applications)
    preferences = _preferences(applications)
    data = {
        "challenges": [_challenge_item(c, c.max_partners) for c in challenges],
        "startups": [_startup_item(s, default_capacity) for s in startups],
        "applications": [
            _application_item(a, preference=preferences.get(a.pk), grade=grades[a.pk]) for a in applications
        ],
        "exclusions": [],
        "fixed": [],
        "weights": dict(weights),
        "travel_budget_yen": None,
        "top_k": 1,
    }
    embedded = _add_embeddings(data, challenges, startups)
    summary = {
        "challenges": len(challenges),
        "startups": len(startups),
        "applications": len(applications),
        "embedded_challenges": embedded["challenges"],
        "embedded_startups": embedded["startups"],
        "skipped_startups": [{"id": s.pk, "name": s.name, "why": "no prefecture"} for s in skipped],
    }
    return EngineInput(
        data=data,
        fingerprint=fingerprint_of(data),
        applications={(a.challenge_id, a.startup_id): a.pk for a in applications},
        summary=summary,
    )


def stored_rankings(run: MatchRun) -> dict[int, list[int]]:
    """{challenge id: startup ids by the rank stored in `run`} — only what the run kept (its top K and assigned
    pairs), best first."""
    rankings: dict[int, list[int]] = {}
    rows = MatchProposal.objects.filter(run=run).order_by("challenge_id", "rank", "pk")
    for challenge_id, startup_id in rows.values_list("challenge_id", "startup_id"):
        rankings.setdefault(challenge_id, []).append(startup_id)
    return rankings


def _preferences(applications: list[Application]) -> dict[int, int]:
    """application id → the startup's rank (1–3) for the engine, one application per rank and startup.

    Ranks are held per round; a run may span two rounds (a challenge of last year still undecided), where a startup
    can hold each rank twice. The engine takes each rank once per startup: the latest round's application keeps it.
    """
    ranked = sorted(
        (a for a in applications if a.preference),
        key=lambda a: (-(a.preference_year or 0), a.pk),
    )
    taken: set[tuple[int, int]] = set()
    result = {}
    for a in ranked:
        if (a.startup_id, a.preference) not in taken:
            taken.add((a.startup_id, a.preference))
            result[a.pk] = a.preference
    return result


# --------------------------------------------------------------------------------------------- runs and proposals


def runs() -> QuerySet[MatchRun]:
    """Runs, newest first, with their counts (one query whatever the page size)."""
    return (
        MatchRun.objects.select_related("started_by", "previous")
        .annotate(
            proposal_count=Count("proposals", distinct=True),
            assigned_count=Count("proposals", filter=Q(proposals__assigned=True), distinct=True),
            accepted_count=Count(
                "proposals", filter=Q(proposals__review_status=ReviewStatus.ACCEPTED), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )


def latest_finished_run() -> MatchRun | None:
    return MatchRun.objects.filter(status=MatchRun.Status.DONE).order_by("-created_at", "-pk").first()


def proposals_of_run(run: MatchRun) -> QuerySet[MatchProposal]:
    """Every proposal of a run, challenge by challenge, best first, with what the lists show."""
    return (
        MatchProposal.objects.filter(run=run)
        .select_related("challenge", "challenge__municipality", "startup", "application", "reviewed_by")
        .order_by("challenge_id", "rank", "pk")
    )


def proposals_listed(run: MatchRun) -> QuerySet[MatchProposal]:
    """A run's proposals as its page lists them: only the columns the list shows (no reasons, explanations or factor
    breakdowns; the challenge's title and its municipality's names as `challenge_title`, `municipality_name` and
    `municipality_name_en`, not as a page object per row), challenge by challenge, best first."""
    return (
        MatchProposal.objects.filter(run=run)
        .select_related("startup", "application")
        .only(*LISTED_PROPOSAL_FIELDS, "startup__name", "startup__name_en", "application__state")
        .annotate(
            challenge_title=F("challenge__title"),
            municipality_name=F("challenge__municipality__name"),
            municipality_name_en=F("challenge__municipality__name_en"),
        )
        .order_by("challenge_id", "rank", "pk")
    )


LISTED_PROPOSAL_FIELDS = (
    "run",
    "challenge",
    "startup",
    "application",
    "score",
    "rank",
    "assigned",
    "fixed",
    "excluded",
    "travel_cost_yen",
    "keywords",
    "review_status",
)


def municipalities_of_run(run: MatchRun) -> list[tuple[int, str, str]]:
    """(pk, name, English name) of the municipalities of a run's challenges, by name: the run's page's filter (one
    query of three columns, no model per municipality)."""
    return list(
        Organisation.objects.filter(challenges__match_proposals__run=run)
        .values_list("pk", "name", "name_en")
        .distinct()
        .order_by("name", "pk")
    )


def challenges_of_run(run: MatchRun) -> QuerySet[ChallengePage]:
    """The challenges a run made proposals for, with counts (for the run's page)."""
    return (
        ChallengePage.objects.filter(match_proposals__run=run)
        .select_related("municipality")
        .annotate(
            proposal_count=Count("match_proposals", filter=Q(match_proposals__run=run), distinct=True),
            assigned_count=Count(
                "match_proposals",
                filter=Q(match_proposals__run=run, match_proposals__assigned=True),
                distinct=True,
            ),
            accepted_count=Count(
                "match_proposals",
                filter=Q(match_proposals__run=run, match_proposals__review_status=ReviewStatus.ACCEPTED),
                distinct=True,
            ),
        )
        .order_by("pk")
    )


def proposal_for_review(pk: int) -> MatchProposal:
    return MatchProposal.objects.select_related(
        "run", "challenge", "challenge__municipality", "startup", "application"
    ).get(pk=pk)


# --------------------------------------------------------------------------------------------- comparison


@dataclass
class RankMove:
    challenge_id: int
    startup_id: int
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        # positive = moved up (a smaller rank number is better)
        if self.before is None or self.after is None:
            return None
        return self.before - self.after


@dataclass
class Comparison:
    """The comparison of two runs computed from their proposals (what matching.models.RunComparison stores)."""

    weights: list[
        tuple[str, float, float]
    ]  # (factor, other run's weight, this run's weight), changed ones only
    parameters: list[tuple[str, object, object]]
    new_assigned: list[RankMove]
    dropped_assigned: list[RankMove]
    rank_moves: list[RankMove]  # pairs listed in both runs whose rank changed, biggest move first
    newly_listed: int
    no_longer_listed: int


def _pairs(run: MatchRun) -> dict[tuple[int, int], tuple[int, bool]]:
    rows = MatchProposal.objects.filter(run=run).values_list("challenge_id", "startup_id", "rank", "assigned")
    return {(c, s): (rank, assigned) for c, s, rank, assigned in rows}


def compare_runs(run: MatchRun, other: MatchRun) -> Comparison:
    """What changed from `other` (usually the previous run) to `run`: weights, parameters, assigned pairs, ranks.

    Reads both runs whole: the pages read the stored result instead (matching.services.run_comparison)."""
    now, before = _pairs(run), _pairs(other)

    def move(key, old, new) -> RankMove:
        return RankMove(
            challenge_id=key[0],
            startup_id=key[1],
            before=old[0] if old else None,
            after=new[0] if new else None,
        )

    new_assigned = [
        move(k, before.get(k), v)
        for k, v in sorted(now.items())
        if v[1] and not (before.get(k) or (0, False))[1]
    ]
    dropped = [
        move(k, v, now.get(k))
        for k, v in sorted(before.items())
        if v[1] and not (now.get(k) or (0, False))[1]
    ]
    moves = [move(k, before[k], v) for k, v in now.items() if k in before and before[k][0] != v[0]]
    moves.sort(key=lambda m: (-abs(m.change or 0), m.challenge_id, m.startup_id))
    weights = [
        (name, float(other.weights.get(name, 0)), float(run.weights.get(name, 0)))
        for name in run.weights.keys() | other.weights.keys()
        if float(other.weights.get(name, 0)) != float(run.weights.get(name, 0))
    ]
    weights.sort()
    parameters = [
        (name, other.parameters[name], value)
        for name, value in run.parameters.items()
        if other.parameters[name] != value
    ]
    return Comparison(
        weights=weights,
        parameters=parameters,
        new_assigned=new_assigned,
        dropped_assigned=dropped,
        rank_moves=moves,
        newly_listed=len(now.keys() - before.keys()),
        no_longer_listed=len(before.keys() - now.keys()),
    )


def comparison_signature(run: MatchRun, other: MatchRun) -> str:
    """What a stored comparison of the two runs was computed from: both runs' finish times (a run's proposals are
    written once, when it finishes), weights and parameters. A stored comparison with another signature is stale."""

    def facts(r: MatchRun) -> list:
        return [r.pk, r.status, r.finished_at.isoformat() if r.finished_at else None, r.weights, r.parameters]

    return fingerprint_of({"run": facts(run), "other": facts(other)})


def stored_comparison(run: MatchRun, other: MatchRun) -> RunComparison | None:
    """The stored comparison of `run` with `other` when it is current, else None."""
    return (
        RunComparison.objects.filter(run=run, other=other, signature=comparison_signature(run, other))
        .select_related("run", "other")
        .first()
    )
