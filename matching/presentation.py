"""A proposal's explanation (the engine's facts, matching.engine.explain) laid out for the review screen and the
proposal sheet PDF, in the reader's language. The words come from the engine's own Japanese and English tables, so
the lists say exactly what the filed reason says."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language

from .engine import explain


def reader_language() -> str:
    """ "en" on English pages, else Japanese (the programme's language)."""
    return "en" if (get_language() or "").startswith("en") else "ja"


@dataclass
class Alternative:
    name: str
    label: str  # 「第1補欠」 / "first alternate", or ""
    why: str  # 「要件との一致が弱く、同テーマの実績がない」


@dataclass
class ExplanationView:
    pairs: list[dict] = field(default_factory=list)  # requirement, capability, same
    sentences: dict | None = None  # challenge, startup
    records: list[str] = field(default_factory=list)
    startup_side: str = ""
    municipality_side: str = ""
    conflict: str | None = None  # the declared reason ("" when none was given)
    alternate: str = ""
    alternatives: list[Alternative] = field(default_factory=list)
    lost: str = ""

    @property
    def empty(self) -> bool:
        return not (self.pairs or self.records or self.startup_side)


def explanation_view(explanation: dict, language: str | None = None) -> ExplanationView:
    """The explanation's parts as short texts; an empty view for proposals saved before explanations existed."""
    if not explanation:
        return ExplanationView()
    language = language or reader_language()
    preferences = explanation.get("preferences") or {}
    conflict = explanation.get("conflict")
    lost = explanation.get("lost")
    return ExplanationView(
        pairs=[
            {
                "requirement": p["requirement"],
                "capability": p["capability"],
                "same": p["requirement"].casefold() == p["capability"].casefold(),
            }
            for p in explanation.get("requirements") or []
        ],
        sentences=explanation.get("sentences"),
        records=[explain.record_text(r, language) for r in explanation.get("track_record") or []],
        startup_side=explain.startup_side_text(preferences, language),
        municipality_side=explain.municipality_side_text(preferences, language),
        conflict=(conflict.get("reason") or "") if conflict else None,
        alternate=explain.ordinal_text(explanation["alternate"], language)
        if explanation.get("alternate")
        else "",
        alternatives=[
            Alternative(
                name=a["name"],
                label=explain.ordinal_text(a["alternate"], language) if a.get("alternate") else "",
                why=explain.why_text(a.get("why") or [], language),
            )
            for a in explanation.get("alternatives") or []
        ],
        lost=explain.lost_text(lost, language) if lost and lost.get("code") != "conflict" else "",
    )


def challenge_alternates(proposals, language: str | None = None) -> list[Alternative]:
    """A challenge's alternates (補欠), first then second, each with why it ranked lower: what the assigned pair's
    explanation says about it, else its own reason for losing."""
    language = language or reader_language()
    said = {}
    for proposal in proposals:
        for other in (proposal.explanation or {}).get("alternatives") or []:
            said.setdefault(other["startup"], other.get("why") or [])
    alternates = sorted((p for p in proposals if p.alternate), key=lambda p: (p.alternate, p.rank))
    result = []
    for proposal in alternates:
        explanation = proposal.explanation or {}
        why = said.get(proposal.startup_id)
        if why:
            text = explain.why_text(why, language)
        elif explanation.get("lost"):
            text = explain.lost_text(explanation["lost"], language)
        else:
            text = ""
        result.append(
            Alternative(
                name=proposal.startup.name, label=explain.ordinal_text(proposal.alternate, language), why=text
            )
        )
    return result
