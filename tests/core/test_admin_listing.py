"""The listing table and cells written in Python (portal/core/admin_listing.py) write what Wagtail's templates write:
the same elements, classes, attributes and escaped values (whitespace aside), so the admin's styles and scripts
(sorting links, the date tooltips) work on them as on Wagtail's own."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation
from wagtail.admin.ui.tables import Column, DateColumn, Table, TitleColumn

from portal.core.admin_listing import PlainColumn, PlainDateColumn, PlainTable, PlainTitleColumn


def _normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"\s*(<|>)\s*", r"\1", html)
    return html.replace("<tr >", "<tr>").replace("<td >", "<td>").replace("<th >", "<th>")


NOW = timezone.now().replace(microsecond=0)


def _rows():
    now = NOW
    return [
        SimpleNamespace(pk=1, name="<b>Snow & Co</b>", state="sent", at=now - datetime.timedelta(hours=5)),
        SimpleNamespace(pk=2, name="", state="", at=None),
        SimpleNamespace(pk=3, name="北海道テック", state="declined", at=now - datetime.timedelta(days=40)),
    ]


def _render(table_class, title, date, plain, *, caption=None):
    columns = [
        title("name", label="startup", get_url=lambda o: f"/review/{o.pk}/?a=1&b=2"),
        plain("state", label="state <s>", classname="w-text-16"),
        date("at", label="sent on", sort_key="at"),
    ]
    request = RequestFactory().get("/admin/x/")
    table = table_class(columns, _rows(), base_url="/admin/x/", ordering="-at", caption=caption)
    return table.render_html({"request": request})


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("caption", [None, "Applications"])
def test_plain_table_writes_what_wagtails_templates_write(language, caption):
    with translation.override(language):
        wagtail = _render(Table, TitleColumn, DateColumn, Column, caption=caption)
        plain = _render(PlainTable, PlainTitleColumn, PlainDateColumn, PlainColumn, caption=caption)
    assert _normalised(plain) == _normalised(wagtail)
    assert "&lt;b&gt;Snow &amp; Co&lt;/b&gt;" in plain  # escaped, never markup
    assert 'href="/review/1/?a=1&amp;b=2"' in plain


def test_plain_table_renders_other_columns_through_their_templates():
    """A column that writes no cell of its own (here Wagtail's Column) keeps its template inside PlainTable."""
    columns = [PlainColumn("state", label="state"), Column("name", label="name")]
    html = PlainTable(columns, _rows()).render_html({})
    wagtail = Table(columns, _rows()).render_html({})
    assert _normalised(html) == _normalised(wagtail)
