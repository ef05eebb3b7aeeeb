"""A Wagtail listing whose rows are changed elsewhere — by the services, from screens of their own — so its rows offer
no edit, copy or delete link (the apps' viewsets use it for their staff lists); and columns whose cells are written in
Python.

Wagtail renders each cell of a listing through a template (`wagtailadmin/tables/cell.html`): a page of 20 to 50
rows has hundreds of cells, and a template each was a large part of those pages' time (issue #20). `PlainColumn`
writes the same markup (`<td>` with the value, escaped; nothing for None) through Wagtail's public
`Column.render_cell_html`."""

from __future__ import annotations

from django.utils.html import format_html
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView


class NoRowEditsIndexView(IndexView):
    """Wagtail's listing (columns, filters, sorting, pagination) without the row actions that edit, copy or delete."""

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None


class PlainColumn(Column):
    """Wagtail's column with its cell written in Python instead of a template."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if self.classname:
            return format_html('<td class="{}">{}</td>', self.classname, "" if value is None else value)
        return format_html("<td>{}</td>", "" if value is None else value)
