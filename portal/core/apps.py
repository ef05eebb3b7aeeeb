from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import (
            checks,  # noqa: F401 - registers the deployment checks
            pagecache,
            routing,
        )
        from .models import Notification
        from .notifications import on_notification_changed

        # Cached site, routes and view-restriction map: retired by page, site and restriction changes (routing.py).
        routing.connect_signals()
        # Kept page bodies and visitors' whole pages: retired by any content change (pagecache.py).
        pagecache.connect_signals()
        # The shell's cached unread count follows every change of a notification (portal/core/unread.py).
        post_save.connect(on_notification_changed, sender=Notification, dispatch_uid="xact.core.unread_saved")
        post_delete.connect(
            on_notification_changed, sender=Notification, dispatch_uid="xact.core.unread_gone"
        )
