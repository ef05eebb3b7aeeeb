"""One word per concept (docs/glossary.md).

A state ("submitted") and the date of the event that led to it ("submitted on") must never read the same on a
screen, in Japanese or in English; and the Japanese word the glossary promises for a concept must be the one the
catalogue actually uses.

The labels are collected from the code: the TextChoices of every state machine, the verbose names of the fields of
the models that carry those states, the admin list columns, the filters, the export columns, and the table headings
(<th>), definition terms (<dt>) and date captions of the list and detail templates.
"""

import re
from pathlib import Path

import pytest
from django.db import models
from django.utils import translation

from matching.models import MatchProposal, ReviewStatus
from portal.accounts.models import Invitation
from portal.applications.admin_views import ApplicationViewSet
from portal.applications.filters import ReviewFilter
from portal.applications.models import Application, ApplicationState
from portal.challenges.models import ChallengePage
from portal.challenges.status import ChallengeStatus
from portal.reports.exports.datasets import DATASETS
from portal.tracker.models import AdoptionRequest, Engagement, TravelRequest
from portal.tracker.models.travel import TravelState
from portal.tracker.workflow import Stage

ROOT = Path(__file__).resolve().parent.parent

STATE_MACHINES = (ApplicationState, ReviewStatus, Stage, TravelState, ChallengeStatus, AdoptionRequest.State)
# The models whose list and detail screens show those states.
STATEFUL_MODELS = (
    Application,
    MatchProposal,
    Engagement,
    TravelRequest,
    AdoptionRequest,
    ChallengePage,
    Invitation,
)
# The list and detail templates of those screens.
TEMPLATE_DIRS = ("applications", "matching", "tracker", "accounts", "challenges")

TRANSLATE = r'\{%\s*translate\s+"([^"]+)"\s*%\}'
CELL = re.compile(r"<(th|dt)[^>]*>(.*?)</\1>", re.S)
DATE_CAPTION = re.compile(TRANSLATE + r"\s*\{\{[^}]*\|date")


def english(label) -> str:
    """The msgid behind a (lazy) label: English is the source language."""
    with translation.override("en"):
        return str(label)


def state_labels():
    return {english(label) for machine in STATE_MACHINES for label in machine.labels}


def template_labels():
    labels = set()
    for folder in TEMPLATE_DIRS:
        for path in (ROOT / "templates" / folder).rglob("*.html"):
            text = path.read_text()
            for _tag, cell in CELL.findall(text):
                labels.update(re.findall(TRANSLATE, cell))
            labels.update(DATE_CAPTION.findall(text))
    return labels


def column_labels():
    """Every column, field, filter and date label of the screens that show a state, as msgids."""
    labels = []
    for model in STATEFUL_MODELS:
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and not field.choices and not field.auto_created:
                labels.append(field.verbose_name)
    labels += [column.label for column in ApplicationViewSet.list_display.fget(None)]
    labels += [f.label for f in ReviewFilter.base_filters.values() if f.label]
    labels += [column.heading for dataset in DATASETS.values() for column in dataset.columns]
    labels = [english(label) for label in labels]
    return labels + sorted(template_labels())


def test_the_labels_are_collected_from_the_code():
    # The enumeration finds the screens' date labels, so the check below is not vacuous.
    columns = set(column_labels())
    assert {"submitted on", "accepted on", "decided", "opened"} <= columns
    assert {"submitted", "accepted", "approved", "PoC running"} <= state_labels()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_state_reads_like_a_column_or_date(language):
    from django.utils.translation import gettext

    with translation.override(language):
        states = {gettext(label): label for label in state_labels()}
        clashes = sorted(
            f"state {states[text]!r} and column {label!r} both read {text!r}"
            for label in column_labels()
            if (text := gettext(label)) in states
        )
    assert not clashes, "\n".join(clashes)


def glossary_rows(*, include_unchecked=False):
    rows = []
    for line in (ROOT / "docs/glossary.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or set(cells[0]) <= set("-") or cells[0] == "concept":
            continue
        if cells[2] or (include_unchecked and cells[1]):
            rows.append(tuple(cells))
    return rows


def test_the_glossary_has_rows_for_every_lifecycle_state():
    english_words = {row[2] for row in glossary_rows()}
    # Two side states are explained where they appear rather than named in the glossary.
    side_states = {english(TravelState.EXCESS_REVIEW.label), english(AdoptionRequest.State.LINKED.label)}
    missing = state_labels() - english_words - side_states
    assert not missing, f"states missing from docs/glossary.md: {sorted(missing)}"


@pytest.mark.parametrize("concept, japanese, english", glossary_rows())
def test_the_catalogue_uses_the_glossary_word(concept, japanese, english):
    from django.utils.translation import gettext

    with translation.override("ja"):
        assert gettext(english) == japanese, f"{concept}: the catalogue says {gettext(english)!r}"
    with translation.override("en"):
        assert gettext(english) == english


def test_the_catalogue_no_longer_uses_the_retired_words():
    """連携案件 gave way to 取組み; お知らせ is news only, never an in-app notification."""
    catalogue = "".join(path.read_text() for path in (ROOT / "locale/ja/parts").glob("*.po"))
    assert "連携案件" not in catalogue
    with translation.override("ja"):
        from django.utils.translation import gettext

        assert "お知らせ" not in gettext("Notifications") + gettext("No notifications.") + gettext(
            "All notifications"
        )


def test_a_fiscal_year_is_named_as_the_glossary_says():
    from portal.core.calendar import fiscal_year_label

    row = next(row for row in glossary_rows(include_unchecked=True) if row[0] == "fiscal year 2026 (value)")
    with translation.override("ja"):
        assert fiscal_year_label(2026) == row[1] == "令和8年度"
    with translation.override("en"):
        assert fiscal_year_label(2026) == "FY2026"
