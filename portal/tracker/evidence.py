"""What an evidence pack (随意契約の根拠資料) is made of: the clauses it may rely on, and the facts it freezes.

A municipality that contracts the startup of a finished PoC without open tender relies on one item of
地方自治法施行令第167条の2第1項 (Local Autonomy Act Enforcement Order, Art. 167-2 (1)). `CLAUSES` lists the nine items
with the conditions a municipality confirms for each (a summary for the checklist: the Order's text and the
municipality's own rules govern). `build_snapshot()` reads the engagement's records once, when a version is made, so
every version's PDF shows the figures as they were recorded that day.

Other parts of the tracker add sections through `register_evidence_section(key, title, rows)`: the agreements
(実証協定書・契約, issue #22 item 3) register theirs there; a section whose `rows(engagement)` is empty is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from matching.selectors import accepted_proposal_id
from portal.core.fiscal import fiscal_year_of

from .workflow import Stage


@dataclass(frozen=True)
class Clause:
    number: int
    label: Promise
    conditions: tuple[tuple[str, Promise], ...]


CLAUSES: tuple[Clause, ...] = (
    Clause(
        1,
        _(
            "Item 1: the estimated price is within the amount the municipality's rules set for this kind of contract"
        ),
        (
            ("price_set", _("The estimated price has been set.")),
            (
                "under_limit",
                _("It does not exceed the amount in the municipality's rules (Appended Table 5)."),
            ),
            ("not_split", _("The contract has not been split to stay under that amount.")),
        ),
    ),
    Clause(
        2,
        _("Item 2: the nature or purpose of the contract is not suited to competitive bidding"),
        (
            (
                "only_supplier",
                _("Only this startup offers what the challenge needs (technology, rights, know-how)."),
            ),
            ("poc_shows", _("The PoC's results show that the solution meets the desired outcome.")),
            (
                "explainable",
                _("The reason is recorded so that it can be explained to the assembly and residents."),
            ),
        ),
    ),
    Clause(
        3,
        _("Item 3: purchase from a welfare facility or organisation named in the item"),
        (
            ("facility", _("The supplier is a facility or organisation of the kind named in the item.")),
            ("procedure", _("The municipality's procedure for this item was followed.")),
        ),
    ),
    Clause(
        4,
        _("Item 4: a new product or service of a business certified by the head of the municipality"),
        (
            (
                "certified",
                _("The startup is certified by the head of the municipality as opening a new field."),
            ),
            ("certified_product", _("What is bought is the certified new product or service.")),
            ("procedure", _("The municipality's rules for this procedure were followed.")),
        ),
    ),
    Clause(
        5,
        _("Item 5: an urgent need leaves no time for competitive bidding"),
        (
            ("cause", _("The urgency and its cause are recorded.")),
            ("no_time", _("A tender could not have been completed in time.")),
        ),
    ),
    Clause(
        6,
        _("Item 6: competitive bidding is judged disadvantageous"),
        (
            (
                "disadvantage",
                _("Why a tender would be disadvantageous is recorded (e.g. continuity after the PoC)."),
            ),
        ),
    ),
    Clause(
        7,
        _("Item 7: a price markedly more favourable than the market price can be expected"),
        (
            ("market_checked", _("The market price has been checked.")),
            ("markedly_lower", _("The expected price is markedly lower than the market price.")),
        ),
    ),
    Clause(
        8,
        _("Item 8: a tender had no bidder, or a re-tender no successful bidder"),
        (
            ("tender_recorded", _("The tender and the re-tender are recorded.")),
            ("same_terms", _("The terms are those of the tender, except the price.")),
        ),
    ),
    Clause(
        9,
        _("Item 9: the successful bidder did not sign the contract"),
        (
            ("refusal_recorded", _("The successful bidder's refusal is recorded.")),
            ("not_above_bid", _("The price is not above the winning bid.")),
        ),
    ),
)
CLAUSE_BY_NUMBER = {c.number: c for c in CLAUSES}
ORDER_NAME = "地方自治法施行令第167条の2第1項"

# Stages from which a municipality may build an evidence pack: the PoC has been done.
EVIDENCE_STAGES = (Stage.POC_DONE, Stage.CONTRACT, Stage.DEPLOYMENT, Stage.ADOPTED_ELSEWHERE)


@dataclass(frozen=True)
class EvidenceSection:
    key: str
    title: Promise | str
    rows: Callable  # (engagement) -> list[tuple[str, str]]


_SECTIONS: dict[str, EvidenceSection] = {}


def register_evidence_section(key: str, title, rows: Callable) -> None:
    """Add a section to every evidence pack made from now on (e.g. the agreements: 実証協定書・契約)."""
    _SECTIONS[key] = EvidenceSection(key, title, rows)


def pilot_figures(engagement) -> dict[str, int]:
    """The pilot's figures from its progress reports and trips — the same rules as the case study's draft:
    residents served and contract value are the highest reported, cost saved the sum, travel the settled sum."""
    reports = list(engagement.reports.all())
    return {
        "reports": len(reports),
        "residents_served": max((r.residents_served or 0 for r in reports), default=0),
        "cost_saved_yen": sum(r.cost_saved_yen or 0 for r in reports),
        "contract_value_yen": max((r.contract_value_yen or 0 for r in reports), default=0),
        "travel_settled_yen": sum(t.settled_yen or 0 for t in engagement.travel_requests.all()),
    }


def _day(instant) -> str:
    return timezone.localtime(instant).date().isoformat()  # the calendar day in Japan (TIME_ZONE)


def build_snapshot(engagement) -> dict:
    """The facts a version freezes: the engagement, its challenge's desired outcome, its stage history, every
    progress report with its figures, the totals, the accepted match proposal (for its reasons and the alternatives
    considered) and the registered sections. Plain JSON: dates as ISO strings, amounts as integer yen."""
    challenge = engagement.challenge
    changes = list(engagement.stage_changes.order_by("at", "pk"))
    poc_done = [c for c in changes if c.to_stage == Stage.POC_DONE]
    reports = sorted(engagement.reports.all(), key=lambda r: (r.created_at, r.pk))
    sections = []
    with translation.override("ja"):  # frozen as the pack's PDF reads: in Japanese, whoever builds it
        for section in _SECTIONS.values():
            rows = [[str(label), str(value)] for label, value in section.rows(engagement)]
            if rows:
                sections.append({"key": section.key, "title": str(section.title), "rows": rows})
    return {
        "engagement": {
            "id": engagement.pk,
            "title": engagement.title or (challenge.title if challenge else ""),
            "municipality": str(engagement.municipality),
            "startup": str(engagement.startup),
            "challenge": challenge.title if challenge else "",
            "desired_outcome": (challenge.desired_outcome if challenge else "") or "",
            "stage": engagement.stage,
            "opened_on": _day(engagement.opened_at),
            "fiscal_year": engagement.fiscal_year,
        },
        "poc_done_on": _day(poc_done[-1].at) if poc_done else "",
        "history": [
            {
                "on": _day(c.at),
                "from": c.from_stage,
                "to": c.to_stage,
                "reason": c.reason,
            }
            for c in changes
        ],
        "reports": [
            {
                "on": _day(r.created_at),
                "side": r.side,
                "text": r.text,
                "residents_served": r.residents_served,
                "cost_saved_yen": r.cost_saved_yen,
                "contract_value_yen": r.contract_value_yen,
            }
            for r in reports
        ],
        "figures": pilot_figures(engagement),
        "proposal_id": accepted_proposal_id(engagement.challenge_id, engagement.startup_id),
        # the external reviewers' opinions received so far (their signed statements stay in private storage)
        "reviews": [
            {"name": r.name, "on": _day(r.submitted_at), "opinion": r.opinion}
            for r in engagement.reviewer_invitations.filter(submitted_at__isnull=False).order_by(
                "submitted_at", "pk"
            )
        ],
        "sections": sections,
    }


def next_fiscal_year(today) -> int:
    """The fiscal year a contract after the PoC would be budgeted in: the one after today's."""
    return fiscal_year_of(today) + 1
