"""Plain-language reasons for proposals, in Japanese or English.

Every reason gives the score and its factor breakdown, the real words the two texts share, and the travel cost.
An unassigned pair also says what it lost to, with the margin: the startup's capacity or the challenge's slots went
to better-scoring pairs (score difference), the exchange that would take it loses total score (by how much), the
travel budget (yen over), an exclusion, or a zero score.
"""

from __future__ import annotations

from dataclasses import dataclass

FACTOR_NAMES = {
    "ja": {
        "text": "テキスト",
        "themes": "テーマ",
        "travel": "旅費",
        "track_record": "実績",
        "stage": "ステージ",
        "preference": "応募",
    },
    "en": {
        "text": "text",
        "themes": "themes",
        "travel": "travel",
        "track_record": "track record",
        "stage": "stage",
        "preference": "application",
    },
}

TEXTS = {
    "ja": {
        "assigned": "割当: スコア {score:.3f}（{breakdown}）。",
        "fixed": "固定ペアとして割当（承認済み）。",
        "keywords": "共通の語: {words}。",
        "no_keywords": "共通の語はなし。",
        "travel": "往復旅費見込み ¥{yen:,}。",
        "shortlisted": "応募済み・選考通過。",
        "applied": "応募済み。",
        "scouted": "未応募（スカウト候補）。",
        "unassigned": "未割当: スコア {score:.3f}（{breakdown}）。",
        "excluded": "除外指定の組合せのため割り当てない。",
        "startup_full": "スタートアップの受入枠（{capacity}件）はより高いスコアの組合せ（{others}）に使われた。最も低いものとの差 {margin:.3f}。",
        "challenge_full": "この課題の枠（{slots}社）はより高いスコアのスタートアップ（{others}）に割り当てられた。最も低いものとの差 {margin:.3f}。",
        "exchange": "割り当てるには {displaced} を外す必要があり、合計スコアが {loss:.3f} 下がる。",
        "budget": "旅費予算: この組合せは ¥{cost:,} かかるが、予算の残りは ¥{left:,}（¥{over:,} 不足）。",
        "budget_exchange": "旅費予算: 入れ替えても ¥{over:,} 超過する。",
        "zero": "スコアが 0 のため割り当てない。",
        "no_capacity": "受入枠が 0 のため割り当てない。",
        "pair": "{name}（{score:.3f}）",
        "sep": "、",
    },
    "en": {
        "assigned": "Assigned: score {score:.3f} ({breakdown}).",
        "fixed": "Assigned as a fixed pair (already accepted).",
        "keywords": "Shared words: {words}.",
        "no_keywords": "No shared words.",
        "travel": "Estimated round-trip travel ¥{yen:,}.",
        "shortlisted": "Applied and shortlisted.",
        "applied": "Applied.",
        "scouted": "Did not apply (scouted).",
        "unassigned": "Not assigned: score {score:.3f} ({breakdown}).",
        "excluded": "Excluded pair: never assigned.",
        "startup_full": "The startup's capacity ({capacity}) went to better-scoring matches ({others}); the weakest of them scores {margin:.3f} more.",
        "challenge_full": "The challenge's slots ({slots}) went to better-scoring startups ({others}); the weakest of them scores {margin:.3f} more.",
        "exchange": "Taking it would mean dropping {displaced}, lowering the total score by {loss:.3f}.",
        "budget": "Travel budget: this pair costs ¥{cost:,} but only ¥{left:,} of the budget is left (¥{over:,} short).",
        "budget_exchange": "Travel budget: even after an exchange it would be ¥{over:,} over.",
        "zero": "Score 0: not assigned.",
        "no_capacity": "No capacity left: not assigned.",
        "pair": "{name} ({score:.3f})",
        "sep": ", ",
    },
}
LANGUAGES = tuple(TEXTS)


@dataclass
class Competitor:
    """An assigned pair that holds a slot this pair would need."""

    name: str
    score: float
    cost_yen: int


def breakdown(contributions: dict[str, float], language: str) -> str:
    """'テキスト 0.210、テーマ 0.200、…' ordered by contribution, zero factors left out."""
    names = FACTOR_NAMES[language]
    sep = TEXTS[language]["sep"]
    parts = [
        f"{names[k]} {v:.3f}" for k, v in sorted(contributions.items(), key=lambda kv: -kv[1]) if v > 0.0005
    ]
    return sep.join(parts) or "0"


def reason(
    *,
    language: str,
    score: float,
    contributions: dict[str, float],
    keywords: list[str],
    travel_cost_yen: int,
    assigned: bool,
    fixed: bool,
    applied: bool,
    shortlisted: bool,
    excluded: bool,
    startup_capacity: int,
    challenge_slots: int,
    startup_holders: list[Competitor] | None,
    challenge_holders: list[Competitor] | None,
    budget_left: int | None,
) -> str:
    """The reason text for one proposal. `*_holders` are the pairs occupying a full startup / challenge (None when
    there is room); `budget_left` is the unused travel budget (None without a budget)."""
    t = TEXTS[language]
    parts = [
        t["assigned" if assigned else "unassigned"].format(
            score=score, breakdown=breakdown(contributions, language)
        )
    ]
    if not assigned:
        parts.append(
            _why_not(
                t,
                score,
                travel_cost_yen,
                excluded,
                startup_capacity,
                challenge_slots,
                startup_holders,
                challenge_holders,
                budget_left,
            )
        )
    elif fixed:
        parts.append(t["fixed"])
    parts.append(t["keywords"].format(words=t["sep"].join(keywords)) if keywords else t["no_keywords"])
    parts.append(t["travel"].format(yen=int(travel_cost_yen)))
    parts.append(t["shortlisted"] if shortlisted else t["applied"] if applied else t["scouted"])
    return (" " if language == "en" else "").join(parts)


def _others(t: dict, holders: list[Competitor]) -> str:
    return t["sep"].join(
        t["pair"].format(name=h.name, score=h.score) for h in sorted(holders, key=lambda h: -h.score)
    )


def _why_not(
    t, score, cost, excluded, capacity, slots, startup_holders, challenge_holders, budget_left
) -> str:
    if excluded:
        return t["excluded"]
    if score <= 0:
        return t["zero"]
    if capacity <= 0 or slots <= 0:
        return t["no_capacity"]
    weakest_s = min(startup_holders, key=lambda h: h.score) if startup_holders else None
    weakest_c = min(challenge_holders, key=lambda h: h.score) if challenge_holders else None
    if weakest_s is not None and weakest_s.score >= score:
        return t["startup_full"].format(
            capacity=capacity, others=_others(t, startup_holders), margin=weakest_s.score - score
        )
    if weakest_c is not None and weakest_c.score >= score:
        return t["challenge_full"].format(
            slots=slots, others=_others(t, challenge_holders), margin=weakest_c.score - score
        )
    displaced = [h for h in (weakest_s, weakest_c) if h is not None]
    loss = sum(h.score for h in displaced) - score
    freed = sum(h.cost_yen for h in displaced)
    over = 0 if budget_left is None else int(cost - freed - budget_left)
    if displaced and (loss >= 0 or over <= 0):
        names = t["sep"].join(t["pair"].format(name=h.name, score=h.score) for h in displaced)
        return t["exchange"].format(displaced=names, loss=max(loss, 0.0))
    if displaced:
        return t["budget_exchange"].format(over=over)
    if budget_left is not None:
        return t["budget"].format(cost=int(cost), left=int(budget_left), over=max(over, 0))
    return t["zero"]
