"""Reads for the evidence pack PDF (随意契約の根拠資料): one version, printed from the facts it froze.

Who may have it is the tracker's rule (`can_view_evidence_pack`: the two parties, ministry staff, and a municipality
that joined the solution while both parties consent to sharing). The matching's reasons and the other candidates are
printed only for readers who may have the proposal sheet (ministry staff and the engagement's municipality): the
startup and joining municipalities never see the ministry's deliberation.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.models import MatchProposal
from portal.tracker.evidence import CLAUSE_BY_NUMBER, ORDER_NAME, Clause
from portal.tracker.models import EvidencePack
from portal.tracker.permissions import SIDE_LABELS, can_view_evidence_pack
from portal.tracker.workflow import Stage

from . import permissions, proposals


@dataclass
class EvidenceSheet:
    pack: EvidencePack
    snapshot: dict
    clause: Clause
    conditions: list[tuple[str, bool]]
    order_name: str
    history: list[dict]
    reports: list[dict]
    proposal: proposals.ProposalSheet | None


def evidence_pack_for(user, pk: int) -> EvidencePack:
    """A version the user may read; EvidencePack.DoesNotExist otherwise (the view answers 404 whatever the reason)."""
    pack = EvidencePack.objects.select_related("engagement__municipality", "engagement__startup").get(pk=pk)
    if not can_view_evidence_pack(user, pack)[0]:
        raise EvidencePack.DoesNotExist
    return pack


def _stage_label(value: str) -> str:
    return str(Stage(value).label) if value in Stage.values else value


def evidence_sheet(user, pack: EvidencePack) -> EvidenceSheet:
    snap = pack.snapshot or {}
    clause = CLAUSE_BY_NUMBER[pack.clause]
    met = set(pack.conditions_met or [])
    proposal = None
    proposal_id = snap.get("proposal_id")
    if proposal_id:
        found = (
            MatchProposal.objects.select_related("run", "challenge__municipality", "startup", "reviewed_by")
            .filter(pk=proposal_id)
            .first()
        )
        if found is not None and permissions.can_get_proposal_sheet(user, found)[0]:
            proposal = proposals.proposal_sheet(found)
    return EvidenceSheet(
        pack=pack,
        snapshot=snap,
        clause=clause,
        conditions=[(str(label), key in met) for key, label in clause.conditions],
        order_name=ORDER_NAME,
        history=[
            {
                **h,
                "from_label": _stage_label(h.get("from") or ""),
                "to_label": _stage_label(h.get("to") or ""),
            }
            for h in snap.get("history", [])
        ],
        reports=[
            {**r, "side_label": str(SIDE_LABELS.get(r.get("side"), r.get("side")))}
            for r in snap.get("reports", [])
        ],
        proposal=proposal,
    )
