"""Text bound for a spreadsheet (CSV/XLSX downloads): never let a cell be run as a formula."""

from __future__ import annotations

# What Excel, LibreOffice and Google Sheets read as the start of a formula (tab and CR: they trim them first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Text that a spreadsheet would run as a formula ('=HYPERLINK(…)', '+1', '@SUM(…)') gets a leading
    apostrophe, which spreadsheets show as text; anything else (numbers, dates, other text) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
