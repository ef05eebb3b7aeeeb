"""Reasons an official can file: why a startup is (or is not) proposed for a challenge, in Japanese and English.

Two steps, so that the portal can show the same facts as a list and as prose:

1. `explanation(...)` gathers the facts of one proposal into a JSON-serialisable dict, in no language: the challenge's
   requirement words with the startup's matching capability words and the closest pair of sentences (from the
   semantic evidence, or the shared words), the startup's track record in the challenge's themes, both sides'
   preferences, a declared conflict of interest, the travel estimate, and either the alternatives considered (each
   with plain-language codes saying why it ranked lower) or why this pair lost.
2. `render(explanation, language)` (wording.py, re-exported here) writes it as sentences a municipality can paste
   into its 随意契約の理由 record.

The sentences carry no factor numbers (those stay in the proposal's `factors` breakdown): a ranking is explained by
what differs — 「要件との一致が弱い」, 「同テーマの実績がない」, 「受入枠が埋まっている」 — never by "0.065 points".
Only yen amounts, counts and fiscal years appear as figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .wording import (  # noqa: F401  (the reasons' words, re-exported: explain.render etc.)
    LANGUAGES,
    TEXTS,
    alternative_text,
    fiscal_year_label,
    lost_text,
    municipality_side_text,
    ordinal_text,
    pair_text,
    preference_text,
    reasons,
    record_text,
    render,
    startup_side_text,
    why_text,
)

# A factor must trail the chosen pair's by at least this much of the total score (weighted contribution) to be named
# as a reason why an alternative ranked lower; smaller differences are noise in words.
MEANINGFUL_DIFFERENCE = 0.01
MAX_REASONS_PER_ALTERNATIVE = 2
MAX_ALTERNATIVES = 3
MAX_RECORDS = 3
MAX_PAIRS = 5
SENTENCE_CHARS = 80
# The closest sentences are quoted only from this similarity up: below it, the best of a poor lot (on the evaluation
# examples unrelated pairs reached ~0.65, related ones ~0.7 and more).
MIN_SENTENCE_SIMILARITY = 0.70


class Evidence(Protocol):
    """What the semantic module says about one (challenge, startup) pair, best first."""

    pairs: list[tuple[str, str, float]]  # (requirement as written, capability as written, similarity 0–1)
    sentences: tuple[str, str, float] | None  # (challenge sentence, startup sentence, similarity)


@dataclass(frozen=True)
class Record:
    """A past engagement of the startup, as the input gives it (TrackRecord)."""

    title: str
    themes: tuple[str, ...]
    outcome: str
    municipality: str = ""
    fiscal_year: int | None = None


@dataclass
class Candidate:
    """Another startup considered for the same challenge, with what the comparison needs."""

    startup: Any
    name: str
    contributions: dict[str, float]  # weighted factor values (the score's parts)
    values: dict[str, float]  # factor values 0–1
    applied: bool = False
    alternate: int | None = None
    # what keeps it out whatever its score: "capacity", "budget", "conflict", "excluded", or when it scores higher
    # "accepted_first" (the chosen pair was accepted earlier) / "assignment" (the global optimum preferred others)
    obstacles: list[str] = field(default_factory=list)


# --- facts ---------------------------------------------------------------------------------------------------------


def grade_code(grade: float | None) -> str | None:
    """The municipality's grade (−1 … +1) in words: strongly_for, for, neutral, against, strongly_against."""
    if grade is None:
        return None
    if grade >= 0.75:
        return "strongly_for"
    if grade >= 0.25:
        return "for"
    if grade > -0.25:
        return "neutral"
    if grade > -0.75:
        return "against"
    return "strongly_against"


def weaker_codes(
    chosen: dict[str, float], other: dict[str, float], other_values: dict[str, float], *, other_applied: bool
) -> list[str]:
    """Why `other` ranks below `chosen`, as codes ordered by how much each factor trails (largest first).

    Each factor whose weighted contribution trails by at least MEANINGFUL_DIFFERENCE gives one code; several text
    factors give one "requirements" code. Nothing meaningful → ["overall"] (slightly lower on the whole)."""
    gaps = []
    for name, value in chosen.items():
        gap = value - other.get(name, 0.0)
        if gap >= MEANINGFUL_DIFFERENCE:
            gaps.append((gap, _factor_code(name, other_values.get(name, 0.0), other_applied)))
    codes: list[str] = []
    for _gap, code in sorted(gaps, key=lambda g: -g[0]):
        if code not in codes:
            codes.append(code)
    return codes[:MAX_REASONS_PER_ALTERNATIVE] or ["overall"]


def _factor_code(name: str, value: float, applied: bool) -> str:
    if name in {"text", "semantic"}:
        return "requirements"
    if name == "track_record":
        return "no_track_record" if value <= 0 else "less_track_record"
    if name in {"preference", "applied"}:
        return "lower_preference" if applied else "not_applied"
    if name in {"themes", "travel", "stage"}:
        return name
    return "other"


def relevant_records(
    records: Iterable[Record], themes: Sequence[str], limit: int = MAX_RECORDS
) -> list[dict]:
    """The startup's records sharing a theme with the challenge: deployments before contracts before trials, newest
    first, at most `limit`."""
    wanted = set(themes)
    strength = {"deployment": 0, "contract": 1, "poc": 2}
    chosen = [r for r in records if wanted & set(r.themes)]
    chosen.sort(key=lambda r: (strength.get(r.outcome, 3), -(r.fiscal_year or 0)))
    return [
        {
            "title": r.title,
            "themes": [t for t in r.themes if t in wanted],
            "outcome": r.outcome,
            "municipality": r.municipality,
            "fiscal_year": r.fiscal_year,
        }
        for r in chosen[:limit]
    ]


def _clip(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= SENTENCE_CHARS else sentence[: SENTENCE_CHARS - 1] + "…"


def requirement_pairs(evidence: Evidence | None, keywords: Sequence[str]) -> list[dict]:
    """(requirement, capability) word pairs: the semantic evidence's, else the shared words (the same on both sides)."""
    if evidence is not None and evidence.pairs:
        return [
            {"requirement": r, "capability": c, "similarity": round(float(s), 3)}
            for r, c, s in evidence.pairs[:MAX_PAIRS]
        ]
    return [{"requirement": w, "capability": w, "similarity": 1.0} for w in list(keywords)[:MAX_PAIRS]]


def explanation(
    *,
    startup: str,
    challenge: str,
    assigned: bool,
    fixed: bool = False,
    excluded: bool = False,
    evidence: Evidence | None = None,
    keywords: Sequence[str] = (),
    records: Iterable[Record] = (),
    challenge_themes: Sequence[str] = (),
    applied: bool = False,
    shortlisted: bool = False,
    preference: int | None = None,
    grade: float | None = None,
    alternate: int | None = None,
    conflict: dict | None = None,
    travel_cost_yen: int = 0,
    contributions: dict[str, float] | None = None,
    alternatives: Sequence[Candidate] = (),
    lost: dict | None = None,
) -> dict:
    """The facts of one proposal as a JSON-serialisable dict (see the module docstring); `render` writes them out.

    `alternatives` (for an assigned pair): the other startups considered for the challenge, compared with this
    pair's `contributions`. `lost` (for an unassigned pair): why it lost, from `why_not`.
    """
    sentences = None
    if evidence is not None and evidence.sentences and evidence.sentences[2] >= MIN_SENTENCE_SIMILARITY:
        first, second, similarity = evidence.sentences
        sentences = {
            "challenge": _clip(first),
            "startup": _clip(second),
            "similarity": round(float(similarity), 3),
        }
    result: dict[str, Any] = {
        "startup": startup,
        "challenge": challenge,
        "assigned": bool(assigned),
        "fixed": bool(fixed),
        "excluded": bool(excluded),
        "alternate": alternate,
        "requirements": requirement_pairs(evidence, keywords),
        "sentences": sentences,
        "track_record": relevant_records(records, challenge_themes),
        "preferences": {
            "applied": bool(applied),
            "shortlisted": bool(shortlisted),
            "preference": preference,
            "grade": None if grade is None else round(float(grade), 3),
            "grade_code": grade_code(grade),
        },
        "conflict": {"reason": str(conflict.get("reason") or "")} if conflict else None,
        "travel_cost_yen": int(travel_cost_yen),
        "alternatives": [],
        "lost": None,
    }
    if assigned:
        mine = contributions or {}
        for other in list(alternatives)[:MAX_ALTERNATIVES]:
            why = list(other.obstacles) or weaker_codes(
                mine, other.contributions, other.values, other_applied=other.applied
            )
            result["alternatives"].append(
                {
                    "startup": other.startup,
                    "name": other.name,
                    "alternate": other.alternate,
                    "applied": bool(other.applied),
                    "why": why,
                }
            )
    else:
        result["lost"] = lost
    return result


@dataclass
class Holder:
    """An assigned pair holding a slot this pair would need: its name (the challenge's title for a startup's slot,
    the startup's name for a challenge's slot), score and travel cost, and for the challenge's holders their factor
    contributions (to say in words why they came first)."""

    name: str
    score: float
    cost_yen: int
    contributions: dict[str, float] = field(default_factory=dict)


def why_not(
    *,
    score: float,
    cost_yen: int,
    contributions: dict[str, float],
    values: dict[str, float],
    applied: bool,
    excluded: bool,
    conflict: dict | None,
    capacity: int,
    slots: int,
    startup_holders: list[Holder] | None,
    challenge_holders: list[Holder] | None,
    budget_left: int | None,
) -> dict:
    """Why an unassigned pair lost, the first that applies, as a code with what the sentence names:
    conflict, excluded, zero, no_capacity, startup_full (capacity, others), challenge_full (slots, others, why),
    exchange (displaced), budget (cost, left, over), budget_exchange (over).

    `*_holders` are the pairs occupying a full startup / challenge (None when there is room); `budget_left` the
    unused travel budget (None without one)."""
    if conflict:
        return {"code": "conflict", "reason": str(conflict.get("reason") or "")}
    if excluded:
        return {"code": "excluded"}
    if score <= 0:
        return {"code": "zero"}
    if capacity <= 0 or slots <= 0:
        return {"code": "no_capacity"}
    weakest_s = min(startup_holders, key=lambda h: h.score) if startup_holders else None
    weakest_c = min(challenge_holders, key=lambda h: h.score) if challenge_holders else None
    if weakest_s is not None and weakest_s.score >= score:
        return {"code": "startup_full", "capacity": capacity, "others": _names(startup_holders)}
    if weakest_c is not None and weakest_c.score >= score:
        return {
            "code": "challenge_full",
            "slots": slots,
            "others": _names(challenge_holders),
            "why": weaker_codes(weakest_c.contributions, contributions, values, other_applied=applied),
        }
    displaced = [h for h in (weakest_s, weakest_c) if h is not None]
    loss = sum(h.score for h in displaced) - score
    freed = sum(h.cost_yen for h in displaced)
    over = 0 if budget_left is None else int(cost_yen - freed - budget_left)
    if displaced and (loss >= 0 or over <= 0):
        return {"code": "exchange", "displaced": [h.name for h in displaced]}
    if displaced:
        return {"code": "budget_exchange", "over": over}
    if budget_left is not None:
        return {"code": "budget", "cost": int(cost_yen), "left": int(budget_left), "over": max(over, 0)}
    return {"code": "zero"}


def _names(holders: list[Holder] | None) -> list[str]:
    return [h.name for h in sorted(holders or [], key=lambda h: -h.score)]
