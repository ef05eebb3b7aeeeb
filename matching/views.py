"""Ministry staff's matching screens in the Wagtail admin (the runs' list is a viewset: admin_views.py): a run's proposals, one challenge's
ranked proposals with their factor bars (accept / reject), and the comparison of two runs. Ministry staff only:
everybody else gets 403 (see permissions.py for why municipalities see nothing here)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from portal.challenges.models import ChallengePage
from portal.core.params import positive_id

from . import permissions as rules
from . import selectors, services
from .filters import ProposalFilter
from .forms import AcceptForm, RejectForm
from .models import MatchRun
from .presentation import challenge_alternates

PROPOSALS_PER_PAGE = 50
MOVES_PER_PAGE = 100


def ministry_only(view):
    """403 with the rule's reason for everybody but ministry staff. (Raising PermissionDenied inside the admin
    would only redirect to the dashboard.)"""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        allowed, reason = rules.can_view_matching(request.user)
        if not allowed:
            return TemplateResponse(request, "matching/admin/forbidden.html", {"reason": reason}, status=403)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return TemplateResponse(
                request, "matching/admin/forbidden.html", {"reason": str(exc)}, status=403
            )

    return wrapped


def _paginate(request, qs, per_page: int):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _run(pk) -> MatchRun:
    return get_object_or_404(MatchRun.objects.select_related("started_by", "previous"), pk=pk)


@ministry_only
def run_detail(request, pk):
    """A run: how it was made, its progress, what changed since the previous run, its proposals by challenge."""
    run = _run(pk)
    filterset = ProposalFilter(request.GET, queryset=selectors.proposals_of_run(run))
    comparison = None
    if run.previous_id and run.status == MatchRun.Status.DONE and run.previous.status == MatchRun.Status.DONE:
        comparison = services.run_comparison(run=run, other=run.previous)  # stored when the run finished
    return TemplateResponse(
        request,
        "matching/admin/run_detail.html",
        {
            "run": run,
            "filter": filterset,
            "page_obj": _paginate(request, filterset.qs, PROPOSALS_PER_PAGE),
            "comparison": comparison,
            "step_label": services.STEPS.get(run.progress_message, (0, ""))[1],
        },
    )


@ministry_only
def run_challenge(request, pk, challenge_pk):
    """One challenge's ranked proposals in a run, with factor bars, keywords and reasons; accept or reject here."""
    run = _run(pk)
    challenge = get_object_or_404(ChallengePage.objects.select_related("municipality"), pk=challenge_pk)
    proposals = selectors.proposals_of_run(run).filter(challenge=challenge)
    if not proposals.exists():
        raise Http404
    error = None
    status = 200
    if request.method == "POST":
        proposal = get_object_or_404(proposals, pk=positive_id(request.POST.get("proposal")))
        action = request.POST.get("action")
        form = (AcceptForm if action == "accept" else RejectForm)(request.POST)
        try:
            if action not in {"accept", "reject"}:
                raise ValidationError(_("Unknown action."))
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            if action == "accept":
                services.proposal_accept(
                    proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("Accepted: the match is made and the engagement has been opened.")
                )
            else:
                services.proposal_reject(
                    proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Rejected: the pair will not be proposed again."))
            return redirect(request.path)
        except ValidationError as exc:
            error = {"proposal": proposal.pk, "action": action, "messages": _errors(exc)}
            status = 400
    proposals = list(proposals)
    for p in proposals:  # a recused reviewer sees why instead of the buttons
        refused = rules.recused_from_proposal(request.user, p)
        p.recused = refused[1] if refused else ""
    return TemplateResponse(
        request,
        "matching/admin/run_challenge.html",
        {
            "run": run,
            "challenge": challenge,
            "proposals": proposals,
            "alternates": challenge_alternates(proposals),
            "partners": selectors.accepted_count_for_challenge(challenge.pk),
            "error": error,
        },
        status=status,
    )


@ministry_only
def run_compare(request, pk):
    """What changed from another run (the previous one by default) to this one."""
    run = _run(pk)
    other_pk = positive_id(request.GET.get("against") or run.previous_id)
    if other_pk is None:
        raise Http404
    other = get_object_or_404(MatchRun, pk=other_pk)
    comparison = services.run_comparison(run=run, other=other)  # computed once per pair of runs, then read
    return TemplateResponse(
        request,
        "matching/admin/run_compare.html",
        {
            "run": run,
            "comparison": comparison,
            "page_obj": _paginate(request, comparison.rank_moves, MOVES_PER_PAGE),
        },
    )
