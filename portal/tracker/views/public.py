"""/results/: the programme's figures per fiscal year, as Urban Innovation JAPAN publishes its adoption rates."""

from __future__ import annotations

from django.conf import settings
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from portal.core.slow_figures import remembered
from portal.programme import selectors as programme_selectors

from .. import scorecards

RESULTS_CACHE_KEY = "xact:tracker:results-page:{language}"


def results(request):
    """Every fiscal year's figures (programme.selectors.results_by_year: the same rows the home page adds up).

    Counting them reads every application of each year (most of a second at 200,000 applications), and the page is
    public: the figures are kept as long as the home page's totals (``PROGRAMME_RESULTS_CACHE_SECONDS``), per
    language (their labels and the rounds' sources are in it), and re-counted by one request at a time
    (core.slow_figures)."""
    seconds = int(getattr(settings, "PROGRAMME_RESULTS_CACHE_SECONDS", 60))
    context = remembered(RESULTS_CACHE_KEY.format(language=get_language()), seconds, _figures)
    return TemplateResponse(request, "tracker/results.html", context)


def _figures() -> dict:
    rows = []
    for row in programme_selectors.results_by_year():
        f = row.figures
        rows.append(
            {
                "year": row.fiscal_year,
                "figures": f,
                "recorded": row.recorded,
                "source": row.source,
                "source_url": row.source_url,
                "match_rate": _rate(f.get("matches"), f.get("challenges")),
                "trial_rate": _rate(f.get("trials"), f.get("matches")),
                "adoption_rate": _rate(f.get("contracts"), f.get("trials")),
            }
        )
    pulse = scorecards.pulse_by_round()
    years = sorted({row["year"] for row in rows} | {year for year, _sides in pulse}, reverse=True)
    return {
        "rows": rows,
        # medians only, each of at least scorecard_min answers (tracker/scorecards.py): never one answer
        "scorecard_min": scorecards.min_answers(),
        "pulse_by_round": pulse,
        "responsiveness_by_round": scorecards.responsiveness_by_round(years),
    }


def _rate(part: int | None, whole: int | None):
    return None if not whole or part is None else round(100 * part / whole, 1)
