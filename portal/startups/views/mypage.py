"""My page: a startup member's home on the site (staff without a startup go to the admin)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from portal.accounts import permissions

from .. import selectors


@login_required
def mypage(request):
    """A startup member's home on the site: their organisation and how complete its profile is."""
    if permissions.can_access_admin(request.user)[0] and not permissions.is_startup_member(request.user):
        return redirect("wagtailadmin_home")
    organisation = selectors.organisation_for_mypage(permissions.organisation_of(request.user))
    # Profile completeness is the template's {% mypage_profile %} (applications' fuller list), not computed here.
    return render(request, "startups/mypage.html", {"organisation": organisation})
