"""Reads for the proposal sheet (提案書): one accepted match proposal with the reasons a municipality files with its
selection record (随意契約の理由).

The sheet goes to the challenge's municipality as well as to ministry staff, so it names only what the municipality
may know: the matched startup, and among the other candidates considered those that applied to its challenge. A
scouted startup that never applied is described, not named (the ministry's review screen names it).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.utils.translation import gettext as _

from matching.engine import explain
from matching.models import MatchProposal
from matching.presentation import ExplanationView, explanation_view, reader_language

from . import permissions


@dataclass
class ProposalSheet:
    proposal: MatchProposal
    facts: ExplanationView
    reason: str  # the reasons as sentences, in the active language


def proposal_for_sheet(user, pk: int) -> MatchProposal:
    """An accepted proposal the user may have the sheet of (permissions.can_get_proposal_sheet); DoesNotExist
    otherwise, so that the view answers 404 whatever the reason."""
    proposal = MatchProposal.objects.select_related(
        "run", "challenge", "challenge__municipality", "startup", "application", "reviewed_by"
    ).get(pk=pk)
    allowed, _why = permissions.can_get_proposal_sheet(user, proposal)
    if not allowed:
        raise MatchProposal.DoesNotExist
    return proposal


def shareable_explanation(explanation: dict) -> dict:
    """The explanation with the names of scouted startups (that did not apply) replaced by a description."""
    shared = copy.deepcopy(explanation or {})
    unnamed = 0
    for other in shared.get("alternatives") or []:
        if not other.get("applied"):
            unnamed += 1
            other["name"] = _("a candidate that did not apply (%(n)s)") % {"n": unnamed}
    lost = shared.get("lost") or {}
    if lost.get("code") == "challenge_full":
        lost["others"] = [_("another candidate")]
    elif lost.get("code") == "exchange":
        lost["displaced"] = [_("another pair")]
    return shared


def proposal_sheet(proposal: MatchProposal) -> ProposalSheet:
    """What the sheet prints, in the active language."""
    language = reader_language()
    shared = shareable_explanation(proposal.explanation)
    reason = explain.render(shared, language) if shared else proposal.reason_text
    return ProposalSheet(proposal=proposal, facts=explanation_view(shared, language), reason=reason)
