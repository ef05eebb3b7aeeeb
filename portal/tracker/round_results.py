"""The tracker's figures for a programme round (RoundPage shows them through programme's results registry)."""

from .selectors import programme_figures


def round_figures(fiscal_year: int) -> dict[str, int]:
    """Map the tracker's fiscal-year figures onto the keys RoundPage labels (programme.results.FIGURE_LABELS)."""
    figures = programme_figures(fiscal_year)
    return {
        "challenges": figures["challenges"],
        "matches": figures["matches"],
        "trials": figures["poc"],
        "contracts": figures["contract"],
        "adoptions": figures["adoptions"],
    }
