"""The site's briefing screens: one session (details, register / cancel, the online link and materials for the
registered), its .ics, its slides, and "my briefing sessions". Thin: rules, selectors and services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core import ics as core_ics
from portal.core.calendar import fiscal_year_label, today_jst
from portal.core.fiscal import fiscal_year_of

from . import ics, selectors, services
from . import permissions as rules


def _registration(user, session):
    return selectors.registrations_by_session(user, [session]).get(session.pk)


def session_detail(request, pk: int):
    session = selectors.session_for_site(request.user, pk)
    registration = _registration(request.user, session)
    can_register, register_reason = rules.can_register_briefing(request.user, session)
    context = {
        "session": session,
        "registration": registration,
        "can_register": can_register and registration is None and session.seats_left() > 0,
        "register_reason": register_reason,
        "can_cancel": registration is not None
        and rules.can_cancel_registration(request.user, registration)[0],
        "sees_details": rules.can_see_briefing_details(request.user, session, registration)[0],
        "is_startup": rules.startup_of(request.user) is not None,
        "fiscal_year": fiscal_year_label(fiscal_year_of(today_jst(session.starts_at))),
    }
    return render(request, "challenges/briefings/session_detail.html", context)


@require_POST
@login_required
def session_register(request, pk: int):
    session = selectors.session_for_site(request.user, pk)
    try:
        services.briefing_register(actor=request.user, session=session)
    except PermissionDenied as exc:
        return HttpResponse(str(exc), status=403)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("briefings:detail", pk=pk)
    messages.success(request, _("Your organisation is registered. Add the briefing to your calendar."))
    return redirect("briefings:detail", pk=pk)


@require_POST
@login_required
def registration_cancel(request, pk: int):
    session = selectors.session_for_site(request.user, pk)
    registration = _registration(request.user, session)
    if registration is None:
        raise Http404
    try:
        services.briefing_registration_cancel(actor=request.user, registration=registration)
    except PermissionDenied as exc:
        return HttpResponse(str(exc), status=403)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("briefings:detail", pk=pk)
    messages.success(request, _("Your registration has been cancelled."))
    return redirect("briefings:detail", pk=pk)


def _detail_or_404(request, pk: int):
    """The session for the registered startup or its staff; 404 for anyone else (the link and files are private)."""
    session = selectors.session_for_site(request.user, pk)
    if not rules.can_see_briefing_details(request.user, session, _registration(request.user, session))[0]:
        raise Http404
    return session


@login_required
def session_ics(request, pk: int):
    session = _detail_or_404(request, pk)
    response = HttpResponse(ics.session_calendar(session), content_type=core_ics.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(session)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def session_slides(request, pk: int):
    session = _detail_or_404(request, pk)
    if not session.slides:
        raise Http404
    response = FileResponse(
        session.slides.open("rb"), as_attachment=True, filename=session.slides_name or session.slides.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def my_sessions(request):
    return render(
        request,
        "challenges/briefings/my_sessions.html",
        {"registrations": selectors.my_registrations(request.user)},
    )
