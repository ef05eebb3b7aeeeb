"""A Wagtail listing whose rows are changed elsewhere — by the services, from screens of their own — so its rows offer
no edit, copy or delete link (the apps' viewsets use it for their staff lists); and a table, and columns, written in
Python.

Wagtail renders a listing through templates: the table (`wagtailadmin/tables/table.html`, a `{% component %}` tag per
cell) and each cell (`wagtailadmin/tables/cell.html`, `title_cell.html`, `date_cell.html` with its
`human_readable_date` include). A page of 20 to 50 rows has hundreds of cells, and the template machinery around
them was most of those pages' own time (issue #20). `PlainTable` writes the same `<table>` through Wagtail's public
`Component.render_html` (the headers keep Wagtail's template: they carry the sorting links), asking each column for
its cell through `Column.render_cell_html`; the `Plain…Column`s write their cells' markup (the same elements,
classes and attributes as Wagtail's templates; values escaped) in Python. A column that is not one of them is still
rendered by its own template."""

from __future__ import annotations

import datetime

from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from wagtail.admin.templatetags.wagtailadmin_tags import timesince_simple
from wagtail.admin.ui.tables import Column, DateColumn, Table, TitleColumn
from wagtail.admin.views.generic import IndexView


class NoRowEditsIndexView(IndexView):
    """Wagtail's listing (columns, filters, sorting, pagination) without the row actions that edit, copy or delete."""

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None


def _attrs(attrs: dict) -> str:
    """Wagtail's `shared/attrs.html` in Python: True is a bare attribute, False (and None) leaves it out."""
    return flatatt({name: value for name, value in attrs.items() if value is not None})


class PlainTable(Table):
    """Wagtail's table (`wagtailadmin/tables/table.html`) written in Python: caption, column widths, the headers
    (Wagtail's own, with their sorting links), and a row per object with each column's `render_cell_html`."""

    def render_html(self, parent_context=None):
        context = dict(self.get_context_data(parent_context or {}))
        parts = [f"<table{_attrs(self.attrs)}>"]
        caption = self.get_caption()
        if caption:
            parts.append(format_html('<caption class="w-sr-only">{}</caption>', caption))
        columns = list(self.columns.values())
        if self.has_column_widths():
            parts.extend(
                format_html("<col {}/>", format_html('width="{}" ', c.width) if c.width else "")
                for c in columns
            )
        row_class = f' class="{self.header_row_classname}"' if self.header_row_classname else ""
        parts.append(f"<thead><tr{row_class}>")
        parts.extend(column.render_header_html(context) for column in columns)
        parts.append("</tr></thead><tbody>")
        for row in self.rows:
            context["row"] = row
            parts.append(f"<tr{_attrs(row.attrs)}>")
            parts.extend(column.render_cell_html(row.instance, context) for column in columns)
            parts.append("</tr>")
        parts.append("</tbody></table>")
        return SafeString("".join(parts))


class PlainColumn(Column):
    """Wagtail's column with its cell written in Python instead of a template."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if self.classname:
            return format_html('<td class="{}">{}</td>', self.classname, "" if value is None else value)
        return format_html("<td>{}</td>", "" if value is None else value)


class PlainTitleColumn(TitleColumn):
    """Wagtail's title column (the value in a link to the object, or as it is without one) with its cell written in
    Python; it offers no row buttons (the lists that use it have none)."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if value is None or not str(value).strip():
            value = self.empty_value_display
        title_id = self.get_title_id(instance, parent_context)
        title = format_html('<span id="{}">{}</span>', title_id, value) if title_id else value
        url = self.get_link_url(instance, parent_context)
        if url:
            attrs = self.get_link_attrs(instance, parent_context) | {"href": url}
            if self.link_classname is not None:
                attrs["class"] = self.link_classname
            title = format_html("<a{}>{}</a>", mark_safe(_attrs(attrs)), title)
        classname = f"{self.classname} title" if self.classname else "title"
        return format_html('<td class="{}"><div class="title-wrapper">{}</div></td>', classname, title)


class PlainDateColumn(DateColumn):
    """Wagtail's date column (how long ago, the date itself in a tooltip: `shared/human_readable_date.html`) with its
    cell written in Python."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        cell = ""
        if value:
            if isinstance(value, datetime.datetime):
                tooltip_format = get_format("DATETIME_FORMAT") or "N j, Y, P"
                if timezone.is_aware(value):
                    value = timezone.localtime(value)
            else:
                tooltip_format = get_format("DATE_FORMAT") or "N j, Y"
            cell = format_html(
                '<button type="button" class="w-human-readable-date" data-controller="w-tooltip"'
                ' data-w-tooltip-content-value="{}" data-w-tooltip-placement-value="top">'
                '<time class="w-human-readable-date__date" datetime="{}">{}</time></button>',
                format_date(value, tooltip_format),
                format_date(value, "c"),
                capfirst(timesince_simple(value)),
            )
        if self.classname:
            return format_html('<td class="{}">{}</td>', self.classname, cell)
        return format_html("<td>{}</td>", cell)
