"""CSV (UTF-8 with a BOM, so Excel opens Japanese correctly) and XLSX (openpyxl) from a dataset's rows.

Values pass through `cell()`: lazy translations become text, aware datetimes become Japan time, and text that a
spreadsheet would run as a formula (=, +, -, @ at the start) is neutralised (CSV: a leading apostrophe; XLSX:
stored as a string cell).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.core.spreadsheet import neutralise_formula

from .datasets import Dataset

JST = ZoneInfo("Asia/Tokyo")
BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def cell(value):
    """A value as a spreadsheet holds it: text, int, float, a naive JST datetime, a date, or None."""
    if value is None:
        return None
    if isinstance(value, Promise):
        return force_str(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(JST).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, (int, float, dt.date)):
        return value
    return force_str(value)


def _csv_text(value) -> str:
    value = cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise_formula(str(value)) if isinstance(value, str) else str(value)


class _Line:
    """A file-like object whose write() returns what was written (csv.writer into a stream)."""

    def write(self, value):
        return value


def csv_chunks(dataset: Dataset, rows: Iterable) -> Iterator[str]:
    """The CSV text, line by line: the BOM, the headings, one line per row — in the language active now.

    The lines are written while the response streams, after the view has returned: Wagtail's admin reads a user's
    language only for the length of the view, so without holding it here an English admin got Japanese headings."""
    return _csv_lines(dataset, rows, translation.get_language())


def _csv_lines(dataset: Dataset, rows: Iterable, language: str | None) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    with translation.override(language):
        yield BOM + writer.writerow([force_str(c.heading) for c in dataset.columns])
        for row in rows:
            yield writer.writerow([_csv_text(c.value(row)) for c in dataset.columns])


def csv_bytes(dataset: Dataset, rows: Iterable) -> bytes:
    return "".join(csv_chunks(dataset, rows)).encode("utf-8")


def _sheet_title(title) -> str:
    text = force_str(title)
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31] or "Sheet1"


def xlsx_bytes(dataset: Dataset, rows: Iterable) -> bytes:
    """A one-sheet workbook: bold headings, then one row per item (streamed with openpyxl's write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(dataset.title))
    bold = Font(bold=True)
    headings = []
    for c in dataset.columns:
        h = WriteOnlyCell(sheet, value=force_str(c.heading))
        h.font = bold
        headings.append(h)
    sheet.append(headings)
    for row in rows:
        cells = []
        for c in dataset.columns:
            value = cell(c.value(row))
            x = WriteOnlyCell(sheet, value=value)
            if x.data_type == "f":  # text that looks like a formula stays text
                x.data_type = "s"
            if isinstance(value, dt.datetime):
                x.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, dt.date):
                x.number_format = "yyyy-mm-dd"
            cells.append(x)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def filename(dataset: Dataset, fmt: str, suffix: str = "") -> str:
    stamp = dt.datetime.now(JST).strftime("%Y%m%d")
    return f"{dataset.name}{('-' + suffix) if suffix else ''}-{stamp}.{fmt}"


def export_response(dataset: Dataset, rows: Iterable, fmt: str, *, suffix: str = ""):
    """A download of `rows` as CSV (streamed) or XLSX; `fmt` must be one of FORMATS."""
    name = filename(dataset, fmt, suffix)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(dataset, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(dataset, rows), content_type=XLSX_CONTENT_TYPE)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
