"""Visits and meetings on the site (/mypage/meetings/): the startup picks a slot or asks for others, downloads the
invitation (.ics). Staff open the same meeting in the admin; the .ics download serves both parties."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .. import ics, permissions, selectors, services
from ..meeting_forms import CancelMeetingForm, OtherSlotsForm, PickSlotForm
from ..models import Meeting, MeetingState
from ..services.meetings import format_slot
from .common import add_service_errors, paginate


def meeting_or_404(request, pk) -> Meeting:
    try:
        return selectors.meeting_detail(pk, request.user)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def meeting_list(request):
    qs = selectors.meetings_for(request.user).order_by("-updated_at", "-pk")
    return TemplateResponse(request, "tracker/meeting_list.html", {"page_obj": paginate(request, qs)})


def _pick_form(meeting, data=None):
    return PickSlotForm(
        data,
        slots=meeting.open_slots,
        labels={s.pk: f"{format_slot(s)} — {s.location}" for s in meeting.open_slots},
    )


@login_required
def meeting_detail(request, pk):
    meeting = meeting_or_404(request, pk)
    can_answer = permissions.can_answer_meeting(request.user, meeting)[0]
    forms = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "pick":
                form = forms["pick_form"] = _pick_form(meeting, request.POST)
                if form.is_valid():
                    services.meeting_pick(
                        meeting=meeting, slot_id=form.cleaned_data["slot"], actor=request.user
                    )
                    messages.success(
                        request, _("The meeting is agreed. The invitation has been sent by e-mail.")
                    )
                    return redirect(request.path)
            elif action == "other":
                form = forms["other_form"] = OtherSlotsForm(request.POST)
                if form.is_valid():
                    services.meeting_ask_other_slots(
                        meeting=meeting, actor=request.user, message=form.cleaned_data["message"]
                    )
                    messages.success(request, _("The municipality has been asked for other times."))
                    return redirect(request.path)
            elif action == "cancel":
                form = forms["cancel_form"] = CancelMeetingForm(request.POST)
                if form.is_valid():
                    services.meeting_cancel(
                        meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The meeting has been cancelled; everyone has been told."))
                    return redirect(request.path)
        except ValidationError as exc:
            target = next(iter(forms.values()), None)
            if target is not None:
                add_service_errors(target, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
        if status == 200:
            status = 400
        meeting = meeting_or_404(request, pk)
    context = {
        "meeting": meeting,
        "can_answer": can_answer,
        "can_cancel": permissions.can_cancel_meeting(request.user, meeting)[0],
        "pick_form": forms.get("pick_form") or _pick_form(meeting),
        "other_form": forms.get("other_form") or OtherSlotsForm(),
        "cancel_form": forms.get("cancel_form") or CancelMeetingForm(),
        "slot_labels": {s.pk: format_slot(s) for s in meeting.open_slots},
        "agreed": format_slot(meeting.chosen_slot) if meeting.chosen_slot else "",
        "can_request_travel": (
            meeting.state == MeetingState.CONFIRMED
            and meeting.is_on_site
            and meeting.engagement_id is not None
            and permissions.can_request_travel(request.user, meeting.engagement)[0]
        ),
    }
    return TemplateResponse(request, "tracker/meeting_detail.html", context, status=status)


@login_required
def meeting_ics(request, pk):
    """The agreed meeting as an .ics file (a cancelled one as its cancellation), for both parties and the ministry."""
    meeting = meeting_or_404(request, pk)
    if meeting.chosen_slot is None:
        raise Http404
    data = ics.meeting_calendar(meeting)
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(meeting)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
