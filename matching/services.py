"""Writes for matching: start a run, execute it (engine over the live data, results saved in one transaction),
accept or reject a proposal. Keyword-only, validated, audited, with notifications.

Accepting a proposal is the hand-over to the apps after matching: the startup's application (if any) is marked
matched, the challenge's outcome is recorded, and `matching.signals.proposal_accepted` is sent inside the same
transaction, so the tracker opens the engagement with it (or nothing happens at all).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, User
from portal.accounts.selectors import active_members
from portal.applications.models import Application, ApplicationState
from portal.applications.services import application_mark_matched
from portal.challenges.services import challenge_record_outcome
from portal.challenges.status import ChallengeOutcome
from portal.core.audit import record
from portal.core.decisions import Decision, require
from portal.core.i18n import localized
from portal.core.notifications import notify

from . import permissions as rules
from . import selectors
from .engine import FACTORS, MatchSession, ProblemError, load_problem
from .models import (
    DEFAULT_CAPACITY,
    DEFAULT_TOP_K,
    MatchProposal,
    MatchRun,
    ReviewStatus,
    RunComparison,
    RunComparisonRow,
    default_weights,
)
from .signals import proposal_accepted

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]

# The steps of a run, in order, with the progress (per cent) reached when each starts.
STEPS = {
    "input": (5, _("Reading the live data")),
    "scoring": (20, _("Scoring every pair")),
    "assignment": (60, _("Assigning and explaining")),
    "saving": (85, _("Saving the proposals")),
    "done": (100, _("Finished")),
    "failed": (100, _("Failed")),
}


class ProposalRefused(ValidationError):
    """A review rule said no; the message is the rule's reason, ready for the user."""


def _check(decision: Decision, *, deny: bool = False) -> None:
    require(decision, refusal=PermissionDenied if deny else ProposalRefused)


def _url(name: str, *args, fallback: str = "") -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


# --------------------------------------------------------------------------------------------- runs


def clean_weights(weights: dict | None) -> dict[str, float]:
    """The defaults overridden by `weights`; only the engine's factor names, numbers ≥ 0, at least one positive."""
    merged = default_weights()
    for name, value in (weights or {}).items():
        if name not in FACTORS:
            raise ValidationError(
                {
                    "weights": _("Unknown factor %(name)s (known: %(known)s).")
                    % {"name": name, "known": ", ".join(FACTORS)}
                }
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(
                {"weights": _("The weight of %(name)s must be a number.") % {"name": name}}
            ) from None
        if not number >= 0 or number == float("inf"):
            raise ValidationError(
                {"weights": _("The weight of %(name)s must be 0 or more.") % {"name": name}}
            )
        merged[name] = number
    if not any(v > 0 for v in merged.values()):
        raise ValidationError({"weights": _("At least one weight must be positive.")})
    return merged


def match_run_create(
    *,
    actor: User | None,
    weights: dict | None = None,
    top_k: int = DEFAULT_TOP_K,
    travel_budget_yen: int | None = None,
    default_capacity: int = DEFAULT_CAPACITY,
) -> MatchRun:
    """A queued run with its parameters, compared later with the latest finished run. Ministry staff or the system."""
    _check(rules.can_start_run(actor), deny=True)
    run = MatchRun(
        weights=clean_weights(weights),
        top_k=top_k,
        travel_budget_yen=travel_budget_yen,
        default_capacity=default_capacity,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        previous=selectors.latest_finished_run(),
    )
    run.full_clean()
    with transaction.atomic():
        run.save()
        record(actor=actor, action="matching.run_create", obj=run, weights=run.weights, **run.parameters)
    return run


def _set_progress(run: MatchRun, step: str, progress: Progress | None) -> None:
    percent, _label = STEPS[step]
    run.progress, run.progress_message = percent, step
    # A plain UPDATE outside the saving transaction, so that other processes see how far the run is.
    MatchRun.objects.filter(pk=run.pk).update(progress=percent, progress_message=step)
    if progress:
        progress(percent, step)


def match_run_execute(*, run: MatchRun, progress: Progress | None = None) -> MatchRun:
    """Run the engine on the live data and save its proposals; the run ends done or failed (with the error).

    Only a queued run is executed (a second worker picking up the same run does nothing). `progress(percent, step)`
    is called at each step (the command draws a bar with it).
    """
    claimed = MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now(), progress=1
    )
    if not claimed:
        raise ValidationError(_("Only a queued run can be executed."))
    run.refresh_from_db()
    durations: dict[str, float] = {}
    started = time.perf_counter()
    try:
        _set_progress(run, "input", progress)
        tick = time.perf_counter()
        engine_input = selectors.build_engine_input(
            weights=run.weights,
            top_k=run.top_k,
            travel_budget_yen=run.travel_budget_yen,
            default_capacity=run.default_capacity,
        )
        run.input_fingerprint, run.input_summary = engine_input.fingerprint, engine_input.summary
        problem = load_problem(engine_input.data)
        durations["input"] = time.perf_counter() - tick

        _set_progress(run, "scoring", progress)
        session = MatchSession(problem)
        _set_progress(run, "assignment", progress)
        result = session.propose(language="ja", languages=("en",))
        durations.update(result.durations_s)
        durations.pop("total", None)

        _set_progress(run, "saving", progress)
        tick = time.perf_counter()
        _save_results(run, result, engine_input, durations, started, tick)
    except Exception as error:  # the run records any failure; the worker and the command report it
        logger.exception("matching run %s failed", run.pk)
        message = (
            str(error)
            if isinstance(error, ProblemError | ValidationError)
            else f"{type(error).__name__}: {error}"
        )
        _fail(run, message, durations, started)
    if progress:
        progress(run.progress, run.progress_message)
    return run


def _save_results(run, result, engine_input, durations, started, tick) -> None:
    proposals = [
        MatchProposal(
            run=run,
            challenge_id=p.challenge,
            startup_id=p.startup,
            application_id=engine_input.applications.get((p.challenge, p.startup)),
            score=p.score,
            rank=p.rank,
            assigned=p.assigned,
            fixed=p.fixed,
            excluded=p.excluded,
            travel_cost_yen=p.travel_cost_yen,
            factors={
                name: {"value": f.value, "weight": f.weight, "contribution": f.contribution}
                for name, f in p.factors.items()
            },
            keywords=list(p.keywords),
            reason=p.reason,
            reason_en=p.reasons.get("en", ""),
            explanation=p.explanation,
            alternate=p.alternate,
        )
        for p in result.proposals
    ]
    with transaction.atomic():
        MatchProposal.objects.bulk_create(proposals, batch_size=1000)
        durations["save"] = time.perf_counter() - tick
        durations["total"] = time.perf_counter() - started
        run.status = MatchRun.Status.DONE
        run.finished_at = timezone.now()
        run.objective = result.objective
        run.budget_used_yen = result.budget_used_yen
        run.durations_s = {k: round(v, 4) for k, v in durations.items()}
        run.progress, run.progress_message = STEPS["done"][0], "done"
        run.error = ""
        run.save()
        # compared with the previous run once, here, and stored with the run: its pages read the result
        if run.previous_id and run.previous.status == MatchRun.Status.DONE:
            run_comparison(run=run, other=run.previous)
        record(
            actor=run.started_by,
            action="matching.run_done",
            obj=run,
            fingerprint=run.input_fingerprint,
            proposals=len(proposals),
            assigned=sum(p.assigned for p in proposals),
        )
        _tell_starter(run, n=len(proposals))


def _fail(run: MatchRun, message: str, durations: dict, started: float) -> None:
    durations["total"] = time.perf_counter() - started
    with transaction.atomic():
        run.status = MatchRun.Status.FAILED
        run.finished_at = timezone.now()
        run.error = message[:2000]
        run.durations_s = {k: round(v, 4) for k, v in durations.items()}
        run.progress, run.progress_message = STEPS["failed"][0], "failed"
        run.save()
        record(actor=run.started_by, action="matching.run_failed", obj=run, error=run.error)
        _tell_starter(run, n=0, variant="failed")


def _tell_starter(run: MatchRun, *, n: int, variant: str = "") -> None:
    if run.started_by is None:
        return
    notify(
        [run.started_by],
        kind="matching.run_finished",
        params={"id": run.pk, "n": n, "text": run.error, "variant": variant},
        url=_url("match_run:run", run.pk),
    )


# --------------------------------------------------------------------------------------------- comparison


def run_comparison(*, run: MatchRun, other: MatchRun) -> RunComparison:
    """The stored comparison of `run` with `other`, computed (and stored) now if there is none or it is stale.

    Derived data, like a cache: it records no audit event of its own (the run's own events say what happened). Two
    viewers computing it at once both write the same result; the unique (run, other) pair keeps one.
    """
    stored = selectors.stored_comparison(run, other)
    if stored is not None:
        return stored
    fresh = selectors.compare_runs(run, other)
    signature = selectors.comparison_signature(run, other)
    kinds = (
        (RunComparisonRow.Kind.NEW_ASSIGNED, fresh.new_assigned),
        (RunComparisonRow.Kind.DROPPED_ASSIGNED, fresh.dropped_assigned),
        (RunComparisonRow.Kind.RANK_MOVE, fresh.rank_moves),
    )
    with transaction.atomic():
        comparison, _created = RunComparison.objects.select_for_update().update_or_create(
            run=run,
            other=other,
            defaults={
                "signature": signature,
                "weight_changes": [list(w) for w in fresh.weights],
                "parameter_changes": [list(p) for p in fresh.parameters],
                "new_assigned_count": len(fresh.new_assigned),
                "dropped_assigned_count": len(fresh.dropped_assigned),
                "rank_moves_count": len(fresh.rank_moves),
                "newly_listed": fresh.newly_listed,
                "no_longer_listed": fresh.no_longer_listed,
            },
        )
        comparison.rows.all().delete()
        RunComparisonRow.objects.bulk_create(
            (
                RunComparisonRow(
                    comparison=comparison,
                    kind=kind,
                    position=position,
                    challenge_id=m.challenge_id,
                    startup_id=m.startup_id,
                    before=m.before,
                    after=m.after,
                )
                for kind, moves in kinds
                for position, m in enumerate(moves)
            ),
            batch_size=1000,
        )
    comparison.run, comparison.other = run, other
    return comparison


# --------------------------------------------------------------------------------------------- review


def _locked(proposal: MatchProposal) -> MatchProposal:
    return (
        MatchProposal.objects.select_for_update(of=("self",))
        .select_related("run", "challenge", "challenge__municipality", "startup", "application")
        .get(pk=proposal.pk)
    )


def _sync(target: MatchProposal, source: MatchProposal) -> MatchProposal:
    for name in ("review_status", "reviewed_by", "reviewed_at", "review_reason"):
        setattr(target, name, getattr(source, name))
    return target


def proposal_accept(*, proposal: MatchProposal, actor: User, reason: str = "") -> MatchProposal:
    """Accept a proposal: the pair becomes a match.

    In one transaction: the proposal is accepted (fixed in later runs), the startup's submitted or shortlisted
    application is marked matched, the challenge's outcome is recorded as matched, `proposal_accepted` is sent (the
    tracker opens the engagement), both sides are told and an audit event is written. Refused (ProposalRefused, with
    the reason) when the challenge already has its partners or the startup is at capacity.
    """
    _check(rules.can_view_matching(actor), deny=True)
    with transaction.atomic():
        locked = _locked(proposal)
        challenge, startup = locked.challenge, locked.startup
        # Serialise acceptances for the same municipality and startup, so capacities hold under concurrency.
        list(
            Organisation.objects.select_for_update()
            .filter(pk__in=[challenge.municipality_id, startup.pk])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        application = Application.objects.filter(challenge=challenge, startup=startup).first()
        _check(rules.can_accept(actor, locked, application=application))
        if application is not None and application.state == ApplicationState.DRAFT:
            application = None  # a draft was never sent: the startup was scouted
        locked.review_status = ReviewStatus.ACCEPTED
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.review_reason = (reason or "").strip()
        locked.full_clean()
        locked.save()
        if application is not None:
            application = application_mark_matched(application=application, actor=actor)
        if challenge.outcome != ChallengeOutcome.MATCHED:
            challenge_record_outcome(challenge=challenge, outcome=ChallengeOutcome.MATCHED, actor=actor)
        record(
            actor=actor,
            action="matching.proposal_accept",
            obj=locked,
            run=locked.run_id,
            challenge=challenge.pk,
            startup=startup.pk,
            application=getattr(application, "pk", None),
            reason=locked.review_reason,
        )
        proposal_accepted.send(
            sender=MatchProposal,
            proposal=locked,
            challenge=challenge,
            startup=startup,
            application=application,
            actor=actor,
        )
        _tell_both_sides(locked)
    return _sync(proposal, locked)


def _tell_both_sides(proposal: MatchProposal) -> None:
    params = {
        "challenge": localized(proposal.challenge, "title"),
        "startup": proposal.startup,
        "text": proposal.review_reason,
    }
    for recipients, variant, url_name, fallback in (
        (active_members(proposal.startup_id), "", "startups:mypage", "/mypage/"),
        (
            active_members(proposal.challenge.municipality_id),
            "staff",
            "engagement:index",
            "/admin/",
        ),
    ):
        by_language: dict[str, list[User]] = {}
        for user in recipients:
            by_language.setdefault(user.preferred_language or settings.LANGUAGE_CODE, []).append(user)
        for language, group in by_language.items():
            with translation.override(language):
                url = _url(url_name, fallback=fallback)
            notify(group, kind="matching.proposal_accepted", params=params | {"variant": variant}, url=url)


def proposal_reject(*, proposal: MatchProposal, actor: User, reason: str) -> MatchProposal:
    """Reject a proposal with a reason (required: the decision must be explainable); the pair is excluded from
    later runs. The startup is not told (it may never have applied); the run's starter is, if someone else."""
    _check(rules.can_view_matching(actor), deny=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for the rejection.")})
    with transaction.atomic():
        locked = _locked(proposal)
        _check(rules.can_reject(actor, locked))
        locked.review_status = ReviewStatus.REJECTED
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.review_reason = reason
        locked.full_clean()
        locked.save()
        record(
            actor=actor,
            action="matching.proposal_reject",
            obj=locked,
            run=locked.run_id,
            challenge=locked.challenge_id,
            startup=locked.startup_id,
            reason=reason,
        )
        starter = locked.run.started_by
        if starter is not None and starter.pk != actor.pk:
            notify(
                [starter],
                kind="matching.proposal_rejected",
                params={
                    "challenge": localized(locked.challenge, "title"),
                    "startup": locked.startup,
                    "text": reason,
                },
                url=_url("match_run:run", locked.run_id),
            )
    return _sync(proposal, locked)
