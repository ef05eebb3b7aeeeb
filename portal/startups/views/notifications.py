"""The in-app notification list: every signed-in user's, with "mark as read"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.applications import selectors, services
from portal.applications.views.common import paginate
from portal.core.notifications import unread_count
from portal.core.params import positive_id


@login_required
def notification_list(request):
    if request.method == "POST":
        ids = request.POST.getlist("id")
        services.notifications_mark_read(
            user=request.user, ids=[i for i in map(positive_id, ids) if i is not None] if ids else None
        )
        messages.success(request, _("Marked as read."))
        return redirect("startups:notifications")
    paginator, page = paginate(request, selectors.notifications_of(request.user))
    return render(
        request,
        "startups/notification_list.html",
        {"notifications": page, "paginator": paginator, "unread": unread_count(request.user)},
    )
