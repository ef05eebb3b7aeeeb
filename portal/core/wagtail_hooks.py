"""Admin wiring for the whole portal: the stylesheet of our own admin screens (accessibility fixes, see
docs/security.md#accessibility)."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.active_filters import ActiveFilter, BaseFilterAdapter, register_filter_adapter_class
from wagtail.permissions import register_permission_policy

from .admin_home import (
    NotificationsMenuItem,
    NotificationViewSet,
    OwnNotificationsPolicy,
    notifications_mark_read,
)
from .forms import YesNoFilter
from .models import Notification


@hooks.register("insert_global_admin_css")
def portal_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


# --- staff notifications in the admin (issue #18): the bell with the unread count, the list, "mark as read" ------


@hooks.register("register_icons")
def register_bell_icon(icons):
    return [*icons, "core/icons/bell.svg"]


@hooks.register("register_admin_viewset")
def register_notification_viewset():
    return NotificationViewSet("notification")


@hooks.register("register_admin_urls")
def register_notification_urls():
    return [path("notifications/read/", notifications_mark_read, name="notifications_mark_read")]


@hooks.register("register_admin_menu_item")
def register_notifications_menu_item():
    return NotificationsMenuItem(
        _("Notifications"), reverse("notification:index"), name="notifications", icon_name="bell", order=5
    )


register_permission_policy(Notification, OwnNotificationsPolicy(Notification))


class YesNoFilterAdapter(BaseFilterAdapter):
    """A yes/no facet's active-filter pill reads its choice (「はい」/"yes"), not the Python value True."""

    def get_active_filters(self):
        label = _("yes") if self.value else _("no")
        yield ActiveFilter(
            self.bound_field.auto_id,
            self.filter.label,
            str(label),
            self.get_url_without_filter_param(self.name),
        )


register_filter_adapter_class(YesNoFilter, adapter_class=YesNoFilterAdapter)
