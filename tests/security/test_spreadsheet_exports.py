"""Every CSV/XLSX export goes through one writer that keeps formulas from running (issue #16, item 7).

A startup named `=HYPERLINK(…)` reached the audit log's CSV as a live formula: the audit log used Wagtail's export,
which writes CSV cells as they are. The URL resolver is walked for every view of ours that exports spreadsheets
(Wagtail's SpreadsheetExportMixin); each must use portal.core.spreadsheet's writer. The exports written by hand
(open data, the site's and the admin's dataset downloads) call the same function; tests/security/test_fuzz.py
downloads each of them with these formulas too.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from portal.core.audit import record
from portal.core.spreadsheet import FormulaSafeExportMixin
from tests import factories

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _exports_of_ours():
    found = {}
    for route, callback in _walk(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if view_class is None or not issubclass(view_class, SpreadsheetExportMixin):
            continue
        if not view_class.__module__.startswith(("portal.", "matching.")):
            continue
        list_export = getattr(callback, "view_initkwargs", {}).get("list_export", view_class.list_export)
        if list_export or "as_spreadsheet" in vars(view_class):
            found[route] = view_class
    return found


def test_every_spreadsheet_export_of_ours_uses_the_shared_writer():
    exports = _exports_of_ours()
    assert "admin/audit-log/" in exports and "admin/application/" in exports  # the walk finds them
    unsafe = sorted(
        route for route, view_class in exports.items() if not issubclass(view_class, FormulaSafeExportMixin)
    )
    assert unsafe == []


def test_every_report_address_that_exports_answers_with_the_shared_writer():
    """Wagtail's own page reports print titles municipalities wrote: their addresses are answered by our views."""
    wagtail_exports = []
    for route, callback in _walk(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if view_class is None or not issubclass(view_class, SpreadsheetExportMixin) or "<" in route:
            continue
        list_export = getattr(callback, "view_initkwargs", {}).get("list_export", view_class.list_export)
        if view_class.__module__.startswith("wagtail.admin.views.reports") and list_export:
            wagtail_exports.append(route)
    assert (
        "admin/reports/locked/" in wagtail_exports
        and "admin/reports/site-history/results/" in wagtail_exports
    )
    for route in wagtail_exports:
        answering = resolve("/" + route).func.view_class
        assert issubclass(answering, FormulaSafeExportMixin), route


@pytest.mark.parametrize("formula", FORMULAS[:2], ids=["equals", "plus"])
def test_wagtails_page_reports_neutralise_a_title_written_as_a_formula(client, ministry_user, formula):
    from tests.challenges import factories as cf

    page = cf.challenge(title=formula, publish=False)
    page.save_revision(user=ministry_user, log_action=True)
    client.force_login(ministry_user)
    for url in ("/admin/reports/site-history/?export=csv", "/admin/reports/aging-pages/?export=csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
        assert formula not in cells, url


@pytest.fixture
def formula_startup_event(db):
    def make(formula):
        startup = factories.organisation("startup", name=formula)
        actor = factories.member(startup, email=f"s{len(formula)}{ord(formula[0])}@example.jp")
        record(actor=actor, action="accounts.organisation_changed", obj=startup)
        return formula

    return make


@pytest.mark.parametrize("formula", FORMULAS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_the_audit_log_export_neutralises_formulas(client, ministry_user, formula_startup_event, formula):
    formula_startup_event(formula)
    client.force_login(ministry_user)
    response = client.get("/admin/audit-log/?export=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert "'" + formula in cells
    assert formula not in cells

    response = client.get("/admin/audit-log/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = [
        cell for row in sheet.iter_rows() for cell in row if cell.value and formula.strip() in str(cell.value)
    ]
    assert values, "the name is in the workbook"
    assert all(cell.data_type == "s" for cell in values)  # text, never a formula cell
