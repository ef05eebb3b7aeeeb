"""Visits and meetings in the Wagtail admin as views of the MeetingViewSet: one meeting's screen (the inspect view),
one action view per form on it — offer other slots, move the agreed time, cancel — and "Propose times" for an
engagement or an application as the viewset's create views (the engagement or application in the URL).

Scoping stays the selectors' (municipality staff see their own municipality's meetings, the ministry all; anyone
else gets a 404); the services check who may do what (`can_schedule_meeting`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel, ObjectList

from portal.applications.selectors import application_for

from .. import permissions, selectors, services
from ..meeting_forms import CancelMeetingForm, ChangeMeetingForm, MeetingProposeForm, OfferSlotsForm
from ..models import Meeting, MeetingKind, MeetingState
from ..services.meetings import format_slot
from .admin_generic import InspectActionView, ScreenInspectView, ServiceCreateView


def agreed_time(meeting) -> str:
    return format_slot(meeting.chosen_slot) if meeting.chosen_slot_id else "—"


class MeetingInspectView(ScreenInspectView):
    """One meeting: its facts, the times offered and the forms of its state.

    A template of our own: Wagtail's inspect view lists a model's fields, and this screen also holds three forms."""

    template_name = "tracker/admin/meeting_detail.html"

    detail = staticmethod(selectors.meeting_detail)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        forms = {
            "offer_form": OfferSlotsForm(prefix="offer"),
            "change_form": ChangeMeetingForm(prefix="change"),
            "cancel_form": CancelMeetingForm(prefix="cancel"),
            **getattr(self, "forms", {}),
        }
        context.update(
            {
                "meeting": meeting,
                "can_schedule": permissions.can_schedule_meeting(self.request.user, meeting.municipality_id)[
                    0
                ],
                "slot_labels": [(format_slot(s), s) for s in meeting.open_slots],
                "agreed": agreed_time(meeting),
                "open": meeting.state in (MeetingState.PROPOSED, MeetingState.OTHER_SLOTS_ASKED),
                **forms,
            }
        )
        return context


class MeetingActionView(InspectActionView, MeetingInspectView):
    """One form of the meeting screen: `service` is called with the meeting, the actor and the form's
    `service_fields`; `done` is what the user is told."""

    service = None
    service_fields: tuple[str, ...] = ()
    done = ""

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in self.service_fields}
        self.service(meeting=self.object, actor=self.request.user, **fields)
        return str(self.done)


class OfferView(MeetingActionView):
    form_name, form_class, form_prefix = "offer_form", OfferSlotsForm, "offer"
    service, service_fields = staticmethod(services.meeting_offer_slots), ("slots", "note")
    done = gettext_lazy("The new times have been sent to the startup.")


class ChangeView(MeetingActionView):
    form_name, form_class, form_prefix = "change_form", ChangeMeetingForm, "change"
    service, service_fields = staticmethod(services.meeting_change), ("slot", "reason")
    done = gettext_lazy("The meeting has been moved; an updated invitation has been sent.")


class CancelView(MeetingActionView):
    form_name, form_class, form_prefix = "cancel_form", CancelMeetingForm, "cancel"
    service, service_fields = staticmethod(services.meeting_cancel), ("reason",)
    done = gettext_lazy("The meeting has been cancelled; everyone has been told.")


ACTION_VIEWS = {"offer": OfferView, "change": ChangeView, "cancel": CancelView}


# ------------------------------------------------------------------------------------------- proposing slots


class ProposeView(ServiceCreateView):
    """ "Propose times" for an engagement (a first visit or a meeting) or for an application under review (an
    interview): a create view of the viewset, the service writing the meeting and its slots. Staff only (the
    policy's "view"); the engagement or application is looked up in the user's scope (404 outside it), then
    `can_schedule_meeting` decides."""

    permission_required = "view"  # staff; no one holds "add" (it would also open Wagtail's history view)
    form_class = MeetingProposeForm
    submit_button_label = gettext_lazy("Send the times to the startup")
    subject_kind = ""  # "engagement" or "application": which of the two the URL's pk names

    def dispatch(self, request, *args, **kwargs):
        if self.user_has_permission(self.permission_required):
            self.subject = self.get_subject()
            allowed, why = permissions.can_schedule_meeting(request.user, self.municipality_id)
            if not allowed:
                raise PermissionDenied(why)
        return super().dispatch(request, *args, **kwargs)  # Wagtail's refusal for anyone but staff

    def get_subject(self):
        if self.subject_kind == "engagement":
            return get_object_or_404(selectors.engagements_for(self.request.user), pk=self.kwargs["pk"])
        application = application_for(self.request.user, self.kwargs["pk"])  # 404 outside the user's scope
        if application.state == "draft":
            raise Http404
        return application

    @property
    def municipality_id(self) -> int:
        if self.subject_kind == "engagement":
            return self.subject.municipality_id
        return self.subject.challenge.municipality_id

    @property
    def kinds(self) -> list[str]:
        if self.subject_kind == "engagement":
            return [MeetingKind.FIRST_VISIT, MeetingKind.MEETING]
        return [MeetingKind.INTERVIEW]

    def get_add_url(self):
        return reverse(f"meeting:add_for_{self.subject_kind}", args=[self.subject.pk])

    def get_page_title(self):
        return _("Propose times")

    def get_page_subtitle(self):
        return str(self.subject)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("meeting:index"), "label": _("Visits and meetings")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_initial(self):
        subject = self.subject
        return {
            "kind": self.kinds[0],
            "title": str(subject.challenge.title if subject.challenge_id else subject)[:200],
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kinds": self.kinds}

    def get_bound_panel(self, form):
        # Wagtail's panels group each slot's five fields under its own heading; the help names this startup
        intro = _(
            "Offer %(startup)s up to five times; they pick one or ask for others. Times are in Japan time (JST). "
            "Give a place for a visit or a link for an online meeting."
        ) % {"startup": self.subject.startup}
        rows = [
            MultiFieldPanel(
                [FieldPanel(field.name) for field in row],
                heading=_("Time slot %(n)s") % {"n": n},
            )
            for n, row in enumerate(form.slot_rows_bound(), start=1)
        ]
        panel = ObjectList(
            [HelpPanel(intro), FieldPanel("kind"), FieldPanel("title"), FieldPanel("note"), *rows]
        ).bind_to_model(Meeting)
        return panel.get_bound_panel(request=self.request, instance=Meeting(), form=form)

    def save(self, form):
        d = form.cleaned_data
        meeting = services.meeting_propose(
            actor=self.request.user,
            kind=d["kind"],
            title=d["title"],
            note=d["note"],
            slots=d["slots"],
            engagement=self.subject if self.subject_kind == "engagement" else None,
            application=self.subject if self.subject_kind == "application" else None,
        )
        messages.success(self.request, _("The times have been sent to the startup."))
        return redirect("meeting:inspect", meeting.pk)
