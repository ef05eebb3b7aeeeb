"""A Wagtail listing whose rows are changed elsewhere — by the services, from screens of their own — so its rows offer
no edit, copy or delete link (the apps' viewsets use it for their staff lists)."""

from __future__ import annotations

from wagtail.admin.views.generic import IndexView


class NoRowEditsIndexView(IndexView):
    """Wagtail's listing (columns, filters, sorting, pagination) without the row actions that edit, copy or delete."""

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None
