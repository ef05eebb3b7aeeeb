"""/results/: the programme's figures per fiscal year, as Urban Innovation JAPAN publishes its adoption rates."""

from __future__ import annotations

from django.template.response import TemplateResponse

from .. import selectors
from ..fiscal import current_fiscal_year


def results(request):
    years = selectors.fiscal_years() or [current_fiscal_year()]
    rows = []
    for year in years:
        f = selectors.programme_figures(year)
        rows.append({
            "year": year,
            "figures": f,
            "match_rate": _rate(f["matches"], f["challenges"]),
            "trial_rate": _rate(f["poc"], f["matches"]),
            "adoption_rate": _rate(f["contract"], f["poc"]),
        })
    return TemplateResponse(request, "tracker/results.html", {"rows": rows})


def _rate(part: int, whole: int):
    return None if not whole else round(100 * part / whole, 1)
