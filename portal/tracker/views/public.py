"""/results/: the programme's figures per fiscal year, as Urban Innovation JAPAN publishes its adoption rates."""

from __future__ import annotations

from django.template.response import TemplateResponse

from portal.programme import selectors as programme_selectors

from .. import scorecards


def results(request):
    """Every fiscal year's figures (programme.selectors.results_by_year: the same rows the home page adds up)."""
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
    return TemplateResponse(
        request,
        "tracker/results.html",
        {
            "rows": rows,
            # medians only, each of at least scorecard_min answers (tracker/scorecards.py): never one answer
            "scorecard_min": scorecards.min_answers(),
            "pulse_by_round": pulse,
            "responsiveness_by_round": scorecards.responsiveness_by_round(years),
        },
    )


def _rate(part: int | None, whole: int | None):
    return None if not whole or part is None else round(100 * part / whole, 1)
