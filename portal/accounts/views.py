from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def after_login(request):
    """Send each kind of user where they work: staff to the admin, startups to My page."""
    if request.user.is_staff:
        return redirect("wagtailadmin_home")
    return redirect("/")
