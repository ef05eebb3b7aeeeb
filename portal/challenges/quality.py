"""The challenge-quality check: five things a challenge worth answering states, checked in the editor and at moderation.

Programmes that publish good calls (STIR: "define the challenge, not the solution"; UK GovTech Catalyst: a clear user
need and a commitment to buy) ask the same of every challenge before it goes out:

1. the problem, not a prescribed solution;
2. a measurable desired outcome;
3. the data and the trial site named;
4. a budget range;
5. a stated path to procurement if the trial succeeds.

Each check reads the page's own fields (the draft being edited), says whether it passes and why, in the reader's
language, with an example of a good wording. They advise: the ministry decides at moderation, seeing the same list.

    checks = quality_checks(page)      # [QualityCheck(key, title, passed, explanation, example)]

The checks are one table (RULES): a rule's test returns None when the page passes, else the values its `failed`
explanation names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Wordings that name the solution instead of the problem (compared after NFKC and lower-casing). Kept short and
# specific: a match quotes the phrase back to the writer, so each must read as a prescription on its own.
PRESCRIBING_PHRASES = (
    "導入したい",
    "導入してほしい",
    "導入する",
    "導入を希望",
    "構築したい",
    "構築してほしい",
    "開発したい",
    "開発してほしい",
    "作ってほしい",
    "を使って",
    "を用いて",
    "を活用して",
    "we want to build",
    "we want an app",
    "we want to introduce",
    "develop an app",
    "develop a system",
    "build an app",
    "build a system",
    "implement a system",
)

# A measurable outcome names a quantity: a number, or a ratio said in words.
_MEASURE = re.compile(r"\d|半減|倍|割|ゼロに|half|double|zero")
PROCUREMENT_MIN_CHARS = 10


@dataclass(frozen=True)
class QualityCheck:
    key: str
    title: str
    passed: bool
    explanation: str
    example: str


def _normalised(*texts: str) -> str:
    return unicodedata.normalize("NFKC", "\n".join(t or "" for t in texts)).lower()


def prescribed_phrases(page) -> list[str]:
    """The solution-prescribing phrases found in the challenge's title, summary, background and desired outcome."""
    text = _normalised(page.title, page.summary, page.background, page.desired_outcome)
    return [phrase for phrase in PRESCRIBING_PHRASES if phrase in text]


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    test: Callable[
        ..., dict[str, str] | None
    ]  # the page → None when it passes, else the `failed` text's values
    passed: str
    failed: str
    example: str


def _prescribes(page) -> dict[str, str] | None:
    found = prescribed_phrases(page)
    return {"phrases": "”, “".join(found)} if found else None


def _unmeasured(page) -> dict[str, str] | None:
    return None if _MEASURE.search(_normalised(page.desired_outcome)) else {}


def _unnamed(page) -> dict[str, str] | None:
    missing = []
    if not page.offers_data:
        missing.append(_("the data"))
    if not page.offers_trial_site:
        missing.append(_("the trial site"))
    if not (page.offers_details or "").strip():
        missing.append(_("their description under “what we offer, in detail”"))
    return {"missing": ", ".join(str(m) for m in missing)} if missing else None


def _no_budget(page) -> dict[str, str] | None:
    return None if page.budget_min_yen is not None and page.budget_max_yen is not None else {}


def _no_procurement(page) -> dict[str, str] | None:
    return None if len((page.procurement or "").strip()) >= PROCUREMENT_MIN_CHARS else {}


# The five checks, in the order the editor shows them.
RULES = (
    Rule(
        key="problem_not_solution",
        title=_("The problem is stated without prescribing a solution"),
        test=_prescribes,
        passed=_("The challenge describes a problem and leaves the solution open."),
        failed=_(
            "“%(phrases)s” names a solution. Describe the problem as you live it and let startups propose "
            "how to solve it: a prescribed solution draws fewer and weaker proposals."
        ),
        example=_(
            "Good: “Residents cannot tell when the snowplough will reach their street, and the office gets "
            "300 calls a day during snowfall.” Not: “We want to introduce a snowplough-tracking app.”"
        ),
    ),
    Rule(
        key="measurable_outcome",
        title=_("The desired outcome is measurable"),
        test=_unmeasured,
        passed=_("The desired outcome names a quantity the trial can be judged by."),
        failed=_(
            "The desired outcome names no quantity. Say what would change and by how much, so that "
            "both sides can tell at the end of the trial whether it worked."
        ),
        example=_("Good: “Calls about snow removal halved (from 300 to 150 a day) in the trial district.”"),
    ),
    Rule(
        key="data_and_site",
        title=_("The data and the trial site are named"),
        test=_unnamed,
        passed=_("The challenge says which data and which trial site a startup can use."),
        failed=_("Not yet named: %(missing)s. Startups judge from these whether they can deliver."),
        example=_(
            "Good: “GPS logs of our 40 snowploughs since 2022 (CSV, hourly); trial in the Kita district, "
            "about 5,000 households.”"
        ),
    ),
    Rule(
        key="budget_range",
        title=_("A budget range is given"),
        test=_no_budget,
        passed=_("The budget range tells startups what size of proposal fits."),
        failed=_(
            "Give a lower and an upper budget (in yen; 0 when the trial is unpaid): without them startups "
            "cannot size their proposal."
        ),
        example=_("Good: from ¥500,000 to ¥2,000,000 for the trial."),
    ),
    Rule(
        key="procurement_path",
        title=_("A path to procurement is stated"),
        test=_no_procurement,
        passed=_("The challenge says how the municipality would buy the solution if the trial succeeds."),
        failed=_(
            "Say how the municipality would buy the solution if the trial works (budget request for "
            "next year, tender, private contract): trials that lead nowhere discourage good startups."
        ),
        example=_(
            "Good: “If calls fall by half, we will request the budget for city-wide use in the next fiscal "
            "year and procure by proposal competition.”"
        ),
    ),
)


def quality_checks(page) -> list[QualityCheck]:
    """The five checks of a challenge (a ChallengePage, saved or not), in the order the editor shows them."""
    checks = []
    for rule in RULES:
        values = rule.test(page)
        if values is None:
            explanation = str(rule.passed)
        else:
            explanation = str(rule.failed) % values if values else str(rule.failed)
        checks.append(
            QualityCheck(
                key=rule.key,
                title=str(rule.title),
                passed=values is None,
                explanation=explanation,
                example=str(rule.example),
            )
        )
    return checks


def failing(checks: list[QualityCheck]) -> list[QualityCheck]:
    return [c for c in checks if not c.passed]
