"""The admin home for staff (Wagtail's `construct_homepage_panels` hook): the work queue — what waits for them,
as counts with links — and their latest in-app notifications. The sidebar's "Notifications" item (a bell) carries
the unread count on every admin page; its list is a ModelViewSet scoped to the reader.

Which queue a user sees (ministry or municipality) is decided by accounts, which registers the panels
(portal/accounts/wagtail_hooks.py); the entries come from the apps through `portal.core.queues`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_listing import NoRowEditsIndexView
from .models import Notification
from .notifications import mark_read, unread_count
from .policies import ViewOnlyPolicy
from .queues import MINISTRY, work_queue

PANEL_NOTIFICATIONS = 5


class WorkQueuePanel(Component):
    name = "work_queue"
    template_name = "core/admin/work_queue_panel.html"
    order = 10

    def __init__(self, user, audience: str, organisation_ids: list[int]):
        self.user, self.audience, self.organisation_ids = user, audience, organisation_ids

    def get_context_data(self, parent_context):
        entries = work_queue(self.user, self.audience, self.organisation_ids)
        return {
            "entries": entries,
            "waiting": sum(e.count for e in entries),
            "heading": _("Waiting for the ministry") if self.audience == MINISTRY else _("Waiting for you"),
        }


class NotificationsPanel(Component):
    name = "notifications"
    template_name = "core/admin/notifications_panel.html"
    order = 20

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        rows = list(
            Notification.objects.filter(recipient=self.user, read_at__isnull=True)[:PANEL_NOTIFICATIONS]
        )
        return {
            "notifications": rows,
            "unread": unread_count(self.user) if len(rows) == PANEL_NOTIFICATIONS else len(rows),
        }


class NotificationsMenuItem(MenuItem):
    """The bell: "Notifications (3)" in the sidebar, one count query per admin page."""

    def render_component(self, request):
        count = unread_count(request.user)
        label = (
            ngettext("Notifications (%(n)d unread)", "Notifications (%(n)d unread)", count) % {"n": count}
            if count
            else _("Notifications")
        )
        return LinkMenuItem(
            self.name,
            label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs={**self.attrs, "data-unread": str(count)},
        )


# --- the list -------------------------------------------------------------------------------------------------


class OwnNotificationsPolicy(ViewOnlyPolicy):
    """Anyone in the admin reads their own notifications; nobody adds, edits or deletes one here."""

    def may_view(self, user):
        return user.is_authenticated and user.is_active

    def visible(self, user):
        return Notification.objects.filter(recipient=user)


class NotificationIndexView(NoRowEditsIndexView):
    def get_base_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)


def _read(n) -> str:
    return _("read") if n.read_at else _("unread")


class NotificationViewSet(ModelViewSet):
    model = Notification
    icon = "mail"
    menu_label = gettext_lazy("Notifications")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = NotificationIndexView
    index_template_name = "core/admin/notification_index.html"
    ordering = ["-created_at", "-pk"]
    exclude_form_fields = []
    list_filter = []

    @property
    def list_display(self):
        return [
            TitleColumn(
                "title",
                label=gettext_lazy("title"),
                accessor="display_title",
                get_url=lambda n: n.display_url or None,
            ),
            Column("state", label=gettext_lazy("state"), accessor=_read),
            DateColumn("created_at", label=gettext_lazy("created"), sort_key="created_at"),
        ]


@require_POST
def notifications_mark_read(request):
    """Mark all (or the posted `id`s) of the reader's own notifications as read."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    ids = [int(i) for i in request.POST.getlist("id") if i.isascii() and i.isdigit() and len(i) < 19] or None
    count = mark_read(user=request.user, ids=ids)
    messages.success(
        request,
        ngettext("%(n)d notification marked as read.", "%(n)d notifications marked as read.", count)
        % {"n": count},
    )
    return redirect(reverse("notification:index"))
