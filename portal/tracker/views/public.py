"""/results/: the programme's figures per fiscal year, as Urban Innovation JAPAN publishes its adoption rates."""

from __future__ import annotations

from django.template.response import TemplateResponse

from portal.programme import selectors as programme_selectors


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
    return TemplateResponse(request, "tracker/results.html", {"rows": rows})


def _rate(part: int | None, whole: int | None):
    return None if not whole or part is None else round(100 * part / whole, 1)
