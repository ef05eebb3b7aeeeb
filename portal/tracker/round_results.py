"""The tracker's figures for a programme round (programme's results registry: RoundPage, /results/, the home page)."""

from .selectors import fiscal_years_with_results, programme_figures


def round_figures(fiscal_year: int) -> dict[str, int]:
    """Map the tracker's fiscal-year figures onto programme's results keys (programme.results.SUMMED_KEYS)."""
    figures = programme_figures(fiscal_year)
    return {
        "challenges": figures["challenges"],
        "applicants": figures["applicants"],
        "matches": figures["matches"],
        "trials": figures["poc"],
        "contracts": figures["contract"],
        "adoptions": figures["adoptions"],
        "travel_paid_yen": figures["travel_paid_yen"],
    }


def result_years() -> list[int]:
    return fiscal_years_with_results()
