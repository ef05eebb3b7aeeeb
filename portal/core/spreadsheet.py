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


class FormulaSafeExportMixin:
    """Put before a Wagtail listing or report view (its SpreadsheetExportMixin): every CSV cell goes through
    neutralise_formula, and text that looks like a formula is written to XLSX as a text cell (Wagtail does that
    already; kept here so the rule lives in one place). Views that write their own spreadsheets call
    neutralise_formula themselves (portal/reports/exports/writers.py, portal/challenges/opendata.py)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == "csv":
            return neutralise_formula(value)
        return value

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            if cell.data_type == "f":
                cell.data_type = "s"
            yield cell
