"""Visits and meetings in the Wagtail admin: the list (a ModelViewSet scoped to the user's municipality), one
meeting's screen (offer other slots, change the agreed time, cancel) and the form that proposes slots for an
engagement or an application. Municipality staff see their own municipality's meetings; the ministry all."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from portal.accounts.permissions import is_ministry, is_municipality_staff
from portal.applications.selectors import application_for

from .. import permissions, selectors, services
from ..filters import MeetingFilter
from ..meeting_forms import CancelMeetingForm, ChangeMeetingForm, MeetingProposeForm, OfferSlotsForm
from ..models import Engagement, Meeting, MeetingKind, MeetingState
from ..services.meetings import format_slot
from .common import add_service_errors


def _staff(user) -> bool:
    return is_ministry(user) or is_municipality_staff(user)


class MeetingPolicy(ModelPermissionPolicy):
    """Staff look at the list; meetings are written by the services behind the meeting screens, never edited."""

    def user_has_permission(self, user, action):
        return action == "view" and _staff(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if "view" not in actions:
            return Meeting.objects.none()
        return selectors.meetings_for(user)


class MeetingIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.meetings_for(self.request.user)

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_inspect_url(self, instance):
        return reverse("tracker_admin:meeting", args=[instance.pk])


def _agreed(meeting) -> str:
    return format_slot(meeting.chosen_slot) if meeting.chosen_slot_id else "—"


class MeetingViewSet(ModelViewSet):
    model = Meeting
    icon = "calendar"
    menu_label = gettext_lazy("Visits and meetings")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = MeetingIndexView
    filterset_class = MeetingFilter
    ordering = ["-updated_at", "-pk"]
    exclude_form_fields = []

    @property
    def list_display(self):
        return [
            TitleColumn(
                "title",
                label=gettext_lazy("title"),
                get_url=lambda obj: reverse("tracker_admin:meeting", args=[obj.pk]),
            ),
            Column("kind", label=gettext_lazy("kind"), accessor="get_kind_display"),
            Column("startup", label=gettext_lazy("startup"), accessor="startup"),
            Column("municipality", label=gettext_lazy("municipality"), accessor="municipality"),
            Column("state", label=gettext_lazy("state"), accessor="get_state_display"),
            Column("agreed", label=gettext_lazy("agreed time (JST)"), accessor=_agreed),
            DateColumn("updated_at", label=gettext_lazy("changed on"), sort_key="updated_at"),
        ]


# ------------------------------------------------------------------------------------------------ one meeting


def _meeting_or_404(request, pk) -> Meeting:
    if not _staff(request.user):
        raise PermissionDenied(_("Only staff can open this page."))
    try:
        return selectors.meeting_detail(pk, request.user)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


def meeting_detail(request, pk):
    meeting = _meeting_or_404(request, pk)
    forms = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "offer":
                form = forms["offer_form"] = OfferSlotsForm(request.POST, prefix="offer")
                if form.is_valid():
                    services.meeting_offer_slots(
                        meeting=meeting,
                        actor=request.user,
                        slots=form.cleaned_data["slots"],
                        note=form.cleaned_data["note"],
                    )
                    messages.success(request, _("The new times have been sent to the startup."))
                    return redirect(request.path)
            elif action == "change":
                form = forms["change_form"] = ChangeMeetingForm(request.POST, prefix="change")
                if form.is_valid():
                    services.meeting_change(
                        meeting=meeting,
                        actor=request.user,
                        slot=form.cleaned_data["slot"],
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(
                        request, _("The meeting has been moved; an updated invitation has been sent.")
                    )
                    return redirect(request.path)
            elif action == "cancel":
                form = forms["cancel_form"] = CancelMeetingForm(request.POST, prefix="cancel")
                if form.is_valid():
                    services.meeting_cancel(
                        meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The meeting has been cancelled; everyone has been told."))
                    return redirect(request.path)
        except ValidationError as exc:
            target = next(iter(forms.values()), None)
            if target is not None:
                add_service_errors(target, exc, {"slots": None})
            else:
                messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
        if status == 200:
            status = 400
        meeting = _meeting_or_404(request, pk)
    can_schedule = permissions.can_schedule_meeting(request.user, meeting.municipality_id)[0]
    context = {
        "meeting": meeting,
        "title": str(meeting),
        "can_schedule": can_schedule,
        "offer_form": forms.get("offer_form") or OfferSlotsForm(prefix="offer"),
        "change_form": forms.get("change_form") or ChangeMeetingForm(prefix="change"),
        "cancel_form": forms.get("cancel_form") or CancelMeetingForm(prefix="cancel"),
        "slot_labels": [(format_slot(s), s) for s in meeting.open_slots],
        "agreed": _agreed(meeting),
        "open": meeting.state in (MeetingState.PROPOSED, MeetingState.OTHER_SLOTS_ASKED),
    }
    return TemplateResponse(request, "tracker/admin/meeting_detail.html", context, status=status)


# ------------------------------------------------------------------------------------------- proposing slots


def _propose(request, *, engagement=None, application=None, kinds):
    municipality_id = engagement.municipality_id if engagement else application.challenge.municipality_id
    allowed, why = permissions.can_schedule_meeting(request.user, municipality_id)
    if not allowed:
        raise PermissionDenied(why)
    subject = engagement if engagement is not None else application
    form = MeetingProposeForm(
        request.POST or None,
        kinds=kinds,
        initial={
            "kind": kinds[0],
            "title": str(subject.challenge.title if subject.challenge_id else subject)[:200],
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                meeting = services.meeting_propose(
                    actor=request.user,
                    kind=d["kind"],
                    title=d["title"],
                    note=d["note"],
                    slots=d["slots"],
                    engagement=engagement,
                    application=application,
                )
                messages.success(request, _("The times have been sent to the startup."))
                return redirect("tracker_admin:meeting", pk=meeting.pk)
            except ValidationError as exc:
                add_service_errors(form, exc, {"slots": None})
        status = 400
    return TemplateResponse(
        request,
        "tracker/admin/meeting_form.html",
        {
            "form": form,
            "subject": subject,
            "title": _("Propose times"),
            "startup": subject.startup,
        },
        status=status,
    )


def meeting_new_for_engagement(request, pk):
    if not _staff(request.user):
        raise PermissionDenied(_("Only staff can open this page."))
    try:
        engagement = selectors.engagements_for(request.user).get(pk=pk)
    except Engagement.DoesNotExist as exc:
        raise Http404 from exc
    return _propose(request, engagement=engagement, kinds=[MeetingKind.FIRST_VISIT, MeetingKind.MEETING])


def meeting_new_for_application(request, pk):
    if not _staff(request.user):
        raise PermissionDenied(_("Only staff can open this page."))
    application = application_for(request.user, pk)  # 404 outside the user's scope
    if application.state == "draft":
        raise Http404
    return _propose(request, application=application, kinds=[MeetingKind.INTERVIEW])
