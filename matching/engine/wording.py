"""The words of the reasons (matching/engine/explain.py): the Japanese and English phrases, and `render`, which writes
an explanation's facts as sentences an official can file. No factor numbers: only yen amounts, counts and fiscal
years appear as figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from portal.core.fiscal import fiscal_year_label_in

LANGUAGES = ("ja", "en")

TEXTS: dict[str, dict[str, Any]] = {
    "ja": {
        "assigned": "{startup}を本課題の相手先として提案する。",
        "fixed": "{startup}は承認済みの組合せとして本課題の相手先を継続する。",
        "alternate": "{startup}は本課題の{ordinal}とする。",
        "unassigned": "{startup}は本課題の相手先として提案しない。",
        "conflict": "利益相反の申告により除外（理由: {reason}）。",
        "requirements": "課題の要件のうち{pairs}が同社の技術・サービスと一致する。",
        "related": "課題の要件のうち{pairs}。",
        "related_after": "また、{pairs}。",
        "pair_same": "「{requirement}」",
        "pair": "「{requirement}」は同社の「{capability}」に近い",
        "no_requirements": "課題の要件と一致する記載は同社の説明に見当たらない。",
        "sentences": "最も近い記述は、課題の「{challenge}」と同社の「{startup}」。",
        "records": "同テーマの実績として、{records}がある。",
        "no_records": "課題のテーマでの実績はない。",
        "outcome": {"poc": "実証実験", "contract": "契約", "deployment": "本格導入"},
        "preference": "同社は第{n}希望として応募した",
        "applied": "同社は応募した",
        "scouted": "同社は応募していない（スカウト候補）",
        "shortlisted": "（自治体の選考を通過）",
        "grade": "。自治体の評価は「{grade}」",
        "grades": {
            "strongly_for": "強く推したい",
            "for": "推したい",
            "neutral": "どちらでもない",
            "against": "推さない",
            "strongly_against": "強く推さない",
        },
        "end": "。",
        "side_preference": "第{n}希望として応募",
        "side_applied": "応募（希望順位の記載なし）",
        "side_scouted": "未応募（スカウト候補）",
        "side_grade": "自治体の評価: {grade}",
        "side_shortlisted": "（選考通過）",
        "no_grade": "未評価",
        "travel": "往復旅費の見込みは¥{yen:,}。",
        "alternatives": "ほかの候補のうち、{items}、それぞれ下位とした。",
        "alternative": "{name}{label}は{why}ため",
        "alternate_label": "（{ordinal}）",
        "ordinal": {},
        "ordinal_n": "第{n}補欠",
        "why": {
            "requirements": "要件との一致が弱い",
            "themes": "テーマの重なりが少ない",
            "no_track_record": "同テーマの実績がない",
            "less_track_record": "同テーマの実績が少ない",
            "travel": "旅費が高い（遠方）",
            "stage": "事業段階が課題に合いにくい",
            "not_applied": "応募していない",
            "lower_preference": "希望順位・自治体の評価が低い",
            "capacity": "受入枠が埋まっている",
            "budget": "旅費予算に収まらない",
            "conflict": "利益相反の申告がある",
            "excluded": "以前の審査で見送った",
            "overall": "総合評価でわずかに下回る",
            "other": "ほかの観点で下回る",
            "accepted_first": "承認済みの組合せを優先した",
            "assignment": "全体の割当（受入枠・旅費予算）で他の組合せを優先した",
        },
        # the same phrases in the continuative form, to chain them: 「一致が弱く、実績がない」
        "why_chain": {
            "requirements": "要件との一致が弱く",
            "themes": "テーマの重なりが少なく",
            "no_track_record": "同テーマの実績がなく",
            "less_track_record": "同テーマの実績が少なく",
            "travel": "旅費が高く（遠方）",
            "stage": "事業段階が課題に合いにくく",
            "not_applied": "応募しておらず",
            "lower_preference": "希望順位・自治体の評価が低く",
            "capacity": "受入枠が埋まっており",
            "budget": "旅費予算に収まらず",
            "conflict": "利益相反の申告があり",
            "excluded": "以前の審査で見送っており",
            "overall": "総合評価でわずかに下回り",
            "other": "ほかの観点で下回り",
            "accepted_first": "承認済みの組合せを優先し",
            "assignment": "全体の割当（受入枠・旅費予算）で他の組合せを優先し",
        },
        "why_sep": "、",
        "items_sep": "、",
        "sep": "、",
        "lost": {
            "excluded": "以前の審査で見送られた組合せのため割り当てない。",
            "zero": "要件・テーマ・実績のいずれにも一致がないため割り当てない。",
            "no_capacity": "受入枠がないため割り当てない。",
            "startup_full": "同社の受入枠（{capacity}件）は、より適合する課題（{others}）に充てた。",
            "challenge_full": "本課題の枠（{slots}社）は、より適合する{others}に充てた（同社は{why}ため）。",
            "exchange": "割り当てるには{displaced}を外す必要があり、全体の適合が下がる。",
            "budget": "旅費予算に収まらない（この組合せは¥{cost:,}、予算の残りは¥{left:,}）。",
            "budget_exchange": "入れ替えても旅費予算を¥{over:,}超えるため割り当てない。",
            "conflict": "",
        },
        "join": "",
    },
    "en": {
        "assigned": "{startup} is proposed as the partner for this challenge.",
        "fixed": "{startup} remains the partner for this challenge (an accepted pair).",
        "alternate": "{startup} is the {ordinal} for this challenge.",
        "unassigned": "{startup} is not proposed as the partner for this challenge.",
        "conflict": "Excluded because a conflict of interest was declared (reason: {reason}).",
        "requirements": "The challenge's requirements {pairs} match what the startup offers.",
        "related": "Among the challenge's requirements, {pairs}.",
        "related_after": "Also, {pairs}.",
        "pair_same": "“{requirement}”",
        "pair": "“{requirement}” is close to the startup's “{capability}”",
        "no_requirements": "Nothing in the startup's description matches the challenge's requirements.",
        "sentences": "The closest passages: the challenge's “{challenge}” and the startup's “{startup}”.",
        "records": "Track record in the challenge's themes: {records}.",
        "no_records": "No track record in the challenge's themes.",
        "outcome": {"poc": "proof of concept", "contract": "contract", "deployment": "deployment"},
        "preference": "The startup applied as {ordinal} choice",
        "preference_ordinals": {1: "first", 2: "second", 3: "third"},
        "applied": "The startup applied",
        "scouted": "The startup did not apply (scouted)",
        "shortlisted": " and was shortlisted by the municipality",
        "grade": "; the municipality's grade: {grade}",
        "grades": {
            "strongly_for": "strongly for",
            "for": "for",
            "neutral": "neutral",
            "against": "against",
            "strongly_against": "strongly against",
        },
        "end": ".",
        "side_preference": "applied as {ordinal} choice",
        "side_applied": "applied (no preference given)",
        "side_scouted": "did not apply (scouted)",
        "side_grade": "the municipality's grade: {grade}",
        "side_shortlisted": " (shortlisted)",
        "no_grade": "not graded",
        "travel": "Estimated round-trip travel: ¥{yen:,}.",
        "alternatives": "Other candidates ranked lower: {items}.",
        "alternative": "{name}{label}: {why}",
        "alternate_label": " ({ordinal})",
        "ordinal": {1: "first alternate", 2: "second alternate", 3: "third alternate"},
        "ordinal_n": "alternate no. {n}",
        "why": {
            "requirements": "a weaker fit with the requirements",
            "themes": "less overlap with the challenge's themes",
            "no_track_record": "no track record in these themes",
            "less_track_record": "less track record in these themes",
            "travel": "costlier travel (farther away)",
            "stage": "a business stage that fits less well",
            "not_applied": "did not apply",
            "lower_preference": "a lower preference or municipal grade",
            "capacity": "its capacity is taken by other matches",
            "budget": "does not fit the travel budget",
            "conflict": "a conflict of interest was declared",
            "excluded": "rejected in an earlier review",
            "overall": "slightly lower overall",
            "other": "weaker on other factors",
            "accepted_first": "the accepted pair came first",
            "assignment": "the overall assignment (capacities, travel budget) favoured other pairs",
        },
        "why_sep": " and ",
        "items_sep": "; ",
        "sep": ", ",
        "lost": {
            "excluded": "The pair was rejected in an earlier review, so it is not assigned.",
            "zero": "Nothing in the requirements, themes or track record matches, so it is not assigned.",
            "no_capacity": "There is no capacity left, so it is not assigned.",
            "startup_full": "The startup's capacity ({capacity}) went to challenges it fits better ({others}).",
            "challenge_full": "The challenge's slots ({slots}) went to {others}, a better fit (this startup: {why}).",
            "exchange": "Taking it would mean dropping {displaced}, which lowers the overall fit.",
            "budget": "It does not fit the travel budget (this pair costs ¥{cost:,}; ¥{left:,} is left).",
            "budget_exchange": "Even after an exchange it would exceed the travel budget by ¥{over:,}.",
            "conflict": "",
        },
        "join": " ",
    },
}


def fiscal_year_label(year: int, language: str) -> str:
    """令和6年度 (ja) / FY2024 (en): the portal's one fiscal-year calendar (portal.core.fiscal, pure)."""
    return fiscal_year_label_in(year, language)


def why_text(codes: Sequence[str], language: str) -> str:
    """Reason codes in words: 「要件との一致が弱く、同テーマの実績がない」 / "a weaker fit … and no track record …"."""
    t = TEXTS[language]
    codes = [code if code in t["why"] else "other" for code in codes] or ["overall"]
    chain = t.get("why_chain", t["why"])
    return t["why_sep"].join([chain[code] for code in codes[:-1]] + [t["why"][codes[-1]]])


def ordinal_text(alternate: int, language: str) -> str:
    """第1補欠 / "first alternate"; the engine may name more than two (input `alternates`)."""
    t = TEXTS[language]
    return t["ordinal"].get(alternate) or t["ordinal_n"].format(n=alternate)


def record_text(record: dict, language: str) -> str:
    """令和6年度 高松市「除雪車GPS実証」（実証実験、除雪） / FY2024, Takamatsu: “…” (proof of concept; snow removal)."""
    t = TEXTS[language]
    year = fiscal_year_label(record["fiscal_year"], language) if record.get("fiscal_year") else ""
    where = [p for p in (year, record.get("municipality") or "") if p]
    outcome = t["outcome"].get(record.get("outcome"), record.get("outcome") or "")
    themes = t["sep"].join(record.get("themes") or ())
    detail = f"{outcome}{t['sep'] if themes and language == 'ja' else '; ' if themes else ''}{themes}"
    title = record.get("title") or ""
    if language == "ja":
        if not title:  # 令和6年度 高松市での実証実験（除雪）
            return f"{' '.join(where)}での{outcome}（{themes}）" if where else f"{outcome}（{themes}）"
        return f"{' '.join(where)}「{title}」（{detail}）"
    prefix = f"{', '.join(where)}: " if where else ""
    if not title:  # FY2024, Takamatsu: proof of concept (snow removal)
        return f"{prefix}{outcome} ({themes})"
    return f"{prefix}“{title}” ({detail})"


def preference_text(preferences: dict, language: str) -> str:
    """「同社は第1希望として応募、自治体の評価は「強く推したい」」 / "The startup applied as first choice; …"."""
    t = TEXTS[language]
    n = preferences.get("preference")
    if n and preferences.get("applied", True):
        if language == "ja":
            text = t["preference"].format(n=n)
        else:
            text = t["preference"].format(ordinal=t["preference_ordinals"].get(n, f"#{n}"))
    elif preferences.get("applied"):
        text = t["applied"]
    else:
        text = t["scouted"]
    if preferences.get("shortlisted"):
        text += t["shortlisted"]
    if preferences.get("grade_code"):
        text += t["grade"].format(grade=t["grades"][preferences["grade_code"]])
    return text + t["end"]


def startup_side_text(preferences: dict, language: str) -> str:
    """The startup's side alone: 「第1希望として応募」 / "applied as first choice", 「応募」, 「未応募（スカウト候補）」."""
    t = TEXTS[language]
    n = preferences.get("preference")
    if n and preferences.get("applied", True):
        return t["side_preference"].format(n=n, ordinal=t.get("preference_ordinals", {}).get(n, f"#{n}"))
    return t["side_applied"] if preferences.get("applied") else t["side_scouted"]


def municipality_side_text(preferences: dict, language: str) -> str:
    """The municipality's side alone: 「自治体の評価: 強く推したい」 / "the municipality's grade: strongly for"."""
    t = TEXTS[language]
    code = preferences.get("grade_code")
    grade = t["grades"][code] if code else t["no_grade"]
    text = t["side_grade"].format(grade=grade)
    return text + (t["side_shortlisted"] if preferences.get("shortlisted") else "")


def _same(pair: dict) -> bool:
    return pair["requirement"].casefold() == pair["capability"].casefold()


def pair_text(pair: dict, language: str) -> str:
    """「除雪」 for a word both texts use; 「ビーコン」は同社の「GPS」に近い for a related one."""
    return TEXTS[language]["pair_same" if _same(pair) else "pair"].format(**pair)


def alternative_text(alternative: dict, language: str) -> str:
    t = TEXTS[language]
    label = (
        t["alternate_label"].format(ordinal=ordinal_text(alternative["alternate"], language))
        if alternative.get("alternate")
        else ""
    )
    return t["alternative"].format(
        name=alternative["name"], label=label, why=why_text(alternative["why"], language)
    )


def lost_text(lost: dict, language: str) -> str:
    t = TEXTS[language]
    code = lost.get("code", "zero")
    sep = t["sep"]
    values = {k: v for k, v in lost.items() if k != "code"}
    if "others" in values:
        values["others"] = sep.join(values["others"])
    if "displaced" in values:
        values["displaced"] = sep.join(values["displaced"])
    if "why" in values:
        values["why"] = why_text(values["why"], language)
    return t["lost"][code].format(**values)


def render(explanation: dict, language: str) -> str:
    """The reason in `language` ("ja" or "en"): sentences without factor numbers, ready to file."""
    t = TEXTS[language]
    name = explanation["startup"]
    parts = []
    if explanation.get("conflict") is not None:
        parts.append(t["unassigned"].format(startup=name))
        parts.append(t["conflict"].format(reason=explanation["conflict"]["reason"] or "—"))
    elif explanation["assigned"]:
        parts.append(t["fixed" if explanation.get("fixed") else "assigned"].format(startup=name))
    elif explanation.get("alternate"):
        parts.append(
            t["alternate"].format(startup=name, ordinal=ordinal_text(explanation["alternate"], language))
        )
    else:
        parts.append(t["unassigned"].format(startup=name))
    if (
        not explanation["assigned"]
        and explanation.get("lost")
        and explanation["lost"].get("code") != "conflict"
    ):
        parts.append(lost_text(explanation["lost"], language))
    pairs = explanation.get("requirements") or []
    same = [p for p in pairs if _same(p)]
    related = [p for p in pairs if not _same(p)]
    if same:
        parts.append(t["requirements"].format(pairs=t["sep"].join(pair_text(p, language) for p in same)))
    if related:
        text = t["sep"].join(pair_text(p, language) for p in related)
        parts.append(t["related_after" if same else "related"].format(pairs=text))
    if not pairs:
        parts.append(t["no_requirements"])
    if explanation.get("sentences"):
        parts.append(t["sentences"].format(**explanation["sentences"]))
    records = explanation.get("track_record") or []
    if records:
        parts.append(t["records"].format(records=t["sep"].join(record_text(r, language) for r in records)))
    else:
        parts.append(t["no_records"])
    parts.append(preference_text(explanation.get("preferences") or {}, language))
    parts.append(t["travel"].format(yen=int(explanation.get("travel_cost_yen") or 0)))
    alternatives = explanation.get("alternatives") or []
    if alternatives:
        items = t["items_sep"].join(alternative_text(a, language) for a in alternatives)
        parts.append(t["alternatives"].format(items=items))
    return t["join"].join(parts)


def reasons(explanation: dict, languages: Iterable[str] = LANGUAGES) -> dict[str, str]:
    """{language: reason} for each language asked for."""
    return {language: render(explanation, language) for language in languages}
